import { basename, dirname, posix, resolve } from "node:path";

/** What a non-glob source names on disk. */
export type SourceKind = "file" | "directory";

/** One sync of files that share the folder their names are relative to. */
export interface UploadBatch {
  /** The absolute folder the names (and `ignore`, `strip_prefix`) are relative to. */
  cwd: string;
  /** What to walk there: `.` (the whole folder), globs, file names. */
  sources: string[];
  /** The folder inside the bucket the names go under (no leading or trailing `/`). */
  target: string;
  /**
   * Set when one file is stored under a name of its own (a `target` not ending in `/`): the
   * plugin links `file` under `name` in a temporary folder and uploads that as `cwd`.
   */
  rename?: { file: string; name: string };
}

// Glob syntax as picomatch reads it: wildcards, classes, braces and extglobs.
const globSyntax = /[*?[\]{}]|[!+@]\(/;

/** True when a source holds glob syntax (it is not checked for existence beforehand). */
export function isGlob(source: string): boolean {
  return globSyntax.test(source);
}

/**
 * Groups plugins/gcs's `source` entries into syncs, naming files as the Go plugin does:
 * - a folder (`dist`): names relative to it (`dist/css/a.css` → `css/a.css`);
 * - a file (`build/app.zip`): its name (`app.zip`); when it is the only source and the target
 *   path does not end in `/`, the target path is the object's whole name
 *   (`bucket/releases/app-1.4.zip`), as drone-gcs does since its "target path fix";
 * - a glob (`dist/**\/*.js`): names relative to the folder before the first wildcard
 *   (`dist/js/app.js` → `js/app.js`). The Go plugin named a glob's files by their base name alone,
 *   flattening the tree, and its `**` did not cross folders; here `**` is any depth and the tree
 *   is kept below that folder (identical results for `dist/*.html` and `*.txt`).
 * Entries that share a folder become one sync.
 *
 * @param kinds for each non-glob entry, whether it is a file or a folder (the caller checks the
 *   disk; missing paths are its error).
 */
export function planUploadBatches(
  entries: readonly string[],
  options: { cwd: string; targetPath: string; kinds: ReadonlyMap<string, SourceKind> },
): UploadBatch[] {
  const target = trimSlashes(options.targetPath);
  const [only] = entries;
  if (
    entries.length === 1 &&
    only !== undefined &&
    options.kinds.get(only) === "file" &&
    target !== "" &&
    !options.targetPath.endsWith("/")
  ) {
    const name = posix.basename(target);
    const folder = posix.dirname(target);
    return [
      {
        cwd: dirname(resolve(options.cwd, only)),
        sources: [name],
        target: folder === "." ? "" : folder,
        rename: { file: resolve(options.cwd, only), name },
      },
    ];
  }
  const batches = new Map<string, UploadBatch>();
  for (const entry of entries) {
    const { folder, source } = splitEntry(entry, options.kinds.get(entry));
    const cwd = resolve(options.cwd, folder);
    const batch = batches.get(cwd);
    if (batch === undefined) batches.set(cwd, { cwd, sources: [source], target });
    else if (!batch.sources.includes(source)) batch.sources.push(source);
  }
  return [...batches.values()];
}

/** The folder an entry's names are relative to, and the entry relative to that folder. */
function splitEntry(
  entry: string,
  kind: SourceKind | undefined,
): { folder: string; source: string } {
  if (isGlob(entry)) {
    const segments = entry.split("/");
    const firstGlob = segments.findIndex((segment) => globSyntax.test(segment));
    const base = segments.slice(0, firstGlob).join("/");
    return {
      folder: base === "" && entry.startsWith("/") ? "/" : base || ".",
      source: segments.slice(firstGlob).join("/"),
    };
  }
  if (kind === "file") return { folder: dirname(entry), source: basename(entry) };
  return { folder: entry, source: "." };
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, "");
}
