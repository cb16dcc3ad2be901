import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { addAbortSignal, pipeline, Readable } from "node:stream";
import { pipeline as pipelineAsync } from "node:stream/promises";
import { CRC32C, type File, type FileMetadata } from "@google-cloud/storage";
import { type RetryOptions, retry, sleep } from "@spotkit/runtime";
import { forEachConcurrently } from "./for-each-concurrently.js";
import { createGcsClient, type GcsClient } from "./gcs-client.js";
import { isMissingBucketError, isRetryableGcsFailure, toGcsStorageError } from "./gcs-errors.js";
import { mergeListEntries } from "./merge-list-entries.js";
import {
  joinObjectKey,
  normalizeStorePrefix,
  relativeObjectKey,
  validateListPrefix,
  validateObjectKey,
} from "./object-key.js";
import type {
  GetOptions,
  ListOptions,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  PutResult,
} from "./object-store.js";
import { readBlocks, toBuffer } from "./read-blocks.js";
import { createResumableDownload } from "./resumable-download.js";
import { StorageError } from "./storage-error.js";
import { createDigestCheck, type ExpectedDigest, md5HexHasher } from "./verify-digest-stream.js";

/**
 * Settings of {@link createGcsStore}.
 *
 * Credentials, the first one set winning: `token`, `credentials`, `keyFilename`, then application
 * default credentials (workload identity, the metadata server, `gcloud auth application-default`).
 */
export interface GcsStoreConfig {
  /** The bucket; it must exist. */
  bucket: string;
  /** A folder inside the bucket that every key is relative to. */
  prefix?: string;
  /** The project, for requests that need one. @default the key's `project_id`, then env `GOOGLE_CLOUD_PROJECT` */
  projectId?: string;
  /**
   * A service-account key as JSON text (drone-gcs's `token` / `json_key` settings).
   * @default env `GOOGLE_CREDENTIALS`
   */
  credentials?: string;
  /** Path of a service-account key file. @default env `GOOGLE_APPLICATION_CREDENTIALS` */
  keyFilename?: string;
  /**
   * The JSON API endpoint, for private endpoints and test servers (`http://127.0.0.1:4443`).
   * @default "https://storage.googleapis.com"
   */
  apiEndpoint?: string;
  /** An OAuth 2.0 access token, sent as `Authorization: Bearer …` and never refreshed. */
  token?: string;
  /**
   * Not supported: the client cannot turn off certificate checks for one store only, so `true`
   * throws `E_STORAGE_REQUEST`. Add the endpoint's CA to `NODE_EXTRA_CA_CERTS` instead.
   * @default false
   */
  skipVerify?: boolean;
  /** Environment variables to read fallbacks from; the store never reads `process.env` itself. @default {} */
  env?: Record<string, string | undefined>;
  /**
   * How calls retry 408, 429, 5xx and dropped connections. The SDK retries every request itself
   * (`attempts` tries, delays growing from about one second to `maxDelay`); `minDelay` applies to
   * the store's own retries (small uploads, resumed downloads).
   * @default { attempts: 5, minDelay: 800, maxDelay: 30000 }
   */
  retry?: Pick<RetryOptions, "attempts" | "minDelay" | "maxDelay">;
  /** Objects per listing page (at most 1000). Meant for tests. @default 1000 */
  pageSize?: number;
  /** Objects deleted at once; the JSON API has no batch delete in this client. @default 16 */
  deleteConcurrency?: number;
}

/** Default bytes per resumable chunk. */
const defaultPartSize = 8 * 1024 * 1024;

/** Resumable chunks must be multiples of this. */
const chunkGranularity = 256 * 1024;

