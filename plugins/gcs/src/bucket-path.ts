/** A bucket and a path inside it, from a `bucket/path` setting. */
export interface BucketPath {
  bucket: string;
  /** The rest after the bucket, as written (may be empty, may end with `/`). */
  path: string;
}

/**
 * Reads `bucket/path/in/bucket` as plugins/gcs reads `target` (and `source` when downloading):
 * the first segment is the bucket. A leading `gs://` or `/` is accepted too (the Go plugin took
 * `/bucket/…` as an empty bucket name).
 *
 * @example parseBucketPath("my-bucket/site/v1/") // { bucket: "my-bucket", path: "site/v1/" }
 */
export function parseBucketPath(text: string): BucketPath {
  const trimmed = text
    .trim()
    .replace(/^gs:\/\//i, "")
    .replace(/^\/+/, "");
  const slash = trimmed.indexOf("/");
  if (slash < 0) return { bucket: trimmed, path: "" };
  return { bucket: trimmed.slice(0, slash), path: trimmed.slice(slash + 1) };
}

// GCS bucket names: 3 to 63 characters (222 with dots), lower-case letters, digits, `-`, `_`
// and `.`, starting and ending with a letter or digit.
const bucketNamePattern = /^[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]$/;

/** Why a bucket name cannot be one, or undefined when it can. */
export function describeBadBucketName(bucket: string): string | undefined {
  if (bucket === "") return "it has no bucket name";
  if (!bucketNamePattern.test(bucket) || (!bucket.includes(".") && bucket.length > 63)) {
    return `"${bucket}" is not a bucket name (lower-case letters, digits, -, _ and ., 3 to 63 characters)`;
  }
  return undefined;
}
