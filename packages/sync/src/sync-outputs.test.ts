import { describe, expect, it } from "vitest";
import { syncOutputs } from "./sync-outputs.js";
import type { SyncSummary } from "./sync-summary.js";

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
  it("gives the counts of an upload in order, seconds with one decimal", () => {
    const outputs = syncOutputs(summary);
    expect(outputs).toEqual({
      files: "12",
      bytes: "34567",
      uploaded: "3",
      skipped: "9",
      deleted: "1",
      seconds: "2.3",
    });
    expect(Object.keys(outputs)).toEqual([
      "files",
      "bytes",
      "uploaded",
      "skipped",
      "deleted",
      "seconds",
    ]);
  });

  it("gives downloaded instead of uploaded for a download", () => {
    const outputs = syncOutputs({ ...summary, direction: "download", uploaded: 0, downloaded: 5 });
    expect(outputs.downloaded).toBe("5");
    expect(outputs).not.toHaveProperty("uploaded");
  });

  it("gives what a dry run would do, and 0.0 seconds for an instant sync", () => {
    const outputs = syncOutputs({ ...summary, dryRun: true, seconds: 0 });
    expect(outputs).toMatchObject({ uploaded: "3", seconds: "0.0" });
  });
});