/**
 * An {@link ObjectStore} over Google Cloud Storage, with @google-cloud/storage.
 *
 * - `put`: up to `partSize` bytes in one multipart request; above it (or when the size is unknown
 *   and the body turns out larger) a resumable upload in chunks of `partSize` rounded up to a
 *   multiple of 256 KiB. GCS takes the chunks of one upload one after the other, so `concurrency`
 *   does not apply. The object appears only when the last chunk arrives; an aborted or failed
 *   upload cancels its session (DELETE on the session URL), so nothing is left open.
 * - A given `md5` is sent as the object's `md5Hash`, which GCS checks before storing; the SDK
 *   checks the CRC32C of every upload as well.
 * - `get` reads the object's metadata first (size, generation, hashes), downloads that generation,
 *   resumes a dropped download where it stopped, and checks a whole download against the stored
 *   MD5 (or CRC32C for composite objects).
 * - `delete`: one request per key, `deleteConcurrency` at a time (the client has no batch).
 * - The SDK has no AbortSignal: on abort the store destroys its streams, cancels the upload
 *   session and rejects at once; a JSON API request already sent is left to finish.
 *
 * @throws {StorageError} `E_STORAGE_AUTH` when `credentials` is not JSON.
 */
export function createGcsStore(config: GcsStoreConfig): ObjectStore {
  const client = createGcsClient(config);
  const { storage } = client;
  const bucket = storage.bucket(config.bucket);
  const storePrefix = normalizeStorePrefix(config.prefix);
  const attempts = config.retry?.attempts ?? 5;
  const minDelay = config.retry?.minDelay ?? 800;
  const maxDelay = config.retry?.maxDelay ?? 30_000;
  const deleteConcurrency = config.deleteConcurrency ?? 16;

  const fail = (error: unknown, operation: string, signal?: AbortSignal): never => {
    if (signal?.aborted) {
      throw signal.reason;
    }
    throw toGcsStorageError(error, {
      operation,
      bucket: config.bucket,
      credentialHint: client.credentialHint,
      secrets: client.secrets,
    });
  };

  /**
   * Runs one SDK call (which retries by itself) and rejects as soon as `signal` aborts; failures
   * become StorageErrors.
   */
  const call = async <T>(
    operation: string,
    signal: AbortSignal | undefined,
    action: () => Promise<T>,
  ): Promise<T> => {
    try {
      // One attempt: the SDK retries; `retry` contributes the prompt rejection on abort.
      return await retry(action, { attempts: 1, ...(signal ? { signal } : {}) });
    } catch (error) {
      return fail(error, operation, signal);
    }
  };

  const objectName = (key: string) => joinObjectKey(storePrefix, validateObjectKey(key));

  return {
    url: `gs://${config.bucket}${storePrefix ? `/${storePrefix}` : ""}`,

    // GCS computes md5Hash for every object that is not a composite.
    reportsMd5: () => true,

    async check(options = {}) {
      // Listing one object needs only storage.objects.list, which a sync needs anyway; reading the
      // bucket's metadata would need storage.buckets.get as well.
      await call("list objects", options.signal, () =>
        bucket.getFiles({
          autoPaginate: false,
          maxResults: 1,
          ...(storePrefix ? { prefix: `${storePrefix}/` } : {}),
        }),
      );
    },

    async *list(options: ListOptions = {}) {
      const { signal, delimiter } = options;
      const prefix = joinObjectKey(storePrefix, validateListPrefix(options.prefix ?? ""));
      let pageToken: string | undefined;
      do {
        const [files, nextQuery, response] = await call("list objects", signal, () =>
          bucket.getFiles({
            autoPaginate: false,
            ...(prefix ? { prefix } : {}),
            ...(delimiter ? { delimiter } : {}),
            ...(config.pageSize ? { maxResults: config.pageSize } : {}),
            ...(pageToken ? { pageToken } : {}),
          }),
        );
        const prefixes = (response as { prefixes?: string[] } | undefined)?.prefixes ?? [];
        yield* mergeListEntries(
          files.flatMap((file) => {
            const key = relativeObjectKey(storePrefix, file.name);
            return key === undefined
              ? []
              : [{ type: "object" as const, ...toObjectInfo(key, file.metadata) }];
          }),
          prefixes.flatMap((entry) => {
            const relative = relativeObjectKey(storePrefix, entry);
            return relative === undefined ? [] : [{ type: "prefix" as const, prefix: relative }];
          }),
        );
        pageToken = (nextQuery as { pageToken?: string } | null | undefined)?.pageToken;
      } while (pageToken);
    },

    async head(key, options = {}) {
      const { signal } = options;
      const file = bucket.file(objectName(key));
      const metadata = await call(`read the metadata of "${key}"`, signal, async () => {
        try {
          return (await file.getMetadata())[0];
        } catch (error) {
          if ((error as { code?: unknown }).code === 404 && !isMissingBucketError(error)) {
            return undefined;
          }
          throw error;
        }
      });
      return metadata === undefined ? undefined : toObjectInfo(key, metadata);
    },

    async put(key, body, options: PutOptions = {}) {
      const name = objectName(key);
      const { signal } = options;
      const operation = `upload "${key}"`;
      const partSize = options.partSize ?? defaultPartSize;
      if (!Number.isInteger(partSize) || partSize < 1) {
        throw new StorageError(
          "E_STORAGE_REQUEST",
          `The part size must be a whole number of bytes, got ${partSize}.`,
        );
      }
      signal?.throwIfAborted();
      const writeOptions = {
        metadata: withoutUndefined({
          contentType: options.contentType,
          contentEncoding: options.contentEncoding,
          cacheControl: options.cacheControl,
          contentDisposition: options.contentDisposition,
          metadata: lowerCaseKeys(options.metadata),
          storageClass: options.storageClass?.toUpperCase(),
          // GCS compares the stored bytes with this before the object becomes visible.
          md5Hash: options.md5 ? Buffer.from(options.md5, "hex").toString("base64") : undefined,
        }),
        ...(options.acl ? { predefinedAcl: toPredefinedAcl(options.acl) } : {}),
        ...(options.ifNotExists ? { preconditionOpts: { ifGenerationMatch: 0 } } : {}),
        validation: "crc32c" as const,
        // The bytes are stored as given: never gzip them on the way.
        gzip: false,
      };

      const uploadWhole = async (content: Buffer): Promise<PutResult> => {
        let file: File;
        try {
          file = await prepareFile(name);
          await retry(
            () =>
              new Promise<void>((resolve, reject) => {
                const writable = file.createWriteStream({ ...writeOptions, resumable: false });
                writable.once("error", reject).once("finish", resolve);
                writable.end(content);
              }),
            {
              attempts,
              minDelay,
              maxDelay,
              ...(signal ? { signal } : {}),
              shouldRetry: isRetryableGcsFailure,
            },
          );
        } catch (error) {
          return fail(error, operation, signal);
        }
        options.onProgress?.(content.length);
        return putResult(file.metadata);
      };

      if (typeof body === "string" || body instanceof Uint8Array) {
        const content = typeof body === "string" ? Buffer.from(body, "utf8") : toBuffer(body);
        if (content.length <= partSize) {
          return uploadWhole(content);
        }
        return uploadResumable(Readable.from([content]));
      }
      if (signal) {
        // Destroys the source on abort, so that a read waiting on it stops too.
        addAbortSignal(signal, body);
      }
      if (options.size !== undefined && options.size > partSize) {
        return uploadResumable(body);
      }
      // Unknown or small size: read one part to see whether a single request will do.
      const blocks = readBlocks(body, partSize);
      let first: IteratorResult<Buffer>;
      let second: IteratorResult<Buffer> | undefined;
      try {
        first = await blocks.next();
        second = first.done ? undefined : await blocks.next();
      } catch (error) {
        return fail(error, operation, signal);
      }
      if (first.done || !second || second.done) {
        return uploadWhole(first.done ? Buffer.alloc(0) : first.value);
      }
      return uploadResumable(Readable.from(prepend([first.value, second.value], blocks)));

      async function uploadResumable(source: Readable): Promise<PutResult> {
        let file: File;
        try {
          file = await prepareFile(name);
        } catch (error) {
          source.destroy();
          return fail(error, operation, signal);
        }
        const writable = file.createWriteStream({
          ...writeOptions,
          resumable: true,
          chunkSize: Math.ceil(partSize / chunkGranularity) * chunkGranularity,
        });
        let sessionUri: string | undefined;
        writable.on("uri", (uri: string) => {
          sessionUri = uri;
        });
        writable.on("progress", (event: { bytesWritten?: number }) => {
          if (typeof event.bytesWritten === "number") {
            options.onProgress?.(event.bytesWritten);
          }
        });
        try {
          await pipelineAsync(source, writable, ...(signal ? [{ signal }] : []));
        } catch (error) {
          if (sessionUri) {
            // A session left open would linger for a week; cancelling it frees it at once.
            await cancelSession(sessionUri);
          }
          return fail(error, operation, signal);
        }
        return putResult(file.metadata);
      }
    },

    async get(key, options: GetOptions = {}) {
      const name = objectName(key);
      const { signal, range } = options;
      const operation = `download "${key}"`;
      const metadata = await call(
        operation,
        signal,
        async () => (await bucket.file(name).getMetadata())[0],
      );
      const info = toObjectInfo(key, metadata);
      // Every request of this download reads the same generation, even if the object is replaced.
      const file = bucket.file(
        name,
        metadata.generation === undefined ? {} : { generation: Number(metadata.generation) },
      );
      const start = range?.start ?? 0;
      if (start > 0 && start >= info.size) {
        throw new StorageError(
          "E_STORAGE_REQUEST",
          `Cannot read "${key}" from byte ${start}: the object has ${info.size} bytes.`,
        );
      }
      const end = Math.min(range?.end ?? info.size - 1, info.size - 1);
      const length = Math.max(0, end - start + 1);
      const open = (from: number): Readable => {
        if (from > end) {
          return Readable.from([]);
        }
        const stream = file.createReadStream({
          start: from,
          end,
          // Hashes are checked below over the whole content, resumed parts included.
          validation: false,
          decompress: false,
        });
        if (signal) {
          addAbortSignal(signal, stream);
        }
        return stream;
      };
      const download = createResumableDownload({
        first: open(start),
        length,
        maxResumes: attempts,
        ...(signal ? { signal } : {}),
        reopen: async (received) => {
          await sleep(minDelay, signal);
          return open(start + received);
        },
        mapError: (error) =>
          toGcsStorageError(error, {
            operation,
            bucket: config.bucket,
            credentialHint: client.credentialHint,
            secrets: client.secrets,
          }),
      });
      const digests = range === undefined ? expectedDigests(info) : [];
      if (digests.length === 0) {
        return { body: download, info };
      }
      const check = createDigestCheck(
        digests,
        (digest, actual) =>
          new StorageError(
            "E_STORAGE_INTEGRITY",
            `The content downloaded for "${key}" has ${digest.algorithm} ${actual}, not the ${digest.expected} GCS stores for it. Run again; if it keeps failing, the object is corrupt.`,
          ),
      );
      pipeline(download, check, () => undefined);
      return { body: check, info };
    },

    async delete(keys, options = {}) {
      const { signal } = options;
      const names = keys.map(objectName);
      try {
        await forEachConcurrently(
          names,
          deleteConcurrency,
          async (name) => {
            await retry(() => bucket.file(name).delete({ ignoreNotFound: true }), {
              attempts: 1,
              ...(signal ? { signal } : {}),
            });
          },
          signal,
        );
      } catch (error) {
        return fail(
          error,
          names.length === 1 ? `delete "${keys[0]}"` : `delete ${names.length} objects`,
          signal,
        );
      }
    },

    async copy(fromKey, toKey, options = {}) {
      const source = bucket.file(objectName(fromKey));
      const target = bucket.file(objectName(toKey));
      // `copy` uses the rewrite API and follows its rewrite tokens for large objects.
      await call(`copy "${fromKey}" to "${toKey}"`, options.signal, () => source.copy(target));
    },
  };

  /**
   * A File for one upload. On a custom endpoint with credentials the SDK leaves the requests of a
   * resumable upload unauthenticated, so they get the headers the JSON API calls carry.
   */
  async function prepareFile(name: string): Promise<File> {
    const file = bucket.file(name);
    if (client.authenticatesCustomEndpoint) {
      const headers = await authorizationHeaders(
        client,
        `${storage.apiEndpoint}/upload/storage/v1/b/${config.bucket}/o`,
      );
      file.interceptors.push({
        request: (request) => {
          request.headers = {
            ...(request.headers as Record<string, string> | undefined),
            ...headers,
          };
          return request as typeof request & { uri: string };
        },
      });
    }
    return file;
  }

  /** Cancels a resumable session (GCS answers 499); best effort, bounded in time. */
  async function cancelSession(uri: string): Promise<void> {
    try {
      const headers = await authorizationHeaders(client, uri);
      await sendDelete(uri, headers);
    } catch {
      // The session expires on its own after a week; the upload's own error matters more.
    }
  }
}

