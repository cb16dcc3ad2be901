import { readFileSync } from "node:fs";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { getCACertificates } from "node:tls";
import { S3Client } from "@aws-sdk/client-s3";
import {
  type ResolvedS3Credentials,
  resolveS3Credentials,
  type S3CredentialSettings,
} from "./s3-credentials.js";
import { describeS3Endpoint } from "./s3-errors.js";
import { StorageError } from "./storage-error.js";

/** The settings {@link createS3Client} reads (a subset of `S3StoreConfig`). */
export interface S3ClientSettings extends S3CredentialSettings {
  /**
   * Credentials already resolved from these settings (see `resolveS3Credentials`), to share them
   * with another client, which then fetches none of its own; unset: resolved here.
   */
  resolvedCredentials?: ResolvedS3Credentials;
  region?: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  checksumMode?: "when_required" | "when_supported";
  caBundle?: string;
  skipVerify?: boolean;
  maxAttempts?: number;
  env?: Record<string, string | undefined>;
}

/** An S3 client and what the store needs to know about how it was made. */
export interface S3ClientSetup {
  client: S3Client;
  region: string;
  /** The endpoint URL, or undefined for AWS. */
  endpoint: string | undefined;
  /** The endpoint for messages, without credentials. */
  endpointLabel: string;
  /** Values that must never appear in a message. */
  secrets: string[];
  /** Tries per request, the first included, that the client was configured with. */
  maxAttempts: number;
  /** The keep-alive agents the client sends through, for requests sent beside it. */
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
  /** Milliseconds to wait for a connection. */
  connectionTimeout: number;
  /** Milliseconds a socket may stay idle. */
  socketTimeout: number;
}

/** Attempts per request (the first included) when neither the settings nor the env say. */
export const defaultS3MaxAttempts = 5;

/** Give up connecting after this long; the SDK retries the request. */
const connectionTimeout = 10_000;

/**
 * A socket idle this long is dropped and the request retried (a GET body is resumed). Long enough
 * for a slow reader of a GET body, short enough that a hung server does not stall a pipeline.
 */
const socketTimeout = 120_000;

/**
 * The SDK's logger: silent. Without one the SDK writes some notices to the console itself, such as
 * "An error was encountered in a non-retryable streaming request." after a streamed PutObject
 * failed — which the store does retry, on a fresh stream. The store reports through its errors.
 */
const silentSdkLogger = {
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};

/**
 * Creates the S3 client of a store: credentials (see `resolveS3Credentials`), region and endpoint
 * (the settings, else `AWS_REGION`/`AWS_DEFAULT_REGION` and `AWS_ENDPOINT_URL_S3`/`AWS_ENDPOINT_URL`
 * from `env`), path-style addressing (on by default for a custom endpoint), checksum mode, the
 * SDK's standard retry mode with `maxAttempts`, and keep-alive agents with bounded connect and idle
 * timeouts.
 *
 * TLS: the AWS SDK for JavaScript does not read `AWS_CA_BUNDLE` (other AWS SDKs and the CLI do).
 * This function does: `caBundle`, else `env.AWS_CA_BUNDLE`, is read once and trusted *in addition*
 * to Node's default CAs (including `NODE_EXTRA_CA_CERTS`), and only for an `https` endpoint or AWS;
 * an `http` endpoint ignores it, so a machine-wide bundle never breaks a plain-HTTP test server.
 *
 * @throws {StorageError} `E_STORAGE_REQUEST` when the endpoint is not an http(s) URL or the CA
 * bundle cannot be read; `E_STORAGE_AUTH` when the credential settings are incomplete.
 */
export function createS3Client(settings: S3ClientSettings): S3ClientSetup {
  const env = settings.env ?? {};
  const region = settings.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || "us-east-1";
  const endpoint =
    settings.endpoint || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const endpointLabel = describeS3Endpoint(endpoint, region);
  const protocol =
    endpoint === undefined ? "https:" : parseEndpointProtocol(endpoint, endpointLabel);
  const { credentials, secrets } =
    settings.resolvedCredentials ?? resolveS3Credentials(settings, { env, region });
  const checksumMode =
    settings.checksumMode ?? (endpoint === undefined ? "when_supported" : "when_required");
  const checksum = checksumMode === "when_required" ? "WHEN_REQUIRED" : "WHEN_SUPPORTED";
  const maxAttempts =
    settings.maxAttempts ?? readPositiveInteger(env.AWS_MAX_ATTEMPTS) ?? defaultS3MaxAttempts;

  const caBundle = settings.caBundle || env.AWS_CA_BUNDLE || undefined;
  const httpsAgent = new HttpsAgent({
    keepAlive: true,
    maxSockets: 64,
    ...(protocol === "https:" && caBundle !== undefined ? { ca: readCaBundle(caBundle) } : {}),
    ...(settings.skipVerify ? { rejectUnauthorized: false } : {}),
  });
  const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 });
  const client = new S3Client({
    region,
    ...(endpoint === undefined ? { followRegionRedirects: true } : { endpoint }),
    forcePathStyle: settings.forcePathStyle ?? endpoint !== undefined,
    credentials,
    requestChecksumCalculation: checksum,
    responseChecksumValidation: checksum,
    retryMode: "standard",
    maxAttempts,
    logger: silentSdkLogger,
    requestHandler: {
      httpAgent,
      httpsAgent,
      connectionTimeout,
      socketTimeout,
    },
  });
  return {
    client,
    region,
    endpoint,
    endpointLabel,
    secrets,
    maxAttempts,
    httpAgent,
    httpsAgent,
    connectionTimeout,
    socketTimeout,
  };
}

// --- internal ---

function parseEndpointProtocol(endpoint: string, label: string): string {
  let protocol: string;
  try {
    protocol = new URL(endpoint).protocol;
  } catch {
    throw new StorageError(
      "E_STORAGE_REQUEST",
      `The S3 endpoint is not a URL (${label}): set \`endpoint\` to http(s)://host:port.`,
    );
  }
  if (protocol !== "http:" && protocol !== "https:") {
    throw new StorageError(
      "E_STORAGE_REQUEST",
      `The S3 endpoint ${label} is not http or https: set \`endpoint\` to http(s)://host:port.`,
    );
  }
  return protocol;
}

function readCaBundle(path: string): string[] {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code ?? "unreadable";
    throw new StorageError(
      "E_STORAGE_REQUEST",
      `The CA bundle ${path} cannot be read (${code}): set \`ca_bundle\` (or AWS_CA_BUNDLE) to a PEM file.`,
      { cause: error },
    );
  }
  // Passing `ca` replaces Node's trust store; keep the defaults so public endpoints still verify.
  return [...getCACertificates("default"), pem];
}

function readPositiveInteger(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) {
    return undefined;
  }
  const number = Number(value);
  return number >= 1 ? number : undefined;
}
