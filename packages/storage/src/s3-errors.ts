import { StorageError, type StorageErrorCode } from "./storage-error.js";

/** Where an S3 call went, for error messages. Holds no credentials. */
export interface S3ErrorContext {
  /** The S3 operation, as in the API (`PutObject`, `HeadBucket`…). */
  operation: string;
  bucket: string;
  /** The full object key (store prefix included), when the call was about one object. */
  key?: string;
  /** The endpoint, without user info (see {@link describeS3Endpoint}). */
  endpoint: string;
  /** Secret values that must never appear in a message (SDK messages are filtered through this). */
  secrets?: readonly (string | undefined)[];
  /** The message of `E_STORAGE_PRECONDITION` for this call (what failed, what to do). */
  preconditionMessage?: string;
}

/** Error names that mean the credentials are missing, wrong or expired. */
const authCodes = new Set([
  "SignatureDoesNotMatch",
  "InvalidAccessKeyId",
  "InvalidToken",
  "ExpiredToken",
  "TokenRefreshRequired",
  "AuthorizationHeaderMalformed",
  "InvalidSecurity",
  "MissingSecurityHeader",
  "CredentialsProviderError",
  "RequestTimeTooSkewed",
]);

/** Error names that mean the data did not match its checksum. */
const integrityCodes = new Set([
  "BadDigest",
  "InvalidDigest",
  "XAmzContentSHA256Mismatch",
  "InvalidChecksum",
]);

/** Error names S3 and S3-compatible servers use for throttling or a temporary failure. */
const unavailableCodes = new Set([
  "SlowDown",
  "ServiceUnavailable",
  "InternalError",
  "RequestTimeout",
  "RequestTimeoutException",
  "TimeoutError",
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "BandwidthLimitExceeded",
]);

/** Node.js socket error codes of a dropped or refused connection. */
const connectionCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_SOCKET",
]);

/** Node.js TLS verification error codes: the server's certificate is not trusted. */
const tlsCodes = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * The endpoint as it may appear in messages and logs: user info (`https://key:secret@host`) is
 * dropped, and an unset endpoint reads as AWS.
 */
export function describeS3Endpoint(endpoint: string | undefined, region: string): string {
  if (endpoint === undefined) {
    return `AWS S3 (${region})`;
  }
  try {
    const url = new URL(endpoint);
    url.username = "";
    url.password = "";
    return url.toString().replace(/\/$/, "");
  } catch {
    return "the configured endpoint (not a valid URL)";
  }
}

/**
 * Whether a failed S3 call is worth trying again: throttling, 5xx, timeouts and dropped or refused
 * connections. Used around the calls the SDK does not retry itself (a body that broke mid-stream,
 * a whole upload of a buffer).
 */
export function isRetryableS3Error(error: unknown): boolean {
  if (StorageError.isInstance(error)) {
    return error.code === "E_STORAGE_UNAVAILABLE";
  }
  const details = readErrorDetails(error);
  if (details.name === "AbortError") {
    return false;
  }
  return (
    (details.status !== undefined && (details.status >= 500 || details.status === 429)) ||
    unavailableCodes.has(details.name) ||
    isConnectionError(error)
  );
}

/**
 * Turns anything an S3 call threw into a {@link StorageError} whose message says what to change.
 * Every S3 error is mapped here and only here. Messages name the bucket, key and endpoint, never a
 * credential; the cause kept is a plain copy of the SDK error (name, code, status, request id),
 * because SDK errors carry the raw response.
 */
export function toS3StorageError(error: unknown, context: S3ErrorContext): StorageError {
  if (StorageError.isInstance(error)) {
    return error as StorageError;
  }
  const details = readErrorDetails(error);
  const target =
    context.key === undefined ? `s3://${context.bucket}` : `s3://${context.bucket}/${context.key}`;
  const summary = summarize(details, context.secrets);
  const where = `at ${context.endpoint}`;
  const make = (code: StorageErrorCode, message: string) =>
    new StorageError(code, message, {
      cause: plainCause(error, details, context.secrets),
      ...(details.status === undefined ? {} : { status: details.status }),
    });

  if (
    details.name === "NoSuchBucket" ||
    (context.operation === "HeadBucket" && details.status === 404)
  ) {
    return make(
      "E_STORAGE_BUCKET_NOT_FOUND",
      `The bucket "${context.bucket}" does not exist ${where}: create it or fix \`bucket\`.`,
    );
  }
  if (details.name === "PermanentRedirect" || details.status === 301) {
    const region =
      details.bucketRegion === undefined ? "another region" : `region ${details.bucketRegion}`;
    return make(
      "E_STORAGE_REQUEST",
      `The bucket "${context.bucket}" lives in ${region}, not the one configured: set \`region\` to the bucket's region.`,
    );
  }
  if (authCodes.has(details.name) || details.status === 401) {
    return make(
      "E_STORAGE_AUTH",
      `S3 rejected the credentials for ${target} ${where} (${summary}): check access_key/secret_key ` +
        "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY), session_token, profile or role, and the machine's clock.",
    );
  }
  if (details.name === "AccessDenied" || details.status === 403) {
    return make(
      "E_STORAGE_AUTH",
      `S3 denied ${context.operation} on ${target} ${where} (${summary}): check access_key/secret_key ` +
        "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) and that their policy allows this operation on the bucket.",
    );
  }
  if (details.name === "NoSuchKey" || details.name === "NotFound" || details.status === 404) {
    return make("E_STORAGE_NOT_FOUND", `There is no object at ${target} ${where}.`);
  }
  if (details.name === "PreconditionFailed" || details.status === 412) {
    return make(
      "E_STORAGE_PRECONDITION",
      context.preconditionMessage ??
        `A condition of ${context.operation} on ${target} failed (${summary}).`,
    );
  }
  if (integrityCodes.has(details.name)) {
    return make(
      "E_STORAGE_INTEGRITY",
      `S3 received different bytes for ${target} than their checksum says (${summary}): the data changed while it was sent; try again.`,
    );
  }
  if (tlsCodes.has(details.code ?? "")) {
    return make(
      "E_STORAGE_REQUEST",
      `The TLS certificate of ${context.endpoint} is not trusted (${details.code}): set \`ca_bundle\` ` +
        "(or AWS_CA_BUNDLE) to the PEM file of the CA that signed it.",
    );
  }
  if (isRetryableS3Error(error)) {
    const attempts = details.attempts === undefined ? "" : ` after ${details.attempts} attempts`;
    const hint =
      details.code === "ECONNREFUSED" || details.code === "ENOTFOUND"
        ? `check that \`endpoint\` is right and the server is running`
        : "the store is overloaded or down; try again later or raise `max_attempts`";
    return make(
      "E_STORAGE_UNAVAILABLE",
      `S3 ${context.operation} on ${target} failed${attempts} ${where} (${summary}): ${hint}.`,
    );
  }
  return make(
    "E_STORAGE_REQUEST",
    `S3 ${context.operation} on ${target} failed ${where} (${summary}).`,
  );
}