// --- internal ---

/** The authorization headers the SDK would send to `url` (none when it sends none). */
function authorizationHeaders(client: GcsClient, url: string): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    client.storage.makeAuthenticatedRequest(
      { method: "DELETE", uri: url },
      {
        onAuthenticated: (error, request) => {
          if (error) {
            reject(error);
            return;
          }
          const headers: Record<string, string> = {};
          const source = request?.headers as Headers | Record<string, string> | undefined;
          const entries =
            source instanceof Headers ? [...source.entries()] : Object.entries(source ?? {});
          for (const [header, value] of entries) {
            if (
              header.toLowerCase() === "authorization" ||
              header.toLowerCase().startsWith("x-goog-user-project")
            ) {
              headers[header.toLowerCase()] = String(value);
            }
          }
          resolve(headers);
        },
      },
    );
  });
}

function sendDelete(uri: string, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const url = new URL(uri);
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method: "DELETE",
        headers: { ...headers, "content-length": "0" },
        timeout: 10_000,
      },
      (response) => {
        response.resume();
        response.once("end", () => resolve());
      },
    );
    request.once("timeout", () => request.destroy(new Error("timed out")));
    request.once("error", reject);
    request.end();
  });
}

function withoutUndefined<T extends Record<string, unknown>>(values: T): T {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as T;
}

