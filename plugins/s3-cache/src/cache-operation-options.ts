import type { Logger } from "@spotkit/runtime";
import type { ObjectStore } from "@spotkit/storage";

/** What restore, rebuild and flush all take: the store, how to fail, and how to stop. */
export interface CacheOperationOptions {
  store: ObjectStore;
  /**
   * Fail instead of warning when the operation fails, and for a restore on a miss too
   * (`exit_code`, `fail_on_error`). @default false
   */
  failOnError?: boolean;
  /** Milliseconds the whole operation may take; 0 for no limit. @default 0 */
  operationTimeoutMs?: number;
  logger: Logger;
  signal: AbortSignal;
}
