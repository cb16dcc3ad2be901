import type { Outputs } from "@spotkit/runtime";
import type { SyncSummary } from "@spotkit/sync";

/**
 * Writes a sync's counts as step outputs: `files`, `bytes`, `uploaded` (upload) or `downloaded`
 * (download), `skipped`, `deleted` and `seconds`. A dry run writes what it would have done.
 */
export async function writeSyncOutputs(outputs: Outputs, summary: SyncSummary): Promise<void> {
  const transferred =
    summary.direction === "upload"
      ? { name: "uploaded", value: summary.uploaded }
      : { name: "downloaded", value: summary.downloaded };
  const entries: Array<[string, number | string]> = [
    ["files", summary.files],
    ["bytes", summary.bytes],
    [transferred.name, transferred.value],
    ["skipped", summary.skipped],
    ["deleted", summary.deleted],
    ["seconds", summary.seconds.toFixed(3)],
  ];
  for (const [name, value] of entries) await outputs.set(name, String(value));
}
