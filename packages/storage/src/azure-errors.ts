import { networkFailureKind } from "./network-failures.js";
import { redactedCause, redactSecrets } from "./redact-secrets.js";
import { StorageError, type StorageErrorCode } from "./storage-error.js";

/** What {@link toAzureStorageError} needs to write a message that says what to change. */
export interface AzureErrorContext {
  /** What was attempted, as a phrase after "could not": `upload "a/b.txt"`, `list`. */
  operation: string;
  /** The container the store works on. */
  container: string;
  /** The storage account, when known. */
  account?: string;
  /** Which credential the store uses and what to check about it, naming the settings. */
  credentialHint: string;
  /** Credential values that must never reach a message. */
  secrets: readonly (string | undefined)[];
}

/** Azure error codes that mean "a condition failed", whatever status they come with. */
const preconditionCodes = new Set([
  "BlobAlreadyExists",
  "ConditionNotMet",
  "TargetConditionNotMet",
  "SourceConditionNotMet",
]);

/** Azure error codes that mean "the bytes did not match their checksum". */
const integrityCodes = new Set(["Md5Mismatch", "InvalidMd5", "Crc64Mismatch", "InvalidCrc64"]);

/**
 * Network failures the SDK's retry policy retries by itself; it looks for these words in the
 * error's name, message or code (@azure/storage-common StorageRetryPolicyV2).
 */
const sdkRetriedNetworkErrors = [
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOENT",
  "ENOTFOUND",
  "TIMEOUT",
  "EPIPE",
  "REQUEST_SEND_ERROR",
];

/**
 * Turns whatever an @azure/storage-blob call threw into a {@link StorageError} with a message that
 * says what to change. Neither the message nor the kept `cause` contains the account key, the SAS
 * token or a URL query string (the SDK puts request URLs, SAS included, in some messages).
 */
export function toAzureStorageError(error: unknown, context: AzureErrorContext): StorageError {
  if (error instanceof StorageError) {
    return error;
  }
  const details = readAzureError(error);
  const storeMessage = redactSecrets(firstLine(details.message), context.secrets);
  const where = `container "${context.container}"${context.account ? ` of account "${context.account}"` : ""}`;
  const summary = [details.status, details.errorCode ?? details.code].filter(Boolean).join(" ");
  const make = (code: StorageErrorCode, message: string) =>
    new StorageError(code, message, {
      cause: redactedCause(error, context.secrets),
      ...(details.status === undefined ? {} : { status: details.status }),
    });
  const network = details.status === undefined ? networkFailureKind(error) : undefined;

  if (details.status === 401 || details.status === 403) {
    return make(
      "E_STORAGE_AUTH",
      `Azure Blob Storage refused to ${context.operation} in ${where} (${summary}): ${context.credentialHint}.`,
    );
  }
  if (details.errorCode === "ContainerNotFound") {
    return make(
      "E_STORAGE_BUCKET_NOT_FOUND",
      `The Azure ${where} does not exist: create it, or fix the \`container\` setting.`,
    );
  }
  if (details.errorCode === "BlobAlreadyExists") {
    return make(
      "E_STORAGE_PRECONDITION",
      `Could not ${context.operation} in Azure ${where}: the blob already exists (${summary}).`,
    );
  }
  if (
    (details.errorCode !== undefined && preconditionCodes.has(details.errorCode)) ||
    details.status === 412
  ) {
    return make(
      "E_STORAGE_PRECONDITION",
      `Could not ${context.operation} in Azure ${where}: a condition failed (${summary}).`,
    );
  }
  if (details.status === 404) {
    return make(
      "E_STORAGE_NOT_FOUND",
      `Could not ${context.operation} in Azure ${where}: there is no such blob (${summary}).`,
    );
  }
  if (details.errorCode !== undefined && integrityCodes.has(details.errorCode)) {
    return make(
      "E_STORAGE_INTEGRITY",
      `Azure rejected the data sent to ${context.operation} in ${where}: it did not match its checksum (${summary}). Run again; if it keeps failing, the data changed while it was read.`,
    );
  }
  if (network === "tls") {
    return make(
      "E_STORAGE_REQUEST",
      `Could not ${context.operation} in Azure ${where}: the endpoint's TLS certificate is not trusted (${summary}). Add its CA to NODE_EXTRA_CA_CERTS, or set skip_verify for a test server.`,
    );
  }
  if (isTransientStatus(details.status) || network === "connection") {
    return make(
      "E_STORAGE_UNAVAILABLE",
      `Azure Blob Storage kept failing to ${context.operation} in ${where} after every retry (${summary}: ${storeMessage}). Check the endpoint and the network, then run again.`,
    );
  }
  return make(
    "E_STORAGE_REQUEST",
    `Azure Blob Storage refused to ${context.operation} in ${where} (${summary}): ${storeMessage}`,
  );
}

/**
 * True when a failed @azure/storage-blob call is worth another try on top of the SDK's own retry
 * policy, which retries 500, 503 and the connection errors it recognises, but not 408, 429, 502
 * and 504, nor a connection that broke in a way it does not recognise.
 */
export function isRetryableAzureFailure(error: unknown): boolean {
  const details = readAzureError(error);
  if (details.name === "AbortError" || error instanceof StorageError) {
    return false;
  }
  if (details.status !== undefined) {
    return details.status !== 500 && details.status !== 503 && isTransientStatus(details.status);
  }
  if (networkFailureKind(error) !== "connection") {
    return false;
  }
  const text = `${details.name ?? ""} ${details.code ?? ""} ${details.message}`.toUpperCase();
  return !sdkRetriedNetworkErrors.some((word) => text.includes(word));
}

/** The Azure error code of a failed call (`BlobNotFound`, `ContainerNotFound`), when there is one. */
export function azureErrorCode(error: unknown): string | undefined {
  return readAzureError(error).errorCode;
}

/** The HTTP status of a failed call, when the service answered. */
export function azureErrorStatus(error: unknown): number | undefined {
  return readAzureError(error).status;
}

// --- internal ---

interface AzureErrorDetails {
  status?: number;
  /** Azure's own error code (`BlobNotFound`), from the body or the `x-ms-error-code` header. */
  errorCode?: string;
  /** The error's `code`: Azure's code, or a Node/SDK code such as `ECONNRESET`. */
  code?: string;
  name?: string;
  message: string;
}

function isTransientStatus(status: number | undefined): boolean {
  return status === 408 || status === 429 || (status !== undefined && status >= 500);
}

function readAzureError(error: unknown): AzureErrorDetails {
  const source = (typeof error === "object" && error !== null ? error : {}) as {
    statusCode?: unknown;
    code?: unknown;
    name?: unknown;
    message?: unknown;
    details?: { errorCode?: unknown };
  };
  const details: AzureErrorDetails = {
    message: typeof source.message === "string" ? source.message : String(error),
  };
  if (typeof source.statusCode === "number") {
    details.status = source.statusCode;
  }
  if (typeof source.code === "string") {
    details.code = source.code;
  }
  if (typeof source.name === "string") {
    details.name = source.name;
  }
  // HEAD answers have no body: the SDK finds the code in `x-ms-error-code` and keeps it in `details`.
  const errorCode =
    source.details?.errorCode ?? (details.status === undefined ? undefined : source.code);
  if (typeof errorCode === "string") {
    details.errorCode = errorCode;
  }
  return details;
}

function firstLine(message: string): string {
  // Azure appends "RequestId:…" and "Time:…" lines that tell a user nothing.
  return message.split("\n")[0]?.trim() ?? "";
}
