/**
 * A value for every file (a string), or per pattern (an object whose keys are globs or
 * extensions, first match in declared order wins). Keys:
 * - `*` or `**`: every file;
 * - an extension such as `.svg` or `.tar.gz` (a leading dot, no `/` and no glob syntax): files
 *   whose name ends with it, in any case — plugins/s3-sync keys `content_type` this way;
 * - any other glob, matched against the file's name as the sources give it (`dist/app.js`); a
 *   glob without `/` matches the base name at any depth (`*.html`).
 *
 * JavaScript keeps an object's keys in insertion order except integer-like keys (`"404"`), which
 * come first: write `404.html`, not `404`.
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
   * User metadata per pattern (keys as in {@link RuleValue}); the first matching pattern's map is
   * used whole. Metadata keys are stored lower-case; keys starting with `spotkit-` are reserved.
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
