import { createHash, createHmac } from "node:crypto";
import { TestPeerError } from "./test-peer-error.js";

/** Where a test S3 server listens and the credentials it accepts; an `S3Peer` is one. */
export interface S3TestServer {
  /** `http://127.0.0.1:<port>`, addressed path-style. */
  endpoint: string;
  /** The region to sign for. */
  region: string;
  /** Access key of the server's user. */
  accessKeyId: string;
  /** Secret key of the server's user. */
  secretAccessKey: string;
}

/** A raw S3 answer: status, lower-case headers and the body as text. */
export interface S3TestResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Options of {@link S3TestClient.send}. */
export interface S3TestRequestOptions {
  /** Query parameters, unencoded; an empty value sends a bare name (`?uploads`). */
  query?: Record<string, string>;
  /**
   * The request body.
   * @default "" (no body)
   */
  body?: string;
  /** Extra headers; they are signed too. */
  headers?: Record<string, string>;
}

/** The client {@link createS3TestClient} returns. */
export interface S3TestClient {
  /** Sends one signed request; `path` is `/bucket/key` with the key as stored (not encoded). */
  send(method: string, path: string, options?: S3TestRequestOptions): Promise<S3TestResponse>;
  /** Creates a bucket; fails unless the server says it was created. */
  createBucket(bucket: string): Promise<void>;
  /** The headers of one object (HEAD), or undefined when there is none. */
  headObject(bucket: string, key: string): Promise<Record<string, string> | undefined>;
  /** The number of multipart uploads started and not completed or aborted in a bucket. */
  countMultipartUploads(bucket: string): Promise<number>;
}

/**
 * A minimal SigV4-signing S3 client for test setup and for checks that a plugin's own store does
 * not expose (creating buckets, reading `x-amz-website-redirect-location`, listing multipart
 * uploads). The plugins have no S3 SDK of their own (and this package has one only as a dev
 * dependency), while radosgw enforces signatures, so the requests are signed here by hand.
 *
 * Every request rejects with `E_PEER_CONFIG` unless `server.endpoint` is on 127.0.0.1.
 */
export function createS3TestClient(server: S3TestServer): S3TestClient {
  async function send(
    method: string,
    path: string,
    options: S3TestRequestOptions = {},
  ): Promise<S3TestResponse> {
    const url = new URL(server.endpoint);
    if (url.hostname !== "127.0.0.1") {
      throw new TestPeerError(
        "E_PEER_CONFIG",
        `The S3 test client only talks to 127.0.0.1, not ${url.hostname}: pass the endpoint of a local test peer.`,
      );
    }
    const body = options.body ?? "";
    const now = new Date();
    const amzDate = now
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
    const day = amzDate.slice(0, 8);
    const payloadHash = sha256(body);
    const headers: Record<string, string> = {
      host: url.host,
      "x-amz-content-sha256": payloadHash,
      "x-amz-date": amzDate,
      ...lowerCaseKeys(options.headers ?? {}),
    };
    const canonicalPath = path
      .split("/")
      .map((segment) => encodeRfc3986(segment))
      .join("/");
    const query = Object.entries(options.query ?? {})
      .map(([key, value]) => [encodeRfc3986(key), encodeRfc3986(value)] as const)
      .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    const canonicalQuery = query.map(([key, value]) => `${key}=${value}`).join("&");
    const signedNames = Object.keys(headers).sort();
    const canonicalHeaders = signedNames
      .map((name) => `${name}:${String(headers[name]).trim()}\n`)
      .join("");
    const canonicalRequest = [
      method,
      canonicalPath,
      canonicalQuery,
      canonicalHeaders,
      signedNames.join(";"),
      payloadHash,
    ].join("\n");
    const scope = `${day}/${server.region}/s3/aws4_request`;
    const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256(canonicalRequest)].join("\n");
    let key: Buffer = hmac(`AWS4${server.secretAccessKey}`, day);
    for (const part of [server.region, "s3", "aws4_request"]) key = hmac(key, part);
    const signature = createHmac("sha256", key).update(stringToSign).digest("hex");
    const { host: _host, ...sentHeaders } = headers;
    const response = await fetch(
      `${url.origin}${canonicalPath}${canonicalQuery === "" ? "" : `?${canonicalQuery}`}`,
      {
        method,
        headers: {
          ...sentHeaders,
          authorization: `AWS4-HMAC-SHA256 Credential=${server.accessKeyId}/${scope}, SignedHeaders=${signedNames.join(";")}, Signature=${signature}`,
        },
        ...(body === "" ? {} : { body }),
        signal: AbortSignal.timeout(30_000),
      },
    );
    const text = await response.text();
    return {
      status: response.status,
      headers: Object.fromEntries([...response.headers].map(([name, value]) => [name, value])),
      body: text,
    };
  }

  return {
    send,
    async createBucket(bucket: string): Promise<void> {
      const response = await send("PUT", `/${bucket}`);
      if (response.status !== 200) {
        throw new Error(`creating ${bucket} failed: HTTP ${response.status} ${response.body}`);
      }
    },
    async headObject(bucket: string, key: string): Promise<Record<string, string> | undefined> {
      const response = await send("HEAD", `/${bucket}/${key}`);
      if (response.status === 404) return undefined;
      if (response.status !== 200) throw new Error(`HEAD ${key}: HTTP ${response.status}`);
      return response.headers;
    },
    async countMultipartUploads(bucket: string): Promise<number> {
      const response = await send("GET", `/${bucket}`, { query: { uploads: "" } });
      if (response.status !== 200) throw new Error(`ListMultipartUploads: HTTP ${response.status}`);
      return response.body.match(/<Upload>/g)?.length ?? 0;
    },
  };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function hmac(key: string | Buffer, text: string): Buffer {
  return createHmac("sha256", key).update(text).digest();
}

function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]),
  );
}
