import type { SyncSummary } from "./sync-summary.js";

/**
 * The step outputs of a sync, as the s3-sync, azure-blob and gcs plugins write them with
 * `context.outputs.set`: `files`, `bytes`, `uploaded` (upload) or `downloaded` (download),
 * `skipped`, `deleted` and `seconds` (one decimal), in that order. In a dry run they count what
 * the sync would have done.
 */
export function syncOutputs(summary: SyncSummary): Record<string, string> {
  const [transferredName, transferred] =
    summary.direction === "upload"
      ? ["uploaded", summary.uploaded]
      : ["downloaded", summary.downloaded];
  return {
    files: String(summary.files),
    bytes: String(summary.bytes),
    [transferredName]: String(transferred),
    skipped: String(summary.skipped),
    deleted: String(summary.deleted),
    seconds: summary.seconds.toFixed(1),
  };
}
