import type { Readable } from "node:stream";

/** What a store knows about one object. */
export interface ObjectInfo {
  /** The key relative to the store's prefix (never starts with `/`). */
  key: string;
  /** Size in bytes. */
  size: number;
  lastModified?: Date;
  /** The store's entity tag, as the store returns it (quotes removed). */
  etag?: string;
  /**
   * Hex MD5 of the content, only when the store proves it: an S3 ETag of a single-part,
   * non-KMS upload, Azure's Content-MD5, GCS's md5Hash. A multipart ETag (`…-N`) is never an MD5.
   */
  md5?: string;
  /** Base64 CRC32C of the content (GCS). */
  crc32c?: string;
  /** User metadata (lower-case keys), when the call returns it (head; listings of Azure). */
  metadata?: Record<string, string>;
  contentType?: string;
  contentEncoding?: string;
  cacheControl?: string;
}

/** One entry of a listing: an object, or a common prefix when a delimiter was given. */
export type ListEntry = ({ type: "object" } & ObjectInfo) | { type: "prefix"; prefix: string };

/** Options of {@link ObjectStore.list}. */
export interface ListOptions {
  /** Only keys starting with this (relative to the store's prefix). */
  prefix?: string;
  /** Group keys by this character into `prefix` entries (usually `/`). */
  delimiter?: string;
  /** Ask for user metadata where the listing can carry it (Azure). */
  includeMetadata?: boolean;
  signal?: AbortSignal;
}

/** Options of {@link ObjectStore.put}. Unsupported fields are ignored by stores that lack them. */
export interface PutOptions {
  /** Size in bytes when known in advance (lets stores choose single or multipart upload). */
  size?: number;
  contentType?: string;
  contentEncoding?: string;
  cacheControl?: string;
  contentDisposition?: string;
  /** User metadata; keys are stored lower-case. */
  metadata?: Record<string, string>;
  /** S3 canned ACL (`private`, `public-read`…) or GCS predefined ACL. */
  acl?: string;
  /** S3 storage class, Azure access tier, GCS storage class. */
  storageClass?: string;
  /** S3 server-side encryption (`AES256`, `aws:kms`). */
  encryption?: string;
  /** S3 KMS key for `aws:kms`. */
  kmsKeyId?: string;
  /** S3 website redirect (`x-amz-website-redirect-location`). */
  websiteRedirectLocation?: string;
  /** Hex MD5 of the body, when known, so the store verifies what it received. */
  md5?: string;
  /** Write only if no object exists under the key (atomic create). */
  ifNotExists?: boolean;
  /** Bytes per part/block of a multipart upload. @default 8 MiB */
  partSize?: number;
  /**
   * Bodies of at most this many bytes go up in one request, larger ones in parts. A stream counts
   * only when `size` says how long it is; it is then streamed, never held in memory. S3 honours it
   * (up to 5 GiB, its limit for one request); stores that choose on their own ignore it.
   * @default partSize
   */
  multipartThreshold?: number;
  /**
   * Opens the same body again from its first byte. A store that sends a stream in one request
   * calls it to retry that request after a failure (a stream once sent cannot be sent again);
   * without it such a request is not retried. Each call must return a new stream.
   */
  openBody?: () => Readable;
  /** Parts uploaded at once for one object. @default 4 */
  concurrency?: number;
  /** Called with the number of bytes sent so far. */
  onProgress?: (bytesSent: number) => void;
  signal?: AbortSignal;
}

/** What a completed put returns. */
export interface PutResult {
  etag?: string;
  versionId?: string;
}

/** Options of {@link ObjectStore.get}. */
export interface GetOptions {
  /** Inclusive byte range. */
  range?: { start: number; end?: number };
  signal?: AbortSignal;
}

/**
 * One interface over object stores. Keys are relative to the store's prefix, use `/` as
 * separator and never start with `/`. Every call retries throttling, 5xx and dropped connections
 * with backoff, honours its `signal`, and throws a {@link StorageError} with a message that names
 * what to change.
 *
 * Guarantees every adapter keeps:
 * - `put` makes the object visible only when the whole body was stored; a failed or aborted
 *   multipart/block/resumable upload leaves nothing behind (S3: no incomplete multipart upload).
 * - `get` of a missing key and `head` of a missing key are different: `head` returns undefined,
 *   `get` throws `E_STORAGE_NOT_FOUND`.
 * - `delete` of a missing key is not an error.
 */
export interface ObjectStore {
  /** A readable address for logs, without credentials (`s3://bucket/prefix`). */
  readonly url: string;
  /**
   * True when an object put with `size` bytes and these options reports the MD5 of its content
   * (`ObjectInfo.md5`) in listings and `head`, given as bytes or as a stream with `size` and
   * `openBody`. S3: only up to the multipart threshold (a multipart ETag is no MD5); Azure, GCS
   * and the filesystem: always. Lets a caller hash with MD5 only what the store will prove.
   */
  reportsMd5(size: number, options?: Pick<PutOptions, "partSize" | "multipartThreshold">): boolean;
  /** Checks that the bucket/container exists and the credentials work; throws a clear error. */
  check(options?: { signal?: AbortSignal }): Promise<void>;
  /** Lists objects (and common prefixes), all pages, in key order where the store guarantees it. */
  list(options?: ListOptions): AsyncIterable<ListEntry>;
  /** Metadata of one object, or undefined when there is none. */
  head(key: string, options?: { signal?: AbortSignal }): Promise<ObjectInfo | undefined>;
  /** Streams a body into an object (multipart/block/resumable above the part size). */
  put(key: string, body: Readable | Uint8Array | string, options?: PutOptions): Promise<PutResult>;
  /** Streams an object's content. */
  get(key: string, options?: GetOptions): Promise<{ body: Readable; info: ObjectInfo }>;
  /** Deletes keys, batched as the store allows (S3: 1000 per request). */
  delete(keys: readonly string[], options?: { signal?: AbortSignal }): Promise<void>;
  /** Server-side copy within the store. */
  copy(fromKey: string, toKey: string, options?: { signal?: AbortSignal }): Promise<void>;
}
