import { formatBytes } from "@spotkit/runtime";
import { CacheOperationError } from "./cache-operation-error.js";
import type { CacheOperationOptions } from "./cache-operation-options.js";
import { describeFailure } from "./describe-failure.js";
import { createOperationSignal } from "./operation-signal.js";

const dayMilliseconds = 24 * 60 * 60 * 1000;

/** Options of {@link flushCache}. */
export interface FlushCacheOptions extends CacheOperationOptions {
  /**
   * Only objects under this folder are considered (`owner/name`); it is taken as a folder, so
   * `owner/name` does not reach `owner/name-fork/…`. Empty means the whole store (bucket/root).
   */
  prefix: string;
  /** Objects last modified more than this many days ago are deleted. */
  maxAgeDays: number;
  /** The current time. @default new Date() */
  now?: Date;
}

/** What a flush did. */
export interface FlushResult {
  /** Objects deleted. */
  deleted: number;
  /** Bytes the deleted objects held. */
  bytes: number;
  /** Objects under the prefix that were young enough to keep. */
  kept: number;
  /** False when the flush failed (and only a warning was logged). */
  completed: boolean;
  seconds: number;
}

/**
 * Deletes the objects under `prefix` older than `maxAgeDays` (plugins/s3-cache's flush mode):
 * one listing, then batched deletes. Objects without a modification time are kept. A failure is
 * a warning unless `failOnError`; cancellation is always thrown.
 */
export async function flushCache(options: FlushCacheOptions): Promise<FlushResult> {
  const { store, logger, signal } = options;
  const startedAt = performance.now();
  const now = options.now ?? new Date();
  const cutoff = now.getTime() - options.maxAgeDays * dayMilliseconds;
  const prefix = folderPrefix(options.prefix);
  const timeoutMs = options.operationTimeoutMs ?? 0;
  const operation = createOperationSignal(signal, timeoutMs);
  const old: string[] = [];
  let bytes = 0;
  let kept = 0;
  try {
    logger.info(
      `flushing objects older than ${options.maxAgeDays} days (before ${new Date(cutoff).toISOString()}) under ${store.url}/${prefix}`,
    );
    for await (const entry of store.list({ prefix, signal: operation.signal })) {
      if (entry.type !== "object") continue;
      const modified = entry.lastModified?.getTime();
      if (modified !== undefined && modified < cutoff) {
        old.push(entry.key);
        bytes += entry.size;
      } else {
        kept += 1;
      }
    }
    if (old.length > 0) await store.delete(old, { signal: operation.signal });
    const result = {
      deleted: old.length,
      bytes,
      kept,
      completed: true,
      seconds: (performance.now() - startedAt) / 1000,
    };
    logger.info(
      `flushed ${result.deleted} objects (${formatBytes(bytes)}), kept ${kept}, in ${result.seconds.toFixed(1)} s`,
    );
    return result;
  } catch (error) {
    if (signal.aborted) throw error;
    const reason = operation.timedOut()
      ? `it took longer than backend_operation_timeout (${timeoutMs / 1000} s)`
      : describeFailure(error);
    const message = `flushing the cache failed: ${reason}`;
    if (options.failOnError) {
      throw new CacheOperationError(
        operation.timedOut() ? "E_CACHE_TIMEOUT" : "E_CACHE_FLUSH_FAILED",
        message,
        { cause: error },
      );
    }
    logger.warn(`${message}. The build continues (set exit_code: true to fail instead).`);
    return {
      deleted: 0,
      bytes: 0,
      kept,
      completed: false,
      seconds: (performance.now() - startedAt) / 1000,
    };
  } finally {
    operation.dispose();
  }
}

/** `a/b` → `a/b/`; `""` and `/` → `""` (the whole store). */
function folderPrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+/, "").replace(/\/+$/, "");
  return trimmed === "" ? "" : `${trimmed}/`;
}
