import type { SyncSummary } from "@spotkit/sync";

/**
 * The step outputs of a sync: `files`, `bytes`, `uploaded` (or `downloaded`), `skipped`,
 * `deleted` and `seconds` (one decimal). In a dry run they count what would have happened.
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
