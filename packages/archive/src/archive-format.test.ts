import { describe, expect, test } from "vitest";
import { isArchiveError } from "./archive-error.js";
import { detectArchiveFormat, resolveCompressionLevel } from "./archive-format.js";

describe("detectArchiveFormat", () => {
  test("tells zstd, gzip and tar apart by their magic bytes", () => {
    expect(detectArchiveFormat(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))).toBe("zstd");
    expect(detectArchiveFormat(Buffer.from([0x1f, 0x8b, 0x08, 0x00]))).toBe("gzip");
    expect(detectArchiveFormat(Buffer.from("node"))).toBe("none");
    expect(detectArchiveFormat(Buffer.from([0x28, 0xb5, 0x2f]))).toBe("none");
  });
});

describe("resolveCompressionLevel", () => {
  test("uses each format's default and accepts its range", () => {
    expect(resolveCompressionLevel("zstd", undefined)).toBe(3);
    expect(resolveCompressionLevel("gzip", undefined)).toBe(6);
    expect(resolveCompressionLevel("none", 42)).toBeUndefined();
    expect(resolveCompressionLevel("zstd", 19)).toBe(19);
    expect(resolveCompressionLevel("gzip", 1)).toBe(1);
  });

  test.each([
    ["zstd", 0],
    ["zstd", 20],
    ["gzip", 10],
    ["gzip", 2.5],
  ] as const)("refuses %s level %s", (format, level) => {
    let caught: unknown;
    try {
      resolveCompressionLevel(format, level);
    } catch (error) {
      caught = error;
    }
    expect(isArchiveError(caught, "E_ARCHIVE_INVALID_OPTIONS")).toBe(true);
    expect((caught as Error).message).toMatch(/from 1 to (19|9)/);
  });
});
