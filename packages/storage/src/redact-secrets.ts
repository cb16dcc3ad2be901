/** What replaces a secret in a message. */
const mask = "***";

/**
 * Patterns of credentials that SDK messages can carry even when we do not know the value: URL query
 * strings (a SAS token or an `access_token` travels there), SAS signatures, bearer tokens,
 * connection-string keys and PEM private keys.
 */
const secretPatterns: readonly [RegExp, string][] = [
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#"'<>]*)\?[^\s#"'<>]*/gi, `$1?${mask}`],
  [/\b(sig|signature|access_token|token|key)=[^&\s"'<>;]+/gi, `$1=${mask}`],
  [/\b(Bearer|SharedKey|SharedKeyLite)\s+[^\s"'<>,]+/gi, `$1 ${mask}`],
  [/\b(AccountKey|SharedAccessSignature)=[^;\s"'<>]+/gi, `$1=${mask}`],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, mask],
];

/**
 * Removes credentials from a text meant for people: every known secret value (also URL-encoded),
 * then anything that looks like one (query strings, signatures, bearer tokens, keys).
 *
 * @param secrets Values that must never appear; empty and very short values are ignored because
 * masking them would mangle ordinary words.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 6) {
      continue;
    }
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      result = result.split(form).join(mask);
    }
  }
  for (const [pattern, replacement] of secretPatterns) {
    result = result.replace(pattern, replacement);
  }
  return result;
}

/**
 * A stand-in for an SDK error, safe to keep as a `cause`: SDK errors hold the request (URL with a
 * SAS, `Authorization` headers) and the response, which a logger printing causes would show. It
 * keeps the name, the redacted message and the status and code only.
 */
export function redactedCause(
  error: unknown,
  secrets: readonly (string | undefined)[] = [],
): Error | undefined {
  if (error === undefined || error === null) {
    return undefined;
  }
  const source = error as {
    name?: unknown;
    message?: unknown;
    code?: unknown;
    statusCode?: unknown;
  };
  const message = typeof source.message === "string" ? source.message : String(error);
  const cause = new Error(redactSecrets(message, secrets));
  if (typeof source.name === "string") {
    cause.name = source.name;
  }
  const extra: Record<string, unknown> = {};
  if (typeof source.code === "string" || typeof source.code === "number") {
    extra.code = source.code;
  }
  if (typeof source.statusCode === "number") {
    extra.statusCode = source.statusCode;
  }
  // The stack names the redacted message only; the SDK's own stack frames are not secret.
  return Object.assign(cause, extra);
}
