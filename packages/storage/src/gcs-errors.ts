import { RETRYABLE_ERR_FN_DEFAULT } from "@google-cloud/storage";
import { networkFailureKind } from "./network-failures.js";
import { redactedCause, redactSecrets } from "./redact-secrets.js";
import { StorageError, type StorageErrorCode } from "./storage-error.js";

/** What {@link toGcsStorageError} needs to write a message that says what to change. */
export interface GcsErrorContext {
  /** What was attempted, as a phrase after "could not": `upload "a/b.txt"`, `list`. */
  operation: string;
  bucket: string;
  /** Which credential the store uses and what to check about it, naming the settings. */
  credentialHint: string;
  /** Credential values that must never reach a message. */
  secrets: readonly (string | undefined)[];
}

/** SDK error codes of an upload or download whose bytes did not match their hashes. */
const integrityCodes = new Set([
  "FILE_NO_UPLOAD",
  "FILE_NO_UPLOAD_DELETE",
  "CONTENT_DOWNLOAD_MISMATCH",
]);

/**
 * Turns whatever an @google-cloud/storage call threw into a {@link StorageError} with a message
 * that says what to change. Neither the message nor the kept `cause` contains the token, the
 * service-account key or a URL query string (SDK errors carry the request, headers included).
 */
export function toGcsStorageError(error: unknown, context: GcsErrorContext): StorageError {
  if (error instanceof StorageError) {
    return error;
  }
  const details = readGcsError(error);
  const storeMessage = redactSecrets(details.message.split("\n")[0] ?? "", context.secrets);
  const where = `bucket "${context.bucket}"`;
  const summary = [details.status, details.reason ?? details.code].filter(Boolean).join(" ");
  const make = (code: StorageErrorCode, message: string) =>
    new StorageError(code, message, {
      cause: redactedCause(error, context.secrets),
      ...(details.status === undefined ? {} : { status: details.status }),
    });
  const network = details.status === undefined ? networkFailureKind(error) : undefined;

  if (details.status === 401 || details.status === 403) {
    return make(
      "E_STORAGE_AUTH",
      `Google Cloud Storage refused to ${context.operation} in ${where} (${summary}: ${storeMessage}): ${context.credentialHint}.`,
    );
  }
  if (details.status === 404 && isMissingBucket(details.message)) {
    return make(
      "E_STORAGE_BUCKET_NOT_FOUND",
      `The GCS ${where} does not exist: create it, or fix the bucket (the first segment of \`target\`).`,
    );
  }
  if (details.status === 404) {
    return make(
      "E_STORAGE_NOT_FOUND",
      `Could not ${context.operation} in GCS ${where}: there is no such object (${summary}).`,
    );
  }
  if (details.status === 412) {
    return make(
      "E_STORAGE_PRECONDITION",
      `Could not ${context.operation} in GCS ${where}: a condition failed, the object already exists or changed (${summary}).`,
    );
  }
  if (
    (details.code !== undefined && integrityCodes.has(details.code)) ||
    (details.status === 400 && /hash|md5|crc32c/i.test(details.message))
  ) {
    return make(
      "E_STORAGE_INTEGRITY",
      `The data of ${context.operation} in GCS ${where} did not match its checksum (${summary}). Run again; if it keeps failing, the source changed while it was read.`,
    );
  }
  if (network === "tls") {
    return make(
      "E_STORAGE_REQUEST",
      `Could not ${context.operation} in GCS ${where}: the endpoint's TLS certificate is not trusted (${summary}). Add its CA to NODE_EXTRA_CA_CERTS, or set skip_verify for a test server.`,
    );
  }
  if (
    isTransientStatus(details.status) ||
    network === "connection" ||
    /retry (limit|total time limit) exceeded/i.test(details.message)
  ) {
    return make(
      "E_STORAGE_UNAVAILABLE",
      `Google Cloud Storage kept failing to ${context.operation} in ${where} after every retry (${summary}: ${storeMessage}). Check the endpoint and the network, then run again.`,
    );
  }
  return make(
    "E_STORAGE_REQUEST",
    `Google Cloud Storage refused to ${context.operation} in ${where} (${summary}): ${storeMessage}`,
  );
}

/**
 * Whether the SDK should retry a failed request: what it retries by default (408, 429, 5xx, reset
 * connections) and every other dropped or refused connection.
 */
export function isRetryableGcsFailure(error: unknown): boolean {
  if (error instanceof StorageError || (error as { name?: unknown })?.name === "AbortError") {
    return false;
  }
  return (
    RETRYABLE_ERR_FN_DEFAULT(error as Parameters<typeof RETRYABLE_ERR_FN_DEFAULT>[0]) ||
    networkFailureKind(error) === "connection"
  );
}

/** The HTTP status of a failed call, when the service answered. */
export function gcsErrorStatus(error: unknown): number | undefined {
  return readGcsError(error).status;
}

/** True for a GCS 404 about the bucket rather than the object. */
export function isMissingBucketError(error: unknown): boolean {
  const details = readGcsError(error);
  return details.status === 404 && isMissingBucket(details.message);
}

// --- internal ---

interface GcsErrorDetails {
  status?: number;
  /** GCS's reason (`notFound`, `conditionNotMet`), from the first entry of `errors`. */
  reason?: string;
  /** A string code: the SDK's (`FILE_NO_UPLOAD`) or Node's (`ECONNRESET`). */
  code?: string;
  message: string;
}

function readGcsError(error: unknown): GcsErrorDetails {
  const source = (typeof error === "object" && error !== null ? error : {}) as {
    code?: unknown;
    status?: unknown;
    message?: unknown;
    errors?: { reason?: unknown }[];
    response?: { status?: unknown };
  };
  const details: GcsErrorDetails = {
    message: typeof source.message === "string" ? source.message : String(error),
  };
  // ApiError puts the HTTP status in `code`; gaxios errors in `status` or `response.status`.
  const status = [source.code, source.status, source.response?.status].find(
    (value): value is number => typeof value === "number" && value >= 100 && value < 600,
  );
  if (status !== undefined) {
    details.status = status;
  }
  if (typeof source.code === "string") {
    details.code = source.code;
  }
  const reason = Array.isArray(source.errors) ? source.errors[0]?.reason : undefined;
  if (typeof reason === "string") {
    details.reason = reason;
  }
  return details;
}

function isMissingBucket(message: string): boolean {
  return /bucket does not exist|no such bucket/i.test(message);
}

function isTransientStatus(status: number | undefined): boolean {
  return status === 408 || status === 429 || (status !== undefined && status >= 500);
}