/** The error name S3 answered with (`NoSuchKey`, `SlowDown`…), or undefined. */
export function s3ErrorName(error: unknown): string | undefined {
  const name = readErrorDetails(error).name;
  return name === "" ? undefined : name;
}

/** The HTTP status an S3 error carries, or undefined. */
export function s3ErrorStatus(error: unknown): number | undefined {
  return readErrorDetails(error).status;
}

// --- internal ---

interface ErrorDetails {
  name: string;
  message: string;
  status?: number;
  code?: string;
  requestId?: string;
  attempts?: number;
  bucketRegion?: string;
}

function readErrorDetails(error: unknown): ErrorDetails {
  if (typeof error !== "object" || error === null) {
    return { name: "", message: String(error) };
  }
  const source = error as {
    name?: unknown;
    Code?: unknown;
    code?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
    $response?: { headers?: Record<string, string | undefined> };
    cause?: unknown;
  };
  const name =
    typeof source.Code === "string"
      ? source.Code
      : typeof source.name === "string"
        ? source.name
        : "";
  const details: ErrorDetails = {
    name,
    message: typeof source.message === "string" ? source.message : "",
  };
  if (typeof source.$metadata?.httpStatusCode === "number") {
    details.status = source.$metadata.httpStatusCode;
  }
  if (typeof source.$metadata?.requestId === "string") {
    details.requestId = source.$metadata.requestId;
  }
  if (typeof source.$metadata?.attempts === "number" && source.$metadata.attempts > 1) {
    details.attempts = source.$metadata.attempts;
  }
  const region = source.$response?.headers?.["x-amz-bucket-region"];
  if (typeof region === "string") {
    details.bucketRegion = region;
  }
  const code = findSystemCode(error);
  if (code !== undefined) {
    details.code = code;
  }
  return details;
}

/** The Node.js system error code (`ECONNRESET`) of an error or of one of its causes. */
function findSystemCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && code !== "") {
      return code;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isConnectionError(error: unknown): boolean {
  const code = findSystemCode(error);
  if (code !== undefined && connectionCodes.has(code)) {
    return true;
  }
  // Node raises these without a code when the server closes the socket mid-request or mid-body.
  const message = readErrorDetails(error).message;
  return message === "socket hang up" || message === "aborted" || message === "Premature close";
}

function summarize(details: ErrorDetails, secrets: readonly (string | undefined)[] = []): string {
  const parts: string[] = [];
  const label =
    details.name !== "" && details.name !== "Error" && details.name !== "Unknown"
      ? details.name
      : details.code;
  if (label !== undefined) {
    parts.push(label);
  }
  if (details.status !== undefined) {
    parts.push(`HTTP ${details.status}`);
  }
  // The SDK says "UnknownError" when the server sent no <Message> (radosgw never does).
  if (details.message !== "" && details.message !== "UnknownError" && details.message !== label) {
    parts.push(redact(details.message, secrets));
  }
  return parts.length === 0 ? "no details" : parts.join(", ");
}

function plainCause(
  error: unknown,
  details: ErrorDetails,
  secrets: readonly (string | undefined)[] = [],
): Error {
  const cause = new Error(redact(details.message || String(error), secrets));
  if (details.name !== "") {
    cause.name = details.name;
  }
  return Object.assign(cause, {
    ...(details.code === undefined ? {} : { code: details.code }),
    ...(details.status === undefined ? {} : { status: details.status }),
    ...(details.requestId === undefined ? {} : { requestId: details.requestId }),
  });
}

function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 4) {
      result = result.split(secret).join("***");
    }
  }
  return result;
}
