import { describe, expect, it } from "vitest";
import { createSyncSummary, formatSyncSummary } from "./sync-summary.js";

describe("formatSyncSummary", () => {
  it("prints the issue's line", () => {
    const summary = createSyncSummary({
      direction: "upload",
      dryRun: false,
      files: 1234,
      bytes: 56_700_000,
      uploaded: 12,
      downloaded: 0,
      skipped: 1222,
      deleted: 3,
      transferredBytes: 1_000_000,
      seconds: 8.9,
    });
    expect(summary.megabytesPerSecond).toBeCloseTo(6.371, 3);
    expect(formatSyncSummary(summary)).toBe(
      "synced 1,234 files (56.7 MB) in 8.9 s (6.4 MB/s): 12 uploaded, 1,222 unchanged, 3 deleted",
    );
  });

  it("speaks of downloads in the download direction, and of one file in the singular", () => {
    const summary = createSyncSummary({
      direction: "download",
      dryRun: false,
      files: 1,
      bytes: 512,
      uploaded: 0,
      downloaded: 1,
      skipped: 0,
      deleted: 0,
      transferredBytes: 512,
      seconds: 0,
    });
    expect(summary.megabytesPerSecond).toBe(0);
    expect(formatSyncSummary(summary)).toBe(
      "synced 1 file (512 B) in 0.0 s (0 B/s): 1 downloaded, 0 unchanged, 0 deleted",
    );
  });

  it("says what a dry run would do", () => {
    const summary = createSyncSummary({
      direction: "upload",
      dryRun: true,
      files: 3,
      bytes: 1200,
      uploaded: 2,
      downloaded: 0,
      skipped: 1,
      deleted: 4,
      transferredBytes: 0,
      seconds: 0.2,
    });
    expect(formatSyncSummary(summary)).toBe(
      "dry run: would sync 3 files (1.2 kB): 2 to upload, 1 unchanged, 4 to delete",
    );
  });
});
