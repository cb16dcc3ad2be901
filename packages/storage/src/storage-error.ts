import { SpotkitError } from "@spotkit/runtime";

/** Codes of {@link StorageError}. */
export type StorageErrorCode =
  /** Credentials missing, wrong or not allowed (401/403, SignatureDoesNotMatch…). */
  | "E_STORAGE_AUTH"
  /** The bucket or container does not exist. */
  | "E_STORAGE_BUCKET_NOT_FOUND"
  /** The object does not exist. */
  | "E_STORAGE_NOT_FOUND"
  /** A condition failed (`ifNotExists` on an existing key, a generation mismatch). */
  | "E_STORAGE_PRECONDITION"
  /** The store kept failing (5xx, throttling, connection errors) after every retry. */
  | "E_STORAGE_UNAVAILABLE"
  /** The data did not match its checksum. */
  | "E_STORAGE_INTEGRITY"
  /** A key that cannot be used (`..`, absolute, empty). */
  | "E_STORAGE_INVALID_KEY"
  /** Anything else the store refused; the message carries the store's own error. */
  | "E_STORAGE_REQUEST";

/** An object-store failure, with a message that says what to change. Never contains credentials. */
export class StorageError extends SpotkitError {
  declare readonly code: StorageErrorCode;
  /** The HTTP status the store answered with, when there was one. */
  readonly status?: number;

  constructor(
    code: StorageErrorCode,
    message: string,
    options?: { cause?: unknown; status?: number },
  ) {
    super(code, message, options);
    this.name = "StorageError";
    if (options?.status !== undefined) this.status = options.status;
  }
}