function lowerCaseKeys(
  metadata: Record<string, string> | undefined,
): Record<string, string> | undefined {
  if (metadata === undefined) {
    return undefined;
  }
  return Object.fromEntries(
    Object.entries(metadata).map(([name, value]) => [name.toLowerCase(), value]),
  );
}

function toObjectInfo(key: string, metadata: FileMetadata): ObjectInfo {
  const info: ObjectInfo = { key, size: Number(metadata.size ?? 0) };
  if (metadata.updated) {
    info.lastModified = new Date(metadata.updated);
  }
  if (metadata.etag) {
    info.etag = metadata.etag;
  }
  if (metadata.md5Hash) {
    info.md5 = Buffer.from(metadata.md5Hash, "base64").toString("hex");
  }
  if (metadata.crc32c) {
    info.crc32c = metadata.crc32c;
  }
  if (metadata.metadata) {
    info.metadata = Object.fromEntries(
      Object.entries(metadata.metadata)
        .filter(([, value]) => value !== null)
        .map(([name, value]) => [name.toLowerCase(), String(value)]),
    );
  }
  if (metadata.contentType) {
    info.contentType = metadata.contentType;
  }
  if (metadata.contentEncoding) {
    info.contentEncoding = metadata.contentEncoding;
  }
  if (metadata.cacheControl) {
    info.cacheControl = metadata.cacheControl;
  }
  return info;
}

