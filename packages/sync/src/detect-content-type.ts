import mime from "mime";

/** The type of content whose type nothing tells. */
export const fallbackContentType = "application/octet-stream";

/**
 * Go's `mime.TypeByExtension` (used by plugins/s3 and plugins/s3-sync) adds `charset=utf-8` to
 * these; doing the same keeps the `Content-Type` of a migrated site unchanged.
 */
const utf8Extensions = new Set(["css", "htm", "html", "js", "mjs"]);

/**
 * The content type of a file from its extension (the `mime` package's standard and vendor
 * types), with `; charset=utf-8` for CSS, HTML and JavaScript as the Go plugins send them, and
 * `application/octet-stream` when the extension says nothing.
 *
 * @example detectContentType("site/index.html") // "text/html; charset=utf-8"
 * @example detectContentType("Makefile") // "application/octet-stream"
 */
export function detectContentType(name: string): string {
  const type = mime.getType(name);
  if (type === null) return fallbackContentType;
  const extension = name.slice(name.lastIndexOf(".") + 1).toLowerCase();
  return utf8Extensions.has(extension) ? `${type}; charset=utf-8` : type;
}
