import { SyncError } from "./sync-error.js";

/** Transfers run at once unless told otherwise. */
export const defaultConcurrency = 16;

/**
 * Checks a concurrency option: a whole number from 1 to 1000.
 *
 * @throws {SyncError} `E_SYNC_INVALID_OPTIONS` for anything else.
 */
export function resolveConcurrency(value: number | undefined): number {
  if (value === undefined) return defaultConcurrency;
  if (!Number.isInteger(value) || value < 1 || value > 1000) {
    throw new SyncError(
      "E_SYNC_INVALID_OPTIONS",
      `concurrency must be a whole number from 1 to 1000, got ${String(value)}.`,
    );
  }
  return value;
}
