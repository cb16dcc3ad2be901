import { SyncError } from "./sync-error.js";

/**
 * Turns a `target` (upload) or remote `source` (download) into the prefix the sync lists and
 * writes under: no leading `/`, no empty segment, and a trailing `/` unless it is empty. The
 * trailing `/` matters: the prefix `site` would also list `site-old/…`, and `delete` would then
 * remove objects of a sibling folder.
 *
 * @example normalizeRemotePrefix("/site//docs/") // "site/docs/"
 * @example normalizeRemotePrefix("/") // ""
 * @throws {SyncError} `E_SYNC_INVALID_OPTIONS` for a NUL character or a `.`/`..` segment.
 */
export function normalizeRemotePrefix(prefix: string | undefined, optionName: string): string {
  if (prefix === undefined) return "";
  const segments = prefix.split("/").filter((segment) => segment !== "");
  const problem = describeSegmentsProblem(segments, prefix);
  if (problem !== undefined) {
    throw new SyncError(
      "E_SYNC_INVALID_OPTIONS",
      `The ${optionName} ${JSON.stringify(prefix)} cannot be used: ${problem}. Use a plain folder path such as "site/docs".`,
    );
  }
  return segments.length === 0 ? "" : `${segments.join("/")}/`;
}

/**
 * Joins a prefix from {@link normalizeRemotePrefix} and a file's name (after `strip_prefix`) into
 * an object key: leading and doubled `/` are dropped, as plugins/s3 does with `path.Join`.
 *
 * @throws {SyncError} `E_SYNC_INVALID_KEY` when the key would be empty or hold a `.`/`..` segment
 *   (a source such as `../dist/**` without a `strip_prefix`): stores refuse such keys, and a later
 *   download could not write them safely.
 */
export function objectKeyFor(prefix: string, name: string): string {
  const segments = name.split("/").filter((segment) => segment !== "");
  const problem = segments.length === 0 ? "it is empty" : describeSegmentsProblem(segments, name);
  if (problem !== undefined) {
    throw new SyncError(
      "E_SYNC_INVALID_KEY",
      `The file ${JSON.stringify(name)} would be stored under the key ${JSON.stringify(`${prefix}${name}`)}, which cannot be used: ${problem}. Set strip_prefix so that keys start below the source folder.`,
    );
  }
  return `${prefix}${segments.join("/")}`;
}

function describeSegmentsProblem(segments: readonly string[], text: string): string | undefined {
  if (text.includes("\0")) return "it contains a NUL character";
  if (segments.includes("..")) return "it has a `..` segment";
  if (segments.includes(".")) return "it has a `.` segment";
  return undefined;
}
