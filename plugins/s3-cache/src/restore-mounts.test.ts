import { describe, expect, it } from "vitest";
import {
  mountsMetadataKey,
  readRecordedMounts,
  recordMounts,
  resolveRestoreMounts,
} from "./restore-mounts.js";

describe("resolveRestoreMounts", () => {
  it("restores the recorded mounts when the configured paths or globs name each of them", () => {
    const recorded = ["node_modules", "packages/a/node_modules"];
    expect(resolveRestoreMounts(["node_modules", "packages/*/node_modules"], recorded)).toEqual({
      restore: true,
      mounts: recorded,
    });
    expect(resolveRestoreMounts(["**/node_modules"], recorded)).toEqual({
      restore: true,
      mounts: recorded,
    });
    expect(resolveRestoreMounts([], recorded)).toEqual({ restore: true, mounts: recorded });
  });

  it("does not extract an archive holding a mount the step does not name", () => {
    const decision = resolveRestoreMounts(["node_modules"], ["node_modules", "src"]);
    expect(decision).toMatchObject({ restore: false });
    expect(!decision.restore && decision.reason).toContain('"src"');
  });

  it("refuses recorded mounts that could reach outside or replace the whole root", () => {
    for (const hostile of ["..", "../x", "/etc", ".", "", "a/../b", "a//b", "*"]) {
      expect(resolveRestoreMounts([], ["ok", hostile]), hostile).toMatchObject({
        restore: false,
      });
    }
  });

  it("falls back to plain configured mounts; refuses globs without a record", () => {
    expect(resolveRestoreMounts(["node_modules", ".gradle/caches"], undefined)).toEqual({
      restore: true,
      mounts: ["node_modules", ".gradle/caches"],
    });
    expect(resolveRestoreMounts(["packages/*/node_modules"], undefined)).toMatchObject({
      restore: false,
    });
    expect(resolveRestoreMounts([], undefined)).toEqual({ restore: true, mounts: undefined });
  });
});

describe("recordMounts and readRecordedMounts", () => {
  it("round-trip a list, unicode included, through compact ASCII metadata", () => {
    const mounts = ["node_modules", "caché dir/ünï"];
    const metadata = recordMounts(mounts);
    expect(metadata[mountsMetadataKey]).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(readRecordedMounts(metadata)).toEqual(mounts);
  });

  it("records a monorepo's hundreds of mounts within the metadata limit", () => {
    const mounts = Array.from({ length: 300 }, (_, index) => `packages/p${index}/node_modules`);
    const metadata = recordMounts(mounts);
    expect(metadata[mountsMetadataKey]?.length).toBeLessThanOrEqual(1536);
    expect(readRecordedMounts(metadata)).toEqual(mounts);
  });

  it("records nothing when even the deflated list is too long", () => {
    const mounts = Array.from({ length: 400 }, (_, index) =>
      Buffer.from(`${index}-${Math.sin(index)}`).toString("base64"),
    );
    expect(recordMounts(mounts)).toEqual({});
  });

  it("ignores missing or malformed metadata", () => {
    expect(readRecordedMounts(undefined)).toBeUndefined();
    expect(readRecordedMounts({})).toBeUndefined();
    expect(readRecordedMounts({ [mountsMetadataKey]: "not deflate" })).toBeUndefined();
    const object = recordMounts([]);
    expect(readRecordedMounts(object)).toEqual([]);
  });
});
