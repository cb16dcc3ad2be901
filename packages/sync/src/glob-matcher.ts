import picomatch from "picomatch";

/**
 * Compiles globs into one test for `/`-separated names. Globs match dotfiles (as zglob does in the
 * Go plugins), and a glob without `/` is matched against the base name, so `*.map` matches
 * `dist/js/app.js.map` (as `*` crossing folders does in plugins/s3-sync's go-glob). A glob with a
 * `/` is matched against the whole name.
 *
 * picomatch's own `basename` option is not used: in picomatch 4 it applies to every glob,
 * including those with a `/`.
 */
export function createGlobMatcher(patterns: readonly string[]): (name: string) => boolean {
  const baseNamePatterns = patterns.filter((pattern) => !pattern.includes("/"));
  const pathPatterns = patterns.filter((pattern) => pattern.includes("/"));
  const matchesBaseName =
    baseNamePatterns.length === 0 ? undefined : picomatch(baseNamePatterns, { dot: true });
  const matchesPath =
    pathPatterns.length === 0 ? undefined : picomatch(pathPatterns, { dot: true });
  return (name) => {
    if (matchesPath?.(name) === true) return true;
    return matchesBaseName?.(name.slice(name.lastIndexOf("/") + 1)) === true;
  };
}
