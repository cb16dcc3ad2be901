import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rebuildCache } from "./rebuild.js";
import { readRecordedMounts } from "./restore-mounts.js";
import {
  createFilesystemStoreFixture,
  type FilesystemStoreFixture,
} from "./test-support/filesystem-store-fixture.js";
import { createMemoryLogger } from "./test-support/memory-logger.js";

let fixture: FilesystemStoreFixture;
let workspace: string;
beforeEach(async () => {
  fixture = await createFilesystemStoreFixture();
  workspace = await mkdtemp(join(tmpdir(), "spotkit-s3-cache-rebuild-"));
  await mkdir(join(workspace, "node_modules", "a"), { recursive: true });
  await writeFile(join(workspace, "node_modules", "a", "index.js"), "module.exports = 1;\n");
});
afterEach(async () => {
  await fixture.dispose();
  await rm(workspace, { recursive: true, force: true });
});

function options(overrides: Partial<Parameters<typeof rebuildCache>[0]> = {}) {
  const memory = createMemoryLogger();
  return {
    memory,
    options: {
      store: fixture.store,
      key: "k",
      objectKey: "app/k/archive.tar.zst",
      localRoot: workspace,
      mounts: ["node_modules"],
      format: "zstd" as const,
      logger: memory.logger,
      signal: new AbortController().signal,
      ...overrides,
    },
  };
}

describe("rebuildCache", () => {
  it("stores a zstd archive with its mounts recorded, and reports its size", async () => {
    const { options: rebuild } = options();
    const result = await rebuildCache(rebuild);
    expect(result).toMatchObject({ status: "saved", key: "k" });
    const info = await fixture.store.head("app/k/archive.tar.zst");
    expect(result.bytes).toBe(info?.size);
    expect(info?.contentType).toBe("application/zstd");
    expect(readRecordedMounts(info?.metadata)).toEqual(["node_modules"]);
    const { body } = await fixture.store.get("app/k/archive.tar.zst");
    const [first] = await body.toArray();
    expect((first as Buffer).subarray(0, 4)).toEqual(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
  });

  it("skips an existing key when override is false, and saves nothing without mounts", async () => {
    await fixture.store.put("app/k/archive.tar.zst", "old");
    const skipped = options({ override: false });
    expect(await rebuildCache(skipped.options)).toMatchObject({ status: "skipped", bytes: 0 });
    expect(skipped.memory.text()).toContain("override is false");
    const { body } = await fixture.store.get("app/k/archive.tar.zst");
    expect(Buffer.concat((await body.toArray()) as Buffer[]).toString()).toBe("old");

    const empty = options({ mounts: [] });
    expect(await rebuildCache(empty.options)).toMatchObject({ status: "skipped" });
    expect(empty.memory.text()).toContain("nothing to save");
  });

  it("warns and stores nothing when the store fails; throws with failOnError", async () => {
    await rm(fixture.root, { recursive: true, force: true });
    const failing = options();
    expect(await rebuildCache(failing.options)).toMatchObject({ status: "failed", bytes: 0 });
    expect(failing.memory.text()).toContain('saving cache "k" failed');
    await expect(rebuildCache(options({ failOnError: true }).options)).rejects.toMatchObject({
      code: "E_CACHE_REBUILD_FAILED",
    });
  });

  it("throws when the step is cancelled, leaving nothing under the key", async () => {
    const controller = new AbortController();
    controller.abort(new Error("SIGTERM"));
    await expect(rebuildCache(options({ signal: controller.signal }).options)).rejects.toThrow();
    expect(await fixture.store.head("app/k/archive.tar.zst")).toBeUndefined();
  });
});
