import { SpotkitError } from "@spotkit/runtime";

/** Codes of {@link SyncError}. */
export type SyncErrorCode =
  /** An option cannot be used (a bad concurrency, a rule value that is not text…). */
  | "E_SYNC_INVALID_OPTIONS"
  /** A source names a file or folder that does not exist. */
  | "E_SYNC_SOURCE_NOT_FOUND"
  /** No source matched a file while `delete` was on: deleting everything is refused. */
  | "E_SYNC_NO_FILES"
  /** An object key computed for an upload cannot be used (`..` segment, empty). */
  | "E_SYNC_INVALID_KEY"
  /** Two files map to one key, or a remote key is both a file and a folder. */
  | "E_SYNC_KEY_CONFLICT"
  /** A remote key would be written outside the download folder (`..`, absolute, NUL…). */
  | "E_SYNC_UNSAFE_KEY"
  /** A download would be written through a symbolic link or over something that is not a file. */
  | "E_SYNC_UNSAFE_PATH"
  /** A local file changed between its hashing and its upload. */
  | "E_SYNC_FILE_CHANGED"
  /** Downloaded bytes do not match the size or hash the store announced. */
  | "E_SYNC_INTEGRITY"
  /** A transfer failed; `cause` holds the store's error. */
  | "E_SYNC_TRANSFER";

/** A sync failure, with a message that says what to change. */
export class SyncError extends SpotkitError {
  declare readonly code: SyncErrorCode;

  constructor(code: SyncErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "SyncError";
  }
}
