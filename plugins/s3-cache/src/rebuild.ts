import { type ArchiveFormat, createArchive } from "@spotkit/archive";
import { formatBytes } from "@spotkit/runtime";
import type { PutOptions } from "@spotkit/storage";
import { CacheOperationError } from "./cache-operation-error.js";
import type { CacheOperationOptions } from "./cache-operation-options.js";
import { describeFailure } from "./describe-failure.js";
import { createOperationSignal } from "./operation-signal.js";
import { recordMounts } from "./restore-mounts.js";

/** Content types of the archive formats, so the object says what it holds. */
const contentTypes: Record<ArchiveFormat, string> = {
  zstd: "application/zstd",
  gzip: "application/gzip",
  none: "application/x-tar",
};

/**
 * Bytes per part of the multipart upload. An archive's length is unknown until it is written, so
 * it always goes up in parts, each held in memory until it is stored: 8 MiB allows caches up to
 * S3's 10,000 parts (78 GiB) while the parts in flight (`defaultUploadConcurrency` of them, and
 * the one being filled) stay near 24 MB, inside the 200 MB the whole step is meant to use.
 */
export const defaultPartSize = 8 * 1024 * 1024;
/**
 * Parts uploaded at once. Two keep the upload ahead of tar and zstd, which make the archive at
 * well under the speed of one connection; each more holds another part in memory.
 */
export const defaultUploadConcurrency = 2;

/** Options of {@link rebuildCache}. */
export interface RebuildCacheOptions extends CacheOperationOptions {
  /** The rendered exact key. */
  key: string;
  /** The object to hold the archive of `key`. */
  objectKey: string;
  /** Absolute folder the mounts are relative to. */
  localRoot: string;
  /** The mounts to save, relative to `localRoot`, globs already expanded to existing paths. */
  mounts: readonly string[];
  format: ArchiveFormat;
  /** Compression level; undefined for the format's default. */
  level?: number;
  /** Leave symbolic links out of the archive. @default false */
  skipSymlinks?: boolean;
  /** Replace an archive already saved under the key. @default true */
  override?: boolean;
  /** ACL, encryption, storage class and transfer sizes for the upload. */
  putOptions?: Pick<
    PutOptions,
    "acl" | "encryption" | "kmsKeyId" | "storageClass" | "partSize" | "concurrency"
  >;
}

/** What a rebuild did. */
export interface RebuildResult {
  /** `saved`; `skipped` (the key exists and override is off, or nothing to save); `failed`. */
  status: "saved" | "skipped" | "failed";
  key: string;
  /** Bytes stored (compressed archive); 0 unless saved. */
  bytes: number;
  /** Entries archived. */
  entries: number;
  /** Bytes of the files archived, before compression. */
  uncompressedBytes: number;
  seconds: number;
}

/**
 * Saves the mounts as one archive under the key: tar (and zstd or gzip) streamed straight into a
 * multipart upload, no temporary file. The store completes the upload only after the last byte,
 * and aborts it when the archive or the upload fails or the step is cancelled, so a failed save
 * never leaves an object (or an incomplete upload) under the key.
 *
 * A failure is a warning (the build goes on without saving) unless `failOnError`, which throws a
 * {@link CacheOperationError}. Cancellation (the step's `signal`) is always thrown.
 */
export async function rebuildCache(options: RebuildCacheOptions): Promise<RebuildResult> {
  const { store, logger, signal, key, objectKey } = options;
  const startedAt = performance.now();
  const seconds = () => (performance.now() - startedAt) / 1000;
  const result = (status: RebuildResult["status"]): RebuildResult => ({
    status,
    key,
    bytes: 0,
    entries: 0,
    uncompressedBytes: 0,
    seconds: seconds(),
  });
  if (options.mounts.length === 0) {
    logger.warn(`nothing to save for cache "${key}": none of the mounts exists`);
    return result("skipped");
  }

  const timeoutMs = options.operationTimeoutMs ?? 0;
  const operation = createOperationSignal(signal, timeoutMs);
  // Either side failing stops the other: a dead upload must not leave tar writing into a full
  // pipe, and a failed tar must abort the upload rather than complete it.
  const failure = new AbortController();
  const transferSignal = AbortSignal.any([operation.signal, failure.signal]);
  let firstError: unknown;
  const fail = (error: unknown) => {
    firstError ??= error;
    failure.abort(error);
    throw error;
  };
  try {
    if (options.override === false) {
      const existing = await store.head(objectKey, { signal: operation.signal });
      if (existing !== undefined) {
        logger.info(
          `cache "${key}" exists (${formatBytes(existing.size)}) and override is false: not saving it again`,
        );
        return result("skipped");
      }
    }

    logger.info(
      `saving ${options.mounts.join(", ")} as cache "${key}" (${describeFormat(options)}) to ${store.url}/${objectKey}`,
    );
    const archive = createArchive({
      root: options.localRoot,
      paths: options.mounts,
      format: options.format,
      ...(options.level === undefined ? {} : { level: options.level }),
      skipSymlinks: options.skipSymlinks ?? false,
      signal: transferSignal,
      onWarning: (message) => logger.warn(message),
    });
    let bytesSent = 0;
    const upload = store.put(objectKey, archive.stream, {
      contentType: contentTypes[options.format],
      metadata: recordMounts(options.mounts),
      partSize: defaultPartSize,
      concurrency: defaultUploadConcurrency,
      ...options.putOptions,
      onProgress: (sent) => {
        bytesSent = sent;
      },
      signal: transferSignal,
    });
    const [archived] = await Promise.all([archive.done.catch(fail), upload.catch(fail)]);
    // The store counts what it sent; only when it reported nothing does a HEAD ask for the size.
    if (bytesSent === 0) {
      bytesSent = (await store.head(objectKey, { signal: operation.signal }))?.size ?? 0;
    }
    const saved: RebuildResult = {
      status: "saved",
      key,
      bytes: bytesSent,
      entries: archived.entries,
      uncompressedBytes: archived.uncompressedBytes,
      seconds: seconds(),
    };
    logger.info(
      `saved cache "${key}": ${archived.entries} entries, ${formatBytes(archived.uncompressedBytes)} stored as ${formatBytes(bytesSent)} in ${saved.seconds.toFixed(1)} s`,
    );
    return saved;
  } catch (error) {
    if (signal.aborted) throw error;
    const cause = firstError ?? error;
    const reason = operation.timedOut()
      ? `it took longer than backend_operation_timeout (${timeoutMs / 1000} s)`
      : describeFailure(cause);
    const message = `saving cache "${key}" failed: ${reason}`;
    if (options.failOnError) {
      throw new CacheOperationError(
        operation.timedOut() ? "E_CACHE_TIMEOUT" : "E_CACHE_REBUILD_FAILED",
        message,
        { cause },
      );
    }
    logger.warn(
      `${message}. Nothing was stored under the key; the build continues (set exit_code: true to fail instead).`,
    );
    return result("failed");
  } finally {
    operation.dispose();
  }
}

function describeFormat(options: Pick<RebuildCacheOptions, "format" | "level">): string {
  if (options.format === "none") return "tar";
  return options.level === undefined
    ? `tar + ${options.format}`
    : `tar + ${options.format} level ${options.level}`;
}
