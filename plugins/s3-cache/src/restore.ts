import { extractArchive } from "@spotkit/archive";
import { formatBytes } from "@spotkit/runtime";
import { CacheOperationError } from "./cache-operation-error.js";
import type { CacheOperationOptions } from "./cache-operation-options.js";
import { describeFailure } from "./describe-failure.js";
import { findCacheObject } from "./find-cache-object.js";
import { createOperationSignal } from "./operation-signal.js";
import { readRecordedMounts, resolveRestoreMounts } from "./restore-mounts.js";

/** How a restore ended: the exact key, a restore key, or nothing restored. */
export type CacheHit = "exact" | "partial" | "miss";

/** Options of {@link restoreCache}. */
export interface RestoreCacheOptions extends CacheOperationOptions {
  /** The rendered exact key. */
  key: string;
  /** Rendered restore keys (prefixes), tried in order after the exact key. @default [] */
  restoreKeys?: readonly string[];
  /** The object holding the archive of a key. */
  objectKey(key: string): string;
  /** Absolute folder the archive's paths are relative to. */
  localRoot: string;
  /** The `mount` setting as written (paths or globs); limits what a restore may replace. @default [] */
  mounts?: readonly string[];
  /** Refuse archives with an entry larger than this. @default extractArchive's default */
  maxEntryBytes?: number;
  /** Refuse archives that unpack to more than this. @default extractArchive's default */
  maxTotalBytes?: number;
}

/** What a restore did. */
export interface RestoreResult {
  hit: CacheHit;
  /** The key restored from (the exact key, or the key a restore key matched); undefined on a miss. */
  key?: string;
  /** Size of the archive read, as stored (compressed). */
  bytes: number;
  /** Entries extracted. */
  entries: number;
  /** The folders that were replaced, relative to the local root. */
  mounts: string[];
  seconds: number;
}

/**
 * Restores a cache: finds the archive (exact key, then each restore key, newest first), streams it
 * from the store into extractArchive, which moves each mount into place only when the whole
 * archive was read and verified.
 *
 * A miss, a store that fails or is down, a corrupt, truncated or hostile archive and a timeout
 * are warnings and a miss, the mounts untouched — unless `failOnError`, which throws a
 * {@link CacheOperationError} instead. Cancellation (the step's `signal`) is always thrown.
 */
export async function restoreCache(options: RestoreCacheOptions): Promise<RestoreResult> {
  const { store, logger, signal } = options;
  const startedAt = performance.now();
  const seconds = () => (performance.now() - startedAt) / 1000;
  const timeoutMs = options.operationTimeoutMs ?? 0;
  const operation = createOperationSignal(signal, timeoutMs);
  const miss = (): RestoreResult => ({
    hit: "miss",
    bytes: 0,
    entries: 0,
    mounts: [],
    seconds: seconds(),
  });
  try {
    const match = await findCacheObject({
      store,
      key: options.key,
      restoreKeys: options.restoreKeys ?? [],
      objectKey: options.objectKey,
      signal: operation.signal,
    });
    if (match === undefined) {
      const tried = [options.key, ...(options.restoreKeys ?? [])].map((key) => `"${key}"`);
      const message = `cache miss: no archive for ${tried.join(", then ")} in ${store.url}`;
      if (options.failOnError) throw new CacheOperationError("E_CACHE_MISS", message);
      logger.warn(`${message}; the build continues without the cache`);
      return miss();
    }

    // A listing (S3, GCS) carries no user metadata, where rebuild records the archive's mounts.
    const info =
      match.exact || match.info.metadata !== undefined
        ? match.info
        : ((await store.head(match.objectKey, { signal: operation.signal })) ?? match.info);
    const decision = resolveRestoreMounts(options.mounts ?? [], readRecordedMounts(info.metadata));
    if (!decision.restore) {
      throw new CacheOperationError(
        "E_CACHE_RESTORE_FAILED",
        `restoring cache "${match.key}" failed: ${decision.reason}`,
      );
    }
    const { mounts } = decision;
    logger.info(
      `restoring cache "${match.key}" (${match.exact ? "exact" : "partial"} match, ${formatBytes(info.size)}) from ${store.url}/${match.objectKey}`,
    );
    const { body } = await store.get(match.objectKey, { signal: operation.signal });
    try {
      const extracted = await extractArchive({
        body,
        root: options.localRoot,
        ...(mounts === undefined ? {} : { mounts }),
        ...(options.maxEntryBytes === undefined ? {} : { maxEntryBytes: options.maxEntryBytes }),
        ...(options.maxTotalBytes === undefined ? {} : { maxTotalBytes: options.maxTotalBytes }),
        signal: operation.signal,
        onWarning: (message) => logger.warn(message),
      });
      const result: RestoreResult = {
        hit: match.exact ? "exact" : "partial",
        key: match.key,
        bytes: info.size,
        entries: extracted.entries,
        mounts: extracted.mounts,
        seconds: seconds(),
      };
      logger.info(
        `restored ${extracted.entries} entries (${formatBytes(extracted.bytes)}) into ${describeMounts(extracted.mounts)} in ${result.seconds.toFixed(1)} s`,
      );
      return result;
    } finally {
      // Frees the connection when extraction stopped before the end of the body.
      body.destroy();
    }
  } catch (error) {
    if (signal.aborted) throw error;
    if (error instanceof CacheOperationError) {
      if (options.failOnError || error.code === "E_CACHE_MISS") throw error;
      logger.warn(
        `${error.message}. Nothing was changed; the build continues without the cache (set exit_code: true to fail instead).`,
      );
      return miss();
    }
    const reason = operation.timedOut()
      ? `it took longer than backend_operation_timeout (${timeoutMs / 1000} s)`
      : describeFailure(error);
    const message = `restoring the cache failed: ${reason}`;
    if (options.failOnError) {
      throw new CacheOperationError(
        operation.timedOut() ? "E_CACHE_TIMEOUT" : "E_CACHE_RESTORE_FAILED",
        message,
        { cause: error },
      );
    }
    logger.warn(
      `${message}. Nothing was changed; the build continues without the cache (set exit_code: true to fail instead).`,
    );
    return miss();
  } finally {
    operation.dispose();
  }
}

function describeMounts(mounts: readonly string[]): string {
  return mounts.length === 0 ? "nothing" : mounts.join(", ");
}
