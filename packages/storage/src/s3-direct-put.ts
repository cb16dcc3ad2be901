import { createHash } from "node:crypto";
import { type Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { type Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { PutObjectCommandInput, S3Client } from "@aws-sdk/client-s3";
import { createSigV4Signer, encodeUriPath, type SigningCredentials } from "./sigv4.js";

/** What {@link createS3DirectPut} needs: the store's client, bucket and connections. */
export interface S3DirectPutSetup {
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
 * Creates the fast path of small uploads: a PutObject of a buffer signed here (SigV4) and sent on
 * the client's own connections, without the SDK's middleware stack, which costs about a
 * millisecond of CPU per request — for thousands of small files, more than the upload itself.
 *
 * The SDK still decides everything but the request: the endpoint and signing region come from its
 * endpoint rules (FIPS, dual-stack, path style, custom endpoints), once per store, and the
 * credentials from its provider chain. Only the common case is sent here; everything else is
 * left to the SDK (`use-sdk`): a bucket whose rules ask for another signature (S3 Express,
 * multi-region access points), a header outside the usual set, credentials that fail to resolve,
 * and any answer but 200 — the SDK then sends the request again and retries, reports or follows
 * the error as it always does. After an answer that is neither a success nor temporary (a 403,
 * a redirect), the store stops using this path altogether.
 */
export function createS3DirectPut(setup: S3DirectPutSetup): DirectPut {
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

  return async (params, body, signal) => {
    signal?.throwIfAborted();
    if (disabled) return { status: "use-sdk", reached: false };
    target ??= resolveTarget();
    const resolved = await target;
    const headers = resolved === undefined ? undefined : toHeaders(params, body.byteLength);
    if (resolved === undefined || headers === undefined || params.Key === undefined) {
      return { status: "use-sdk", reached: false };
    }
    let credentials: SigningCredentials;
    try {
      credentials = await config.credentials();
    } catch {
      return { status: "use-sdk", reached: false };
    }
    const path = `${resolved.basePath}${encodeUriPath(`/${params.Key}`)}`;
    const signed = resolved.sign({
      method: "PUT",
      host: resolved.url.host,
      path,
      headers: Object.fromEntries(
        Object.entries(headers).filter(
          ([name]) => name.startsWith("x-amz-") || signedHeaders.has(name),
        ),
      ),
      payloadHash: createHash("sha256").update(body).digest("hex"),
      credentials,
      date: new Date(Date.now() + (config.systemClockOffset ?? 0)),
    });
    const response = await send(setup, resolved.url, path, { ...headers, ...signed }, body, signal);
    if (response.kind === "failed") {
      signal?.throwIfAborted();
      return { status: "use-sdk", reached: response.reached };
    }
    if (response.status === 200) {
      const etag = response.headers.etag;
      const versionId = response.headers["x-amz-version-id"];
      return {
        status: "stored",
        ...(typeof etag === "string" ? { etag } : {}),
        ...(typeof versionId === "string" ? { versionId } : {}),
      };
    }
    // Temporary trouble is the SDK's to retry, and a condition is about this object alone;
    // anything else (a refused signature, a redirect) would fail the same way every time.
    const passing = response.status >= 500 || [409, 412, 429].includes(response.status);
    if (!passing) disabled = true;
    return { status: "use-sdk", reached: false };
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
  | { kind: "answered"; status: number; headers: IncomingMessage["headers"] }
  | { kind: "failed"; reached: boolean };

/** Sends the request and reads the answer; a connection that fails never throws. */
function send(
  setup: S3DirectPutSetup,
  url: URL,
  path: string,
  headers: Record<string, string>,
  body: Uint8Array,
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
        method: "PUT",
        path,
        headers,
        agent: https ? setup.httpsAgent : setup.httpAgent,
        ...(signal ? { signal } : {}),
      },
      (response) => {
        response.on("error", () => finish({ kind: "failed", reached: true }));
        // The body is an XML error at most: read it so that the connection can be reused.
        response.resume();
        response.on("end", () =>
          finish({
            kind: "answered",
            status: response.statusCode ?? 0,
            headers: response.headers,
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
    request.end(body, () => {
      sent = true;
    });
  });
}
