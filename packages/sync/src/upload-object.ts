import { createHash } from "node:crypto";
import { SpotkitError } from "@spotkit/runtime";
import type { ObjectStore, PutOptions } from "@spotkit/storage";
import { sha256MetadataKey } from "./compare-content.js";
import { redirectMetadataKey } from "./compare-headers.js";
import type { ContentDigest } from "./digest-file.js";
import type { UploadItem } from "./plan-upload.js";
import { readSmallFile, smallFileLimit } from "./read-small-file.js";
import { SyncError } from "./sync-error.js";
import { transferError } from "./transfer-error.js";
import { createUploadBody, type UploadBody } from "./upload-body.js";

/** Options of {@link uploadObject}. */
export interface UploadObjectOptions {
  /** The file holding the bytes to upload when they are not the local file's (gzip). */
  bodyPath?: string;
  /**
   * The bytes the item's digest was computed from (a small file, kept from its hashing): sent as
   * they are, without reading the file again. Ignored unless they have the digest's size.
   */
  hashedBytes?: Uint8Array | undefined;
  /** Passed to the store as `PutOptions.partSize`. */
  partSize?: number;
  /** Passed to the store as `PutOptions.multipartThreshold`. */
  multipartThreshold?: number;
  /** Called with each chunk's size as it is read. */
  onBytes?: (bytes: number) => void;
  signal?: AbortSignal;
}

/**
 * The options an item is put with: its headers, its user metadata plus `spotkit-sha256` when the
 * digest has one (and `spotkit-redirect` for a redirect), its MD5 for the store to verify when
 * the digest has one, and the pass-through ACL, storage class and encryption.
 */
export function putOptionsFor(item: UploadItem, options: UploadObjectOptions = {}): PutOptions {
  const { headers, digest } = item;
  const metadata: Record<string, string> = { ...headers.metadata };
  if (digest.sha256 !== undefined) metadata[sha256MetadataKey] = digest.sha256;
  if (item.redirect !== undefined) metadata[redirectMetadataKey] = item.redirect;
  const putOptions: PutOptions = {
    size: digest.size,
    contentType: headers.contentType,
    metadata,
  };
  if (digest.md5 !== undefined) putOptions.md5 = digest.md5;
  if (headers.contentEncoding !== undefined) putOptions.contentEncoding = headers.contentEncoding;
  if (headers.cacheControl !== undefined) putOptions.cacheControl = headers.cacheControl;
  if (headers.acl !== undefined) putOptions.acl = headers.acl;
  if (headers.storageClass !== undefined) putOptions.storageClass = headers.storageClass;
  if (headers.encryption !== undefined) putOptions.encryption = headers.encryption;
  if (headers.kmsKeyId !== undefined) putOptions.kmsKeyId = headers.kmsKeyId;
  if (item.redirect !== undefined) putOptions.websiteRedirectLocation = item.redirect;
  if (options.partSize !== undefined) putOptions.partSize = options.partSize;
  if (options.multipartThreshold !== undefined) {
    putOptions.multipartThreshold = options.multipartThreshold;
  }
  if (options.signal !== undefined) putOptions.signal = options.signal;
  return putOptions;
}

/**
 * Uploads one item: a small file (see {@link smallFileLimit}) from memory, checked before the
 * request; a larger one streamed from its file (or compressed copy), failing before the end when
 * the bytes no longer match the digest the plan was made with (its size here, its MD5 in the
 * store, which stores nothing then). The store may open the file again
 * (`PutOptions.openBody`) to retry a request that sent it in one piece; progress counts each byte
 * once.
 *
 * @throws {SyncError} `E_SYNC_FILE_CHANGED` when the file changed since it was hashed;
 *   `E_SYNC_TRANSFER` wrapping the store's error otherwise.
 */
export async function uploadObject(
  store: ObjectStore,
  item: UploadItem,
  options: UploadObjectOptions = {},
): Promise<void> {
  const putOptions = putOptionsFor(item, options);
  const path = options.bodyPath ?? item.file?.path;
  if (path === undefined) {
    try {
      await store.put(item.key, new Uint8Array(0), putOptions);
    } catch (error) {
      throw transferError(`Writing the redirect ${item.key} → ${item.redirect ?? ""}`, error);
    }
    return;
  }
  if (item.digest.size <= smallFileLimit) {
    const hashed =
      options.bodyPath === undefined && options.hashedBytes?.byteLength === item.digest.size
        ? options.hashedBytes
        : undefined;
    await uploadSmallFile(store, item, hashed ?? path, putOptions, options.onBytes);
    return;
  }
  // A compressed copy is ours alone; the local file is checked against how the walk saw it.
  const expected =
    options.bodyPath === undefined && item.file !== undefined
      ? {
          size: item.digest.size,
          modifiedTime: item.file.modifiedTime,
          changeTime: item.file.changeTime,
        }
      : { size: item.digest.size };
  const opened: UploadBody[] = [];
  let reported = 0;
  const openBody = () => {
    let position = 0;
    const upload = createUploadBody(path, expected, (bytes) => {
      position += bytes;
      if (position > reported) {
        options.onBytes?.(position - reported);
        reported = position;
      }
    });
    opened.push(upload);
    return upload.body;
  };
  const first = openBody();
  try {
    await store.put(item.key, first, { ...putOptions, openBody });
  } catch (error) {
    // The store refuses a body whose MD5 is not the digest's: the file changed since it was hashed.
    const mismatch = SpotkitError.isInstance(error) && error.code === "E_STORAGE_INTEGRITY";
    if (mismatch || opened.some((upload) => upload.changed())) {
      throw fileChanged(item, path, error);
    }
    throw transferError(`Uploading ${item.file?.name ?? path} to ${item.key}`, error);
  } finally {
    // A store that failed before reading (refused credentials) leaves the file open otherwise.
    for (const upload of opened) upload.body.destroy();
  }
}

/**
 * Uploads a small file from memory — the bytes it was hashed from, or, read again, checked against
 * its digest before the request — as a body the store can resend if the request is retried.
 */
async function uploadSmallFile(
  store: ObjectStore,
  item: UploadItem,
  source: string | Uint8Array,
  putOptions: PutOptions,
  onBytes: ((bytes: number) => void) | undefined,
): Promise<void> {
  const path = typeof source === "string" ? source : (item.file?.path ?? item.key);
  const data = typeof source === "string" ? await readSmallFile(source, item.digest.size) : source;
  if (data === undefined || data.length !== item.digest.size) throw fileChanged(item, path);
  if (typeof source === "string" && !matchesDigest(data, item.digest)) {
    throw fileChanged(item, path);
  }
  try {
    await store.put(item.key, data, putOptions);
  } catch (error) {
    throw transferError(`Uploading ${item.file?.name ?? path} to ${item.key}`, error);
  }
  onBytes?.(data.length);
}

/** True when `data` has the hash `digest` holds: its SHA-256, else its MD5. */
function matchesDigest(data: Uint8Array, digest: ContentDigest): boolean {
  return digest.sha256 !== undefined
    ? createHash("sha256").update(data).digest("hex") === digest.sha256
    : createHash("md5").update(data).digest("hex") === digest.md5;
}

function fileChanged(item: UploadItem, path: string, cause?: unknown): SyncError {
  return new SyncError(
    "E_SYNC_FILE_CHANGED",
    `${item.file?.path ?? path} changed while the sync ran, so it was not uploaded; run the sync again once nothing writes to the source.`,
    cause === undefined ? undefined : { cause },
  );
}
