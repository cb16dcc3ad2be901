import picomatch from "picomatch";

/** One `source` entry, read as a glob or as a plain path. */
export interface ParsedSource {
  /** The source as given. */
  text: string;
  /**
   * The source with `/` separators, without a leading `./` or a trailing `/`; `""` means the
   * working directory itself.
   */
  pattern: string;
  /**
   * The folder the walk starts in, written like the pattern (`dist` for `dist/**\/*.js`, `""` for
   * `**`). For a plain path, the path itself, which may turn out to be a file.
   */
  base: string;
  /** True when the source holds glob syntax (`*`, `?`, `[…]`, `{…}`, extglobs). */
  isGlob: boolean;
}

/**
 * Reads one source: a glob (`dist/**`, `**\/*.html`), a folder (everything under it) or a file.
 * Backslashes are separators on Windows only; elsewhere they escape glob characters, as in
 * picomatch.
 */
export function parseSource(
  text: string,
  platform: NodeJS.Platform = process.platform,
): ParsedSource {
  const pattern = normalizeSourcePath(platform === "win32" ? text.replaceAll("\\", "/") : text);
  const scan = picomatch.scan(pattern);
  if (!scan.isGlob) return { text, pattern, base: pattern, isGlob: false };
  return { text, pattern, base: normalizeSourcePath(scan.base), isGlob: true };
}

/** Joins a base written like a source and a `/`-separated path below it into a name. */
export function joinName(base: string, relativePath: string): string {
  if (base === "") return relativePath;
  if (relativePath === "") return base;
  return base.endsWith("/") ? `${base}${relativePath}` : `${base}/${relativePath}`;
}

function normalizeSourcePath(path: string): string {
  let normalized = path;
  while (normalized.startsWith("./")) normalized = normalized.slice(2).replace(/^\/+/, "");
  if (normalized === ".") return "";
  while (normalized.length > 1 && normalized.endsWith("/")) normalized = normalized.slice(0, -1);
  if (normalized.endsWith("/.")) normalized = normalized.slice(0, -2) || "/";
  return normalized;
}
