import type { Dirent } from "node:fs";
import { lstat, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { SpotkitError } from "@spotkit/runtime";
import picomatch from "picomatch";

/** Characters that make a path a glob (`*`, `?`, `[…]`, `{…}`, extglobs such as `!(…)`). */
const globSyntax = /[*?[\]{}]|[!@+]\(/;

/** Default of {@link ExpandGlobsOptions.maxEntries}. */
export const defaultMaxGlobEntries = 1_000_000;

/**
 * A glob walk that read more folder entries than allowed: the pattern is too broad for the tree
 * (`**` over a whole disk). The message says which pattern and how to narrow it.
 */
export class GlobLimitError extends SpotkitError {
  constructor(message: string) {
    super("E_GLOB_LIMIT", message);
    this.name = "GlobLimitError";
  }
}

/** Options of {@link expandGlobs}. */
export interface ExpandGlobsOptions {
  /** The folder the patterns are relative to; matches never leave it. */
  root: string;
  /**
   * `files`: regular files only (symbolic links to files count; linked folders are not entered),
   * the way actions/cache's hashFiles matches. `paths`: files, folders and symbolic links, and a
   * matched folder is not searched further (its content belongs to it), as mounts need.
   */
  match: "files" | "paths";
  /**
   * Folder entries read at most over the whole walk before it stops with {@link GlobLimitError}.
   * @default 1_000_000
   */
  maxEntries?: number;
  signal?: AbortSignal;
}

/** True when `pattern` holds glob syntax; a plain path is not a glob. */
export function hasGlobSyntax(pattern: string): boolean {
  return globSyntax.test(pattern);
}

/**
 * Expands relative `/`-separated patterns (picomatch syntax with `**`; dot files match) against the
 * tree under `root`, and returns the matching relative paths, sorted by code point, without
 * duplicates. A pattern starting with `!` removes what it matches from the result. A plain path
 * (no glob syntax) matches itself when it exists. Symbolic links to folders are never entered, so
 * a walk cannot loop.
 *
 * @throws {GlobLimitError} when the walk reads more than `maxEntries` folder entries.
 */
export async function expandGlobs(
  patterns: readonly string[],
  options: ExpandGlobsOptions,
): Promise<string[]> {
  const include = patterns.filter((pattern) => !pattern.startsWith("!"));
  const exclude = patterns
    .filter((pattern) => pattern.startsWith("!"))
    .map((pattern) => picomatch(pattern.slice(1), { dot: true }));
  const budget = { left: options.maxEntries ?? defaultMaxGlobEntries };
  const found = new Set<string>();
  for (const pattern of include) {
    for (const path of await expandOne(pattern, options, budget)) found.add(path);
  }
  return [...found]
    .filter((path) => !exclude.some((matches) => matches(path)))
    .sort((left, right) => (left < right ? -1 : left > right ? 1 : 0));
}

// --- internal ---

interface Budget {
  left: number;
}

async function expandOne(
  pattern: string,
  options: ExpandGlobsOptions,
  budget: Budget,
): Promise<string[]> {
  if (!hasGlobSyntax(pattern)) {
    const kind = await kindOf(join(options.root, pattern), options.match);
    return kind === undefined ? [] : [pattern];
  }
  const { base } = picomatch.scan(pattern);
  const matches = picomatch(pattern, { dot: true });
  // Without `**` a match is never deeper than the pattern's segment count.
  const maxDepth = pattern.includes("**") ? Number.POSITIVE_INFINITY : pattern.split("/").length;
  const results: string[] = [];
  const baseDepth = base === "" ? 0 : base.split("/").length;
  const pending: Array<{ relative: string; depth: number }> = [
    { relative: base, depth: baseDepth },
  ];
  while (pending.length > 0) {
    options.signal?.throwIfAborted();
    const folder = pending.pop();
    if (folder === undefined) break;
    let entries: Dirent[];
    try {
      entries = await readdir(join(options.root, folder.relative), { withFileTypes: true });
    } catch {
      // A folder that vanished or cannot be read holds no matches; the walk goes on.
      continue;
    }
    budget.left -= entries.length;
    if (budget.left < 0) {
      throw new GlobLimitError(
        `the pattern ${JSON.stringify(pattern)} reads too many files and folders: start it with a folder (packages/*/node_modules rather than **/node_modules) or leave out big trees with a !pattern`,
      );
    }
    for (const entry of entries) {
      const relative = folder.relative === "" ? entry.name : `${folder.relative}/${entry.name}`;
      const depth = folder.depth + 1;
      const isMatch = matches(relative);
      if (options.match === "paths") {
        if (isMatch) {
          results.push(relative);
          continue;
        }
      } else if (isMatch) {
        if (entry.isFile()) results.push(relative);
        else if (entry.isSymbolicLink()) {
          if ((await kindOf(join(options.root, relative), "files")) === "file") {
            results.push(relative);
          }
        }
      }
      if (entry.isDirectory() && depth < maxDepth) pending.push({ relative, depth });
    }
  }
  return results;
}

/** What is at `path` for the purpose of `match`, or undefined when nothing that counts is there. */
async function kindOf(
  path: string,
  match: "files" | "paths",
): Promise<"file" | "other" | undefined> {
  try {
    if (match === "paths") {
      await lstat(path);
      return "other";
    }
    const info = await stat(path);
    return info.isFile() ? "file" : undefined;
  } catch {
    return undefined;
  }
}
