/** What {@link sanitizeCacheKey} returns: the clean key, or why there is none. */
export type SanitizedCacheKey = { ok: true; key: string } | { ok: false; problem: string };

/**
 * Makes a rendered key safe to put in an object key: surrounding white space and leading `/` go,
 * empty and `.` segments are dropped (`a//b/./c` → `a/b/c`). A `..` segment, a control character
 * or nothing left at all are problems, reported rather than repaired, because they mean the
 * template does not say what its author meant.
 *
 * @param options.prefix keep one trailing `/` (a restore key `main/` matches keys under `main/`
 * only, while `main` also matches `main-x`).
 */
export function sanitizeCacheKey(
  key: string,
  options: { prefix?: boolean } = {},
): SanitizedCacheKey {
  const trimmed = key.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) {
    return {
      ok: false,
      problem: `it holds a control character (such as a line break): ${JSON.stringify(trimmed)}`,
    };
  }
  const segments = trimmed.split("/").filter((segment) => segment !== "" && segment !== ".");
  if (segments.includes("..")) {
    return {
      ok: false,
      problem: `it has a ".." segment (${JSON.stringify(trimmed)}), which could reach other caches: remove it`,
    };
  }
  if (segments.length === 0) {
    return { ok: false, problem: "it is empty" };
  }
  const joined = segments.join("/");
  return { ok: true, key: options.prefix && trimmed.endsWith("/") ? `${joined}/` : joined };
}
