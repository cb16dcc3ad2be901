import { resolve } from "node:path";

/** Where an upload walks from and what it walks, so that names come out as blobxfer made them. */
export interface BlobxferWalk {
  /** The absolute folder that names are relative to. */
  cwd: string;
  /** What to walk inside it: `.` (the whole folder), a glob, or a path. */
  source: string;
}

// Glob syntax as picomatch reads it: wildcards, classes, braces and extglobs.
const globSyntax = /[*?[\]{}]|[!+@]\(/;

/**
 * Splits an upload `source` the way blobxfer 0.9.9.11 (the engine of plugins/azure-storage) names
 * blobs: the path as written, leading and trailing `/` removed, minus its first component
 * (`--strip-components` defaults to 1, `apply_file_collation_and_strip` in blobxfer.py):
 *
 * - `dist` (a folder) → `dist/css/a.css` is `css/a.css`: names are relative to the folder;
 * - `.` → relative to the working directory; `./dist` → `dist/css/a.css` (the `.` is the dropped part);
 * - `build/dist` → `dist/css/a.css`; `/drone/src/dist` → `src/dist/css/a.css`;
 * - `dist/app.js` (a file) → `app.js`; `app.js` → `app.js` (a name of one component is kept).
 *
 * The walk then starts in the first component (`cwd`) and names files by the rest, so `exclude`
 * and `strip_prefix` see exactly the blob names. A source whose first component is a glob
 * (`**\/*.html`) is walked from `cwd` as written. Globs after the first component are spotkit's
 * addition (blobxfer took folders and files only) and follow the same rule.
 *
 * @param isFile whether the source names a file (blobxfer keeps a one-component file name whole).
 */
export function blobxferWalk(source: string, cwd: string, isFile: boolean): BlobxferWalk {
  const absolute = source.startsWith("/");
  const segments = source.split("/").filter((segment) => segment !== "");
  const [first, ...rest] = segments;
  if (first === undefined) return { cwd: absolute ? "/" : cwd, source: "." };
  if (globSyntax.test(first) || (rest.length === 0 && isFile)) {
    return { cwd, source: segments.join("/") };
  }
  const folder = resolve(cwd, absolute ? `/${first}` : first);
  return { cwd: folder, source: rest.length === 0 ? "." : rest.join("/") };
}

/** True when the source holds glob syntax (then it is not checked for existence beforehand). */
export function isGlob(source: string): boolean {
  return globSyntax.test(source);
}
