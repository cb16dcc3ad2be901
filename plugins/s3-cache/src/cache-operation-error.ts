import { SpotkitError } from "@spotkit/runtime";

/** Codes of {@link CacheOperationError}. */
export type CacheOperationErrorCode =
  /** No archive matched the key or the restore keys, and `exit_code` asked to fail on that. */
  | "E_CACHE_MISS"
  /** Restoring failed (store, corrupt, truncated or refused archive) and `exit_code` is set. */
  | "E_CACHE_RESTORE_FAILED"
  /** Saving failed (archive tool, store) and `exit_code` is set. */
  | "E_CACHE_REBUILD_FAILED"
  /** Flushing failed and `exit_code` is set. */
  | "E_CACHE_FLUSH_FAILED"
  /** A store operation ran longer than `backend_operation_timeout`. */
  | "E_CACHE_TIMEOUT";

/**
 * A cache operation that failed. Without `exit_code`/`fail_on_error` the plugin only logs it as a
 * warning (a cache must never break a build); with it, the step fails with this message.
 */
export class CacheOperationError extends SpotkitError {
  declare readonly code: CacheOperationErrorCode;

  constructor(code: CacheOperationErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "CacheOperationError";
  }
}
