import { createHash, createHmac, createSecretKey, type KeyObject } from "node:crypto";

/** The credentials a request is signed with. */
export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string | undefined;
}

/** A request to sign with {@link createSigV4Signer}. */
export interface SignableRequest {
  method: string;
  /** `host[:port]` as sent in the `Host` header. */
  host: string;
  /** The path as sent, already URI-encoded (see {@link encodeUriPath}), starting with `/`. */
  path: string;
  /** The query parameters, not encoded (see {@link canonicalQuery}). */
  query?: Readonly<Record<string, string>>;
  /**
   * Headers to sign besides those the signer adds, names in lower case. `x-amz-*` headers must be
   * among them (S3 refuses unsigned ones).
   */
  headers: Record<string, string>;
  /** Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`. */
  payloadHash: string;
  credentials: SigningCredentials;
  /** When the request is signed (the server refuses a clock more than 15 minutes off). */
  date: Date;
}

/**
 * Signs requests with AWS Signature Version 4 (header form, no query string), as specified in
 * "Signature Version 4 signing process": canonical request, string to sign, and the HMAC chain
 * of the secret, date, region and service, whose result is kept for the day.
 *
 * @returns a function giving the headers to add: `authorization`, `x-amz-date`,
 * `x-amz-content-sha256` and, with a session token, `x-amz-security-token`.
 */
export function createSigV4Signer(
  region: string,
  service: string,
): (request: SignableRequest) => Record<string, string> {
  // A KeyObject, not the key's bytes: an HMAC of bytes makes a KeyObject of them on every call,
  // which costs more than the HMAC of a string to sign.
  let cached: { secret: string; day: string; key: KeyObject } | undefined;
  const signingKey = (secret: string, day: string): KeyObject => {
    if (cached?.secret !== secret || cached.day !== day) {
      const dateKey = hmac(`AWS4${secret}`, day);
      const regionKey = hmac(dateKey, region);
      const serviceKey = hmac(regionKey, service);
      cached = { secret, day, key: createSecretKey(hmac(serviceKey, "aws4_request")) };
    }
    return cached.key;
  };

  return (request) => {
    const amzDate = request.date.toISOString().replace(/[-:]|\.\d{3}/g, "");
    const day = amzDate.slice(0, 8);
    const added: Record<string, string> = {
      "x-amz-date": amzDate,
      "x-amz-content-sha256": request.payloadHash,
    };
    if (request.credentials.sessionToken) {
      added["x-amz-security-token"] = request.credentials.sessionToken;
    }
    const headers: Record<string, string> = { ...request.headers, ...added, host: request.host };
    const names = Object.keys(headers).sort();
    const canonicalHeaders = names
      .map((name) => `${name}:${(headers[name] as string).trim().replace(/\s+/g, " ")}\n`)
      .join("");
    const signedHeaders = names.join(";");
    const canonicalRequest = [
      request.method,
      request.path,
      canonicalQuery(request.query ?? {}),
      canonicalHeaders,
      signedHeaders,
      request.payloadHash,
    ].join("\n");
    const scope = `${day}/${region}/${service}/aws4_request`;
    const stringToSign = [
      "AWS4-HMAC-SHA256",
      amzDate,
      scope,
      createHash("sha256").update(canonicalRequest).digest("hex"),
    ].join("\n");
    const signature = createHmac("sha256", signingKey(request.credentials.secretAccessKey, day))
      .update(stringToSign)
      .digest("hex");
    added.authorization = `AWS4-HMAC-SHA256 Credential=${request.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return added;
  };
}

/**
 * The query string as SigV4 signs it, and as it must then be sent: names and values encoded per
 * RFC 3986 (`/` too), sorted by name.
 */
export function canonicalQuery(query: Readonly<Record<string, string>>): string {
  return Object.keys(query)
    .sort()
    .map((name) => `${encodeRfc3986(name)}=${encodeRfc3986(query[name] as string)}`)
    .join("&");
}

/**
 * Encodes a path for S3 as SigV4 wants it: each `/`-separated segment per RFC 3986 (everything
 * but `A-Z a-z 0-9 - . _ ~` as `%XX` of its UTF-8 bytes), the slashes kept.
 */
export function encodeUriPath(path: string): string {
  return path.split("/").map(encodeRfc3986).join("/");
}

/** Everything but `A-Z a-z 0-9 - . _ ~` as `%XX` of its UTF-8 bytes. */
function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}
