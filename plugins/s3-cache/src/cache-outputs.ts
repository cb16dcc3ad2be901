import type { FlushResult } from "./flush.js";
import type { RebuildResult } from "./rebuild.js";
import type { RestoreResult } from "./restore.js";

/**
 * The step outputs of a restore: `cache_hit` (`exact`, `partial` or `miss`), `cache_key` (the
 * key restored from, empty on a miss), `bytes` (archive size as stored) and `seconds` (one
 * decimal).
 */
export function restoreOutputs(result: RestoreResult): Record<string, string> {
  return {
    cache_hit: result.hit,
    cache_key: result.key ?? "",
    bytes: String(result.bytes),
    seconds: result.seconds.toFixed(1),
  };
}

/**
 * The step outputs of a rebuild: `cache_key`, `cache_saved` (`true` only when an archive was
 * stored), `bytes` (archive size as stored) and `seconds`.
 */
export function rebuildOutputs(result: RebuildResult): Record<string, string> {
  return {
    cache_key: result.key,
    cache_saved: String(result.status === "saved"),
    bytes: String(result.bytes),
    seconds: result.seconds.toFixed(1),
  };
}

/** The step outputs of a flush: `deleted` (objects), `bytes` (they held) and `seconds`. */
export function flushOutputs(result: FlushResult): Record<string, string> {
  return {
    deleted: String(result.deleted),
    bytes: String(result.bytes),
    seconds: result.seconds.toFixed(1),
  };
}
