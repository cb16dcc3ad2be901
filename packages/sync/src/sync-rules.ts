/**
 * A value for every file (a string), or per pattern (an object whose keys are globs or
 * extensions). Keys:
 * - `*` or `**`: every file;
 * - an extension such as `.svg` or `.tar.gz` (a leading dot, no `/` and no glob syntax): files
 *   whose name ends with it, in any case — plugins/s3-sync keys `content_type` this way;
 * - any other glob, matched against the file's name as the sources give it (`dist/app.js`); a
 *   glob without `/` matches the base name at any depth (`*.html`).
 *
 * When several keys match a file, the most specific wins, never the first written: Drone and
 * Woodpecker sort a map's keys before the plugin sees it. Most specific: a key without wildcards
 * (`site/index.html`), then more literal characters (`assets/**` before `*.html`; `.svg` counts as
 * `*.svg`), then fewer wildcards, `*`/`**` last; keys still equal go by their text. So
 * `{"*.html": "no-cache", "**": "max-age=60"}` gives `no-cache` to every HTML file.
 */
export type RuleValue = string | Readonly<Record<string, string>>;

/** How objects are written: their headers, metadata and options, per file. */
export interface SyncRules {
  /**
   * `Content-Type`; files no rule matches get the type of their extension, else
   * `application/octet-stream`.
   */
  contentType?: RuleValue;
  /** `Content-Encoding`. Files compressed by {@link SyncRules.gzip} always get `gzip`. */
  contentEncoding?: RuleValue;
  /** `Cache-Control`. */
  cacheControl?: RuleValue;
  /**
   * User metadata per pattern (keys as in {@link RuleValue}); the most specific matching
   * pattern's map is used whole (maps are not merged). Metadata keys are stored lower-case; keys starting with `spotkit-` are reserved.
   */
  metadata?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** S3 canned ACL or GCS predefined ACL, for all files or per pattern. */
  acl?: RuleValue;
  /** S3 storage class, Azure access tier or GCS storage class. */
  storageClass?: string;
  /** S3 server-side encryption (`AES256`, `aws:kms`). */
  encryption?: string;
  /** S3 KMS key, with `encryption: "aws:kms"`. */
  kmsKeyId?: string;
  /**
   * Extensions to compress on the fly (`["js", "css", "html"]` or `[".js"]`), as plugins/gcs: the
   * object holds the gzip bytes and `Content-Encoding: gzip`, and its size and hashes are of those
   * bytes. The compression is deterministic (level 6, no name, mtime 0), so a re-sync of unchanged
   * files uploads nothing.
   */
  gzip?: readonly string[];
  /**
   * S3 website redirects, as plugins/s3-sync `redirects`: path → URL, each written as an empty
   * object with `websiteRedirectLocation` under the target.
   */
  redirects?: Readonly<Record<string, string>>;
}
