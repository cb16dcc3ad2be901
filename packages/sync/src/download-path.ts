import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { SyncError } from "./sync-error.js";

/**
 * Says why a key (relative to the download prefix) cannot become a file below the download
 * folder, or undefined when it can. Refused, on every platform alike so that a bucket downloads
 * the same everywhere:
 * - empty keys, NUL characters;
 * - absolute keys (`/etc/x`) and `.`, `..` or empty segments (`a/../../x`, `a//b`);
 * - backslashes: a separator on Windows, where `..\x` would climb out, and nearly always a Windows
 *   path uploaded by mistake elsewhere;
 * - on Windows also `:` (drive letters, alternate data streams).
 */
export function describeUnsafeKey(
  relativeKey: string,
  platform: NodeJS.Platform = process.platform,
): string | undefined {
  if (relativeKey === "") return "it is empty";
  if (relativeKey.includes("\0")) return "it contains a NUL character";
  if (relativeKey.startsWith("/")) return "it is absolute (starts with `/`)";
  if (relativeKey.includes("\\")) return "it contains a backslash";
  if (platform === "win32" && relativeKey.includes(":")) return "it contains `:`";
  const segments = relativeKey.split("/");
  if (segments.includes("..")) return "it has a `..` segment";
  if (segments.includes(".")) return "it has a `.` segment";
  if (segments.includes("")) return "it has an empty segment (`//`)";
  return undefined;
}

/**
 * The local path of a key below `targetFolder` (an absolute path).
 *
 * @throws {SyncError} `E_SYNC_UNSAFE_KEY` when {@link describeUnsafeKey} refuses the key, or, as a
 *   second line of defence, when the joined path would not lie below the folder.
 */
export function resolveDownloadPath(
  targetFolder: string,
  relativeKey: string,
  platform: NodeJS.Platform = process.platform,
): string {
  const problem = describeUnsafeKey(relativeKey, platform);
  if (problem !== undefined) throw unsafeKeyError([{ key: relativeKey, problem }]);
  const folder = resolve(targetFolder);
  const path = join(folder, ...relativeKey.split("/"));
  const fromFolder = relative(folder, path);
  if (
    fromFolder === "" ||
    fromFolder === ".." ||
    fromFolder.startsWith(`..${sep}`) ||
    isAbsolute(fromFolder)
  ) {
    throw unsafeKeyError([
      { key: relativeKey, problem: "it resolves outside the download folder" },
    ]);
  }
  return path;
}

/** The error for refused keys, listing up to ten of them. */
export function unsafeKeyError(
  refused: ReadonlyArray<{ key: string; problem: string }>,
): SyncError {
  const shown = refused
    .slice(0, 10)
    .map(({ key, problem }) => `${JSON.stringify(key)} (${problem})`)
    .join(", ");
  const more = refused.length > 10 ? ` and ${refused.length - 10} more` : "";
  return new SyncError(
    "E_SYNC_UNSAFE_KEY",
    `Refusing to download ${refused.length === 1 ? "a key" : `${refused.length} keys`} that cannot be written safely below the target folder: ${shown}${more}. Nothing was written; rename or delete these objects in the store, or download a prefix that excludes them.`,
  );
}
