import type { SyncSummary } from "@spotkit/sync";
import { describe, expect, it } from "vitest";
import { combineSummaries } from "./combine-summaries.js";

const summary = (fields: Partial<SyncSummary>): SyncSummary => ({
  direction: "upload",
  dryRun: false,
  files: 0,
  bytes: 0,
  uploaded: 0,
  downloaded: 0,
  skipped: 0,
  deleted: 0,
  transferredBytes: 0,
  seconds: 1,
  megabytesPerSecond: 0,
  ...fields,
});

describe("combineSummaries", () => {
  it("adds the counts and recomputes the rate from the whole run's time", () => {
    const combined = combineSummaries(
      [
        summary({
          files: 2,
          bytes: 3_000_000,
          uploaded: 1,
          skipped: 1,
          transferredBytes: 1_000_000,
        }),
        summary({ files: 3, bytes: 1_000_000, uploaded: 3, transferredBytes: 1_000_000 }),
      ],
      2,
    );
    expect(combined).toEqual({
      direction: "upload",
      dryRun: false,
      files: 5,
      bytes: 4_000_000,
      uploaded: 4,
      downloaded: 0,
      skipped: 1,
      deleted: 0,
      transferredBytes: 2_000_000,
      seconds: 2,
      megabytesPerSecond: 2,
    });
  });

  it("has rate 0 for no measurable time, and needs a summary", () => {
    expect(combineSummaries([summary({ bytes: 5 })], 0).megabytesPerSecond).toBe(0);
    expect(() => combineSummaries([], 1)).toThrow(RangeError);
  });
});
