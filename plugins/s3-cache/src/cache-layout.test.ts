import { describe, expect, it } from "vitest";
import { chooseCacheLayout, formatOfFilename } from "./cache-layout.js";
import { createSettingsReport } from "./settings-report.js";

describe("chooseCacheLayout", () => {
  it("defaults to drone-cache's layout with zstd", () => {
    const report = createSettingsReport();
    expect(chooseCacheLayout({}, { bucketFromEndpointOnly: false }, report)).toEqual({
      layout: "drone-cache",
      filename: "archive.tar.zst",
      format: "zstd",
      level: undefined,
    });
  });

  it("keeps plugins/s3-cache's uncompressed archive.tar, and names it by archive_format", () => {
    const report = createSettingsReport();
    expect(
      chooseCacheLayout({ root: "b" }, { bucketFromEndpointOnly: false }, report),
    ).toMatchObject({
      layout: "s3-cache",
      filename: "archive.tar",
      format: "none",
    });
    expect(
      chooseCacheLayout({ archive_format: "zstd" }, { bucketFromEndpointOnly: true }, report),
    ).toMatchObject({ layout: "s3-cache", filename: "archive.tar.zst", format: "zstd" });
    expect(report.issues).toEqual([]);
  });

  it("refuses a format that contradicts filename", () => {
    const report = createSettingsReport();
    expect(
      chooseCacheLayout(
        { filename: "a.tgz", archive_format: "zstd" },
        { bucketFromEndpointOnly: false },
        report,
      ),
    ).toBeUndefined();
    expect(report.issues).toEqual([
      expect.objectContaining({
        setting: "archive_format",
        message: expect.stringMatching(/\.tar\.zst/),
      }),
    ]);
  });

  it("warns that a level does nothing without compression, and treats -1 as the default", () => {
    const report = createSettingsReport();
    expect(
      chooseCacheLayout(
        { archive_format: "tar", compression_level: 5 },
        { bucketFromEndpointOnly: false },
        report,
      )?.level,
    ).toBeUndefined();
    expect(report.warnings.join("\n")).toMatch(/compression_level 5 is ignored/);
    expect(
      chooseCacheLayout(
        { archive_format: "gzip", compression_level: -1 },
        { bucketFromEndpointOnly: false },
        report,
      )?.level,
    ).toBeUndefined();
  });
});

describe("formatOfFilename", () => {
  it.each([
    ["archive.tar", "none"],
    ["cache.TGZ", "gzip"],
    ["cache.tar.gz", "gzip"],
    ["cache.tar.zst", "zstd"],
    ["cache.zip", undefined],
  ])("%s → %s", (filename, format) => {
    expect(formatOfFilename(filename)).toBe(format);
  });
});
