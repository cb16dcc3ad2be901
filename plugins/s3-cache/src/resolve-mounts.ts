import { lstat } from "node:fs/promises";
import { isAbsolute, posix, relative, resolve, sep } from "node:path";
import { expandGlobs, GlobLimitError, hasGlobSyntax } from "./expand-globs.js";
import type { SettingsReport } from "./settings-report.js";

/** The environment mounts are expanded with (`~`, `$HOME`, `${VAR}`). */
type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Normalises the `mount` setting into paths relative to `localRoot` with `/` separators, globs
 * kept: `~` and `$VAR`/`${VAR}` are expanded from `env` as drone-cache does (`os.ExpandEnv`), an
 * absolute path inside `localRoot` becomes relative, `./` and `a/../b` are resolved. A mount
 * outside `localRoot`, or `localRoot` itself, is an issue: archive entries are relative to it.
 *
 * @returns the patterns without duplicates, in the order given.
 */
export function normalizeMountPatterns(
  mounts: readonly string[],
  options: { localRoot: string; env: Environment },
  report: SettingsReport,
): string[] {
  const patterns: string[] = [];
  for (const mount of mounts) {
    const written = mount.trim();
    if (written === "") continue;
    const expanded = expandVariables(written, options.env);
    let path: string;
    if (isAbsolute(expanded)) {
      path = relative(options.localRoot, expanded).split(sep).join("/");
    } else {
      path = posix.normalize(expanded.split("\\").join("/"));
    }
    path = path.replace(/\/+$/, "");
    if (path === "" || path === ".") {
      report.issues.push({
        setting: "mount",
        message: `${JSON.stringify(written)} is local_root itself (${options.localRoot}): name the folders inside it to cache, such as node_modules`,
      });
      continue;
    }
    if (path === ".." || path.startsWith("../") || isAbsolute(path)) {
      report.issues.push({
        setting: "mount",
        message: `${JSON.stringify(written)} is outside local_root (${options.localRoot}): archives hold paths relative to it, so set local_root to a folder that holds every mount (such as /), or move the folder into the workspace`,
      });
      continue;
    }
    if (!patterns.includes(path)) patterns.push(path);
  }
  return patterns;
}

/**
 * The mounts that exist under `localRoot`: plain paths that are there, and what globs match
 * (a matched folder's content is not searched further). A pattern that matches nothing is a
 * warning, not an issue (drone-cache #134: one missing mount must not fail a rebuild). Mounts
 * inside another mount are left out, since the outer one holds them.
 */
export async function findExistingMounts(
  patterns: readonly string[],
  options: { localRoot: string; signal?: AbortSignal; maxEntries?: number },
  report: SettingsReport,
): Promise<string[]> {
  const found: string[] = [];
  for (const pattern of patterns) {
    let matches: string[];
    try {
      matches = hasGlobSyntax(pattern)
        ? await expandGlobs([pattern], {
            root: options.localRoot,
            match: "paths",
            ...(options.signal === undefined ? {} : { signal: options.signal }),
            ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }),
          })
        : (await exists(resolve(options.localRoot, pattern)))
          ? [pattern]
          : [];
    } catch (error) {
      if (!(error instanceof GlobLimitError)) throw error;
      report.issues.push({ setting: "mount", message: error.message });
      continue;
    }
    if (matches.length === 0) {
      report.warnings.push(
        hasGlobSyntax(pattern)
          ? `mount ${JSON.stringify(pattern)} matches nothing under ${options.localRoot}; it is left out.`
          : `mount ${JSON.stringify(pattern)} does not exist under ${options.localRoot}; it is left out.`,
      );
    }
    for (const match of matches) if (!found.includes(match)) found.push(match);
  }
  return removeNested(found);
}

// --- internal ---

/** Expands `~` (at the start) and `$VAR` / `${VAR}`; unset variables become empty, as in Go. */
function expandVariables(text: string, env: Environment): string {
  const home = env.HOME ?? "";
  const withHome = text === "~" ? home : text.startsWith("~/") ? `${home}${text.slice(1)}` : text;
  return withHome.replace(
    /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_, braced: string | undefined, bare: string | undefined) => env[braced ?? bare ?? ""] ?? "",
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

function removeNested(mounts: readonly string[]): string[] {
  return mounts.filter(
    (mount) => !mounts.some((other) => other !== mount && mount.startsWith(`${other}/`)),
  );
}
