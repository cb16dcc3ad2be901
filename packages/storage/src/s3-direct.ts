import { createHash } from "node:crypto";
import { type Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { type Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { PutObjectCommandInput, S3Client } from "@aws-sdk/client-s3";
import { type ListPage, readListPage } from "./s3-list-page-xml.js";
import {
  canonicalQuery,
  createSigV4Signer,
  encodeUriPath,
  type SigningCredentials,
} from "./sigv4.js";

/** What {@link createS3Direct} needs: the store's client, bucket and connections. */
export interface S3DirectSetup {
  client: S3Client;
  bucket: string;
  /** The custom endpoint URL, or undefined for AWS. */
  endpoint: string | undefined;
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
  /** Milliseconds to wait for a connection. */
  connectionTimeout: number;
  /** Milliseconds a socket may stay idle. */
  socketTimeout: number;
}

/** How a direct PutObject went. */
export type DirectPutOutcome =
  /** The object is stored. */
  | { status: "stored"; etag?: string; versionId?: string }
  /**
   * Not stored by this request: send it through the SDK, which retries and reports errors.
   * `reached` is true when the request may have been processed and its answer lost (a dropped
   * connection), so that a conditional retry that fails with 412 is checked against the ETag.
   */
  | { status: "use-sdk"; reached: boolean };

/** Sends one PutObject of a buffer without the SDK's middleware, or says to use the SDK. */
export type DirectPut = (
  params: Omit<PutObjectCommandInput, "Body">,
  body: Uint8Array,
  signal: AbortSignal | undefined,
) => Promise<DirectPutOutcome>;

/** What one ListObjectsV2 page asks for. */
export interface ListPageRequest {
  prefix?: string | undefined;
  delimiter?: string | undefined;
  continuationToken?: string | undefined;
}

/** Reads one ListObjectsV2 page without the SDK, or gives undefined: then ask the SDK. */
export type DirectListPage = (
  request: ListPageRequest,
  signal: AbortSignal | undefined,
) => Promise<ListPage | undefined>;

/** The requests a store sends beside the SDK. */
export interface S3Direct {
  putObject: DirectPut;
  listPage: DirectListPage;
}

/** The `PutObjectCommandInput` fields a direct put knows how to send, and their headers. */
const headerOfParam: Readonly<Record<string, string>> = {
  ContentType: "content-type",
  ContentEncoding: "content-encoding",
  CacheControl: "cache-control",
  ContentDisposition: "content-disposition",
  ContentMD5: "content-md5",
  ACL: "x-amz-acl",
  StorageClass: "x-amz-storage-class",
  ServerSideEncryption: "x-amz-server-side-encryption",
  SSEKMSKeyId: "x-amz-server-side-encryption-aws-kms-key-id",
  WebsiteRedirectLocation: "x-amz-website-redirect-location",
  IfNoneMatch: "if-none-match",
};

/** Headers signed besides `host` and every `x-amz-*` one. */
const signedHeaders = new Set(["content-md5", "content-type"]);

/** A header value any server reads as the SDK would send it: printable ASCII. */
const plainValue = /^[\x20-\x7e]*$/;
/** A metadata name that is a valid header name once prefixed. */
const plainName = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** What the endpoint rules of the SDK resolve for the bucket, once per store. */
interface Target {
  url: URL;
  /** The bucket's path on the endpoint (`/bucket` in path style, empty otherwise). */
  basePath: string;
  sign: ReturnType<typeof createSigV4Signer>;
}

/** The parts of the SDK's resolved S3 configuration the endpoint rules read. */
interface EndpointConfig {
  region: () => Promise<string>;
  useFipsEndpoint: () => Promise<boolean>;
  useDualstackEndpoint: () => Promise<boolean>;
  forcePathStyle?: boolean;
  useAccelerateEndpoint?: boolean;
  disableMultiregionAccessPoints?: boolean;
  credentials: () => Promise<SigningCredentials>;
  systemClockOffset?: number;
  endpointProvider: (params: Record<string, unknown>) => {
    url: URL;
    properties?: {
      authSchemes?: { name?: string; signingName?: string; signingRegion?: string }[];
    };
  };
}

/**
 * Creates the fast path of the two requests a sync sends by the thousand: PutObject of a small
 * buffer, and ListObjectsV2. They are signed here (SigV4) and sent on the client's own
 * connections, without the SDK's middleware stack, which costs about a millisecond of CPU per
 * request (and its XML deserializer as much per listed key) — for thousands of small files, more
 * than the transfers themselves.
 *
 * The SDK still decides everything but the request: the endpoint and signing region come from its
 * endpoint rules (FIPS, dual-stack, path style, custom endpoints), once per store, and the
 * credentials and clock offset from its configuration. Only the common case is sent here;
 * everything else is left to the SDK (`use-sdk`, or undefined for a page): a bucket whose rules
 * ask for another signature (S3 Express, multi-region access points), a header outside the usual
 * set, credentials that fail to resolve, a listing it cannot read, and any answer but 200 — the
 * SDK then sends the request again and retries, reports or follows the error as it always does.
 * After an answer that is neither a success nor temporary (a 403, a redirect), the store stops
 * using this path altogether.
 */
export function createS3Direct(setup: S3DirectSetup): S3Direct {
  let target: Promise<Target | undefined> | undefined;
  let disabled = false;
  const config = setup.client.config as unknown as EndpointConfig;

  const resolveTarget = async (): Promise<Target | undefined> => {
    try {
      const region = await config.region();
      const resolved = config.endpointProvider({
        Bucket: setup.bucket,
        Region: region,
        UseFIPS: await config.useFipsEndpoint(),
        UseDualStack: await config.useDualstackEndpoint(),
        ForcePathStyle: config.forcePathStyle ?? false,
        Accelerate: config.useAccelerateEndpoint ?? false,
        DisableMultiRegionAccessPoints: config.disableMultiregionAccessPoints ?? false,
        ...(setup.endpoint === undefined ? {} : { Endpoint: setup.endpoint }),
      });
      const scheme = resolved.properties?.authSchemes?.[0];
      if (scheme !== undefined && scheme.name !== "sigv4") return undefined;
      const url = new URL(resolved.url.href);
      if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
      return {
        url,
        basePath: url.pathname.replace(/\/+$/, ""),
        sign: createSigV4Signer(scheme?.signingRegion ?? region, scheme?.signingName ?? "s3"),
      };
    } catch {
      return undefined;
    }
  };

  /** Signs and sends a request, or gives undefined when this path is off for the store. */
  const sendSigned = async (
    request: {
      method: "PUT" | "GET";
      path: string;
      query?: Record<string, string>;
      headers: Record<string, string>;
      body?: Uint8Array;
    },
    signal: AbortSignal | undefined,
  ): Promise<SendResult | undefined> => {
    signal?.throwIfAborted();
    if (disabled) return undefined;
    target ??= resolveTarget();
    const resolved = await target;
    if (resolved === undefined) return undefined;
    let credentials: SigningCredentials;
    try {
      credentials = await config.credentials();
    } catch {
      return undefined;
    }
    const joined = `${resolved.basePath}${request.path}`;
    const path = joined === "" ? "/" : joined;
    const signed = resolved.sign({
      method: request.method,
      host: resolved.url.host,
      path,
      ...(request.query === undefined ? {} : { query: request.query }),
      headers: Object.fromEntries(
        Object.entries(request.headers).filter(
          ([name]) => name.startsWith("x-amz-") || signedHeaders.has(name),
        ),
      ),
      payloadHash: createHash("sha256")
        .update(request.body ?? new Uint8Array(0))
        .digest("hex"),
      credentials,
      date: new Date(Date.now() + (config.systemClockOffset ?? 0)),
    });
    const query = request.query === undefined ? "" : `?${canonicalQuery(request.query)}`;
    const response = await send(
      setup,
      resolved.url,
      request.method,
      `${path}${query}`,
      { ...request.headers, ...signed },
      request.body,
      signal,
    );
    if (response.kind === "failed") {
      signal?.throwIfAborted();
      return response;
    }
    // Temporary trouble is the SDK's to retry, and a condition is about this object alone;
    // anything else (a refused signature, a redirect) would fail the same way every time.
    const passing =
      response.status === 200 ||
      response.status >= 500 ||
      [409, 412, 429].includes(response.status);
    if (!passing) disabled = true;
    return response;
  };

  return {
    async putObject(params, body, signal) {
      const headers = toHeaders(params, body.byteLength);
      if (headers === undefined || params.Key === undefined) {
        return { status: "use-sdk", reached: false };
      }
      const response = await sendSigned(
        { method: "PUT", path: encodeUriPath(`/${params.Key}`), headers, body },
        signal,
      );
      if (response === undefined) return { status: "use-sdk", reached: false };
      if (response.kind === "failed") return { status: "use-sdk", reached: response.reached };
      if (response.status !== 200) return { status: "use-sdk", reached: false };
      const etag = response.headers.etag;
      const versionId = response.headers["x-amz-version-id"];
      return {
        status: "stored",
        ...(typeof etag === "string" ? { etag } : {}),
        ...(typeof versionId === "string" ? { versionId } : {}),
      };
    },

    async listPage(request, signal) {
      const query: Record<string, string> = { "list-type": "2" };
      if (request.prefix) query.prefix = request.prefix;
      if (request.delimiter) query.delimiter = request.delimiter;
      if (request.continuationToken !== undefined) {
        query["continuation-token"] = request.continuationToken;
      }
      const response = await sendSigned({ method: "GET", path: "", query, headers: {} }, signal);
      if (response?.kind !== "answered" || response.status !== 200) return undefined;
      return readListPage(response.body);
    },
  };
}

// --- internal ---

/** The request headers of `params`, or undefined when one cannot be sent as the SDK would. */
function toHeaders(
  params: Omit<PutObjectCommandInput, "Body">,
  length: number,
): Record<string, string> | undefined {
  const headers: Record<string, string> = { "content-length": String(length) };
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || name === "Bucket" || name === "Key" || name === "ContentLength") {
      continue;
    }
    if (name === "Metadata") {
      for (const [key, text] of Object.entries(value as Record<string, string>)) {
        const lower = key.toLowerCase();
        if (!plainName.test(lower) || !plainValue.test(text)) return undefined;
        headers[`x-amz-meta-${lower}`] = text;
      }
      continue;
    }
    const header = headerOfParam[name];
    if (header === undefined || typeof value !== "string" || !plainValue.test(value)) {
      return undefined;
    }
    headers[header] = value;
  }
  return headers;
}