function putResult(metadata: FileMetadata): PutResult {
  return withoutUndefined({
    etag: metadata.etag,
    versionId: metadata.generation === undefined ? undefined : String(metadata.generation),
  });
}

/** What a whole download is checked against: MD5 when GCS has one, else CRC32C (composite objects). */
function expectedDigests(info: ObjectInfo): ExpectedDigest[] {
  if (info.md5 !== undefined) {
    return [{ algorithm: "MD5", expected: info.md5, hasher: md5HexHasher() }];
  }
  if (info.crc32c !== undefined) {
    const crc32c = new CRC32C();
    return [
      {
        algorithm: "CRC32C",
        expected: info.crc32c,
        hasher: { update: (data) => crc32c.update(data), finish: () => crc32c.toString() },
      },
    ];
  }
  return [];
}

/** S3-style canned ACLs (`public-read`) and GCS names (`publicRead`) both become GCS names. */
function toPredefinedAcl(
  acl: string,
): NonNullable<Parameters<File["createWriteStream"]>[0]>["predefinedAcl"] {
  const camel = acl.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  return camel as NonNullable<Parameters<File["createWriteStream"]>[0]>["predefinedAcl"];
}

async function* prepend<T>(first: T[], rest: AsyncIterable<T>): AsyncGenerator<T> {
  yield* first;
  yield* rest;
}
