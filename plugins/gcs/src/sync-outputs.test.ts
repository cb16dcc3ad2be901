import type { SyncSummary } from "@spotkit/sync";
import { describe, expect, it } from "vitest";
import { syncOutputs } from "./sync-outputs.js";

const summary: SyncSummary = {
  direction: "upload",
  dryRun: false,
  files: 12,
  bytes: 34_567,
  uploaded: 3,
  downloaded: 0,
  skipped: 9,
  deleted: 1,
  transferredBytes: 4_000,
  seconds: 2.345,
  megabytesPerSecond: 0.0147,
};

describe("syncOutputs", () => {
  it("writes the counts of an upload, seconds with one decimal", () => {
    expect(syncOutputs(summary)).toEqual({
      files: "12",
      bytes: "34567",
      uploaded: "3",
      skipped: "9",
      deleted: "1",
      seconds: "2.3",
    });
  });

  it("writes downloaded instead of uploaded for a download", () => {
    const outputs = syncOutputs({ ...summary, direction: "download", uploaded: 0, downloaded: 5 });
    expect(outputs.downloaded).toBe("5");
    expect(outputs).not.toHaveProperty("uploaded");
  });
});
