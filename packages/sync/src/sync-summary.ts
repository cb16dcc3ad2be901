import { formatBytes } from "@spotkit/runtime";

/** What a sync did (or, in a dry run, would do). Plugins write the counts as step outputs. */
export interface SyncSummary {
  /** `upload`: local files to the store; `download`: the store to a local folder. */
  direction: "upload" | "download";
  /** True when nothing was written: the counts are what the sync would do. */
  dryRun: boolean;
  /** Objects the sync is about: local files and redirects (upload), objects (download). */
  files: number;
  /** Their total size, as stored (gzip bytes for gzipped files). */
  bytes: number;
  /** Objects uploaded. */
  uploaded: number;
  /** Files downloaded. */
  downloaded: number;
  /** Objects or files left alone because they were unchanged. */
  skipped: number;
  /** Objects (upload) or local files (download) deleted. */
  deleted: number;
  /** Bytes actually transferred. */
  transferredBytes: number;
  /** Wall-clock duration of the whole sync, listings and hashing included. */
  seconds: number;
  /** `bytes` (all files, unchanged ones included) per second, in MB (10^6 bytes). */
  megabytesPerSecond: number;
}

/**
 * Builds a summary, deriving the rate; a sync that took no measurable time has rate 0.
 */
export function createSyncSummary(fields: Omit<SyncSummary, "megabytesPerSecond">): SyncSummary {
  const megabytesPerSecond = fields.seconds > 0 ? fields.bytes / 1e6 / fields.seconds : 0;
  return { ...fields, megabytesPerSecond };
}

/**
 * One line for the log:
 * `synced 1,234 files (56.7 MB) in 8.9 s (6.4 MB/s): 12 uploaded, 1,222 unchanged, 3 deleted`,
 * or for a dry run `dry run: would sync 3 files (1.2 kB): 2 to upload, 1 unchanged, 0 to delete`.
 */
export function formatSyncSummary(summary: SyncSummary): string {
  const files = `${count(summary.files)} ${summary.files === 1 ? "file" : "files"} (${formatBytes(summary.bytes)})`;
  const verb = summary.direction === "upload" ? "upload" : "download";
  const transferred = summary.direction === "upload" ? summary.uploaded : summary.downloaded;
  if (summary.dryRun) {
    return `dry run: would sync ${files}: ${count(transferred)} to ${verb}, ${count(summary.skipped)} unchanged, ${count(summary.deleted)} to delete`;
  }
  const rate = `${formatBytes(summary.megabytesPerSecond * 1e6)}/s`;
  return `synced ${files} in ${summary.seconds.toFixed(1)} s (${rate}): ${count(transferred)} ${verb}ed, ${count(summary.skipped)} unchanged, ${count(summary.deleted)} deleted`;
}

/**
 * A whole number with thousands separators (10,000); not `toLocaleString`, whose ICU data costs
 * about 25 ms to load.
 */
function count(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
