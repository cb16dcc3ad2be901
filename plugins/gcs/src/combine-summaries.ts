import type { SyncSummary } from "@spotkit/sync";

/**
 * One summary for several syncs of one run (sources in different folders): counts and bytes
 * added, `seconds` the wall-clock time of the whole run, the rate recomputed from them.
 */
export function combineSummaries(summaries: readonly SyncSummary[], seconds: number): SyncSummary {
  const [first] = summaries;
  if (first === undefined) {
    throw new RangeError("combineSummaries needs at least one summary");
  }
  const total = (
    field:
      | "files"
      | "bytes"
      | "uploaded"
      | "downloaded"
      | "skipped"
      | "deleted"
      | "transferredBytes",
  ) => summaries.reduce((sum, summary) => sum + summary[field], 0);
  const bytes = total("bytes");
  return {
    direction: first.direction,
    dryRun: summaries.some((summary) => summary.dryRun),
    files: total("files"),
    bytes,
    uploaded: total("uploaded"),
    downloaded: total("downloaded"),
    skipped: total("skipped"),
    deleted: total("deleted"),
    transferredBytes: total("transferredBytes"),
    seconds,
    megabytesPerSecond: seconds > 0 ? bytes / 1e6 / seconds : 0,
  };
}
