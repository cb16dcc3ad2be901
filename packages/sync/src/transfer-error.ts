import { SpotkitError } from "@spotkit/runtime";
import { SyncError } from "./sync-error.js";

/**
 * The error a failed transfer is reported with: errors of the sync itself pass unchanged, others
 * (the store's) become `E_SYNC_TRANSFER` naming what was transferred, with the store's message and
 * the original error as `cause`.
 */
export function transferError(what: string, error: unknown): SpotkitError {
  if (error instanceof SyncError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = SpotkitError.isInstance(error) ? ` [${error.code}]` : "";
  return new SyncError("E_SYNC_TRANSFER", `${what} failed${code}: ${message}`, { cause: error });
}
