import { SpotkitError } from "@spotkit/runtime";

/** Codes of {@link ArchiveError}. */
export type ArchiveErrorCode =
  /** The archive holds an entry that would write outside its mount, or a type or size we refuse. */
  | "E_ARCHIVE_HOSTILE"
  /** The archive is not a valid tar (bad header checksum, garbage, a broken compressed stream). */
  | "E_ARCHIVE_CORRUPT"
  /** The archive ended before its end-of-archive marker (or the compressed stream ended early). */
  | "E_ARCHIVE_TRUNCATED"
  /** `tar` or `zstd` is missing or failed; the message quotes what it printed. */
  | "E_ARCHIVE_TOOL"
  /** The operation was aborted through its `signal`. */
  | "E_ARCHIVE_ABORTED"
  /** The destination cannot be written safely (a mount or one of its parents is a symlink or a file). */
  | "E_ARCHIVE_DESTINATION"
  /** The options cannot be used (an absolute path, a `..` segment, a level out of range). */
  | "E_ARCHIVE_INVALID_OPTIONS";

/** A failure to create or extract an archive, with a message that says what to change. */
export class ArchiveError extends SpotkitError {
  declare readonly code: ArchiveErrorCode;

  constructor(code: ArchiveErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "ArchiveError";
  }
}

/** True when `error` is an {@link ArchiveError} with one of `codes` (any code when none is given). */
export function isArchiveError(
  error: unknown,
  ...codes: ArchiveErrorCode[]
): error is ArchiveError {
  return (
    SpotkitError.isInstance(error) &&
    error.name === "ArchiveError" &&
    (codes.length === 0 || codes.includes(error.code as ArchiveErrorCode))
  );
}