type SendResult =
  | { kind: "answered"; status: number; headers: IncomingMessage["headers"]; body: string }
  | { kind: "failed"; reached: boolean };

/** Sends the request and reads the answer; a connection that fails never throws. */
function send(
  setup: S3DirectSetup,
  url: URL,
  method: string,
  pathAndQuery: string,
  headers: Record<string, string>,
  body: Uint8Array | undefined,
  signal: AbortSignal | undefined,
): Promise<SendResult> {
  return new Promise((resolve) => {
    const https = url.protocol === "https:";
    let settled = false;
    let sent = false;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      resolve(result);
    };
    const request = (https ? httpsRequest : httpRequest)(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ""),
        port: url.port,
        method,
        path: pathAndQuery,
        headers,
        agent: https ? setup.httpsAgent : setup.httpAgent,
        ...(signal ? { signal } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", () => finish({ kind: "failed", reached: true }));
        response.on("end", () =>
          finish({
            kind: "answered",
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    const connectTimer = setTimeout(() => {
      if (!sent) request.destroy(new Error("connection timeout"));
    }, setup.connectionTimeout);
    request.on("socket", (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once("connect", () => clearTimeout(connectTimer));
    });
    request.setTimeout(setup.socketTimeout, () => request.destroy(new Error("socket timeout")));
    request.on("error", () => finish({ kind: "failed", reached: sent }));
    const onSent = () => {
      sent = true;
    };
    if (body === undefined) request.end(onSent);
    else request.end(body, onSent);
  });
}
