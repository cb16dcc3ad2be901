/** Node.js and HTTP-client error codes of a connection that failed, broke or timed out. */
const connectionCodes = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ERR_STREAM_PREMATURE_CLOSE",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "REQUEST_SEND_ERROR",
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

/** Messages of a connection that broke, for clients that do not set a code. */
const connectionMessages =
  /socket hang up|premature close|network (socket|error)|other side closed/i;

/**
 * What kind of network failure `error` is, looking through its `cause` chain (HTTP clients wrap
 * the socket error): `connection` (refused, reset, timed out, dropped), `tls` (the certificate is
 * not trusted) or undefined.
 */
export function networkFailureKind(error: unknown): "connection" | "tls" | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === "string" && tlsCodes.has(code)) {
      return "tls";
    }
    if (typeof code === "string" && connectionCodes.has(code)) {
      return "connection";
    }
    if (typeof message === "string" && connectionMessages.test(message)) {
      return "connection";
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
