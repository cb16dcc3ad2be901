import { createHash } from "node:crypto";
import { Agent as HttpsAgent } from "node:https";
import { addAbortSignal, pipeline, Readable } from "node:stream";
import {
  type BlobHTTPHeaders,
  type BlobItem,
  BlobServiceClient,
  type ContainerClient,
  newPipeline,
  type RequestPolicyFactory,
  StorageRetryPolicyType,
} from "@azure/storage-blob";
import { type RetryOptions, retry } from "@spotkit/runtime";
import { maxAzureBlocks, stageAzureBlocks } from "./azure-block-upload.js";
import { type AzureConnection, resolveAzureConnection } from "./azure-connection.js";
import {
  azureErrorCode,
  azureErrorStatus,
  isRetryableAzureFailure,
  toAzureStorageError,
} from "./azure-errors.js";
import { fromAzureMetadata, toAzureMetadata } from "./azure-metadata.js";
import { forEachConcurrently } from "./for-each-concurrently.js";
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
import { createDigestCheck, md5HexHasher } from "./verify-digest-stream.js";

/**
 * Settings of {@link createAzureBlobStore}.
 *
 * Credentials, the first one set winning: `connectionString` > `accountKey` (with `account`) >
 * `sasToken` > `clientId` + `tenantId` + `clientSecret` > `useAzureIdentity`. Each falls back to the
 * variable the Azure CLI reads, taken from `env`.
 */
export interface AzureBlobStoreConfig {
  /** The container; it must exist. */
  container: string;
  /** A folder inside the container that every key is relative to. */
  prefix?: string;
  /** The storage account. @default env `AZURE_STORAGE_ACCOUNT` */
  account?: string;
  /** An access key of the account (base64). @default env `AZURE_STORAGE_KEY`, then `AZURE_STORAGE_ACCOUNT_KEY` */
  accountKey?: string;
  /** A SAS token (account or container SAS), with or without the leading `?`. @default env `AZURE_STORAGE_SAS_TOKEN` */
  sasToken?: string;
  /** A connection string; carries its own endpoint. @default env `AZURE_STORAGE_CONNECTION_STRING` */
  connectionString?: string;
  /**
   * The Blob service URL, for sovereign clouds, private endpoints and azurite
   * (`http://127.0.0.1:10000/devstoreaccount1`).
   * @default env `AZURE_STORAGE_BLOB_ENDPOINT`, then `https://<account>.blob.core.windows.net`
   */
  endpoint?: string;
  /**
   * Sign in with Azure AD through `DefaultAzureCredential` from @azure/identity (environment,
   * workload identity, managed identity, Azure CLI). With `clientId` alone it picks that
   * user-assigned managed identity.
   * @default false
   */
  useAzureIdentity?: boolean;
  /** Azure AD application (client) ID of a service principal, used with `tenantId` and `clientSecret`. */
  clientId?: string;
  /** Azure AD tenant of the service principal. */
  tenantId?: string;
  /** Secret of the service principal. */
  clientSecret?: string;
  /** Accept any TLS certificate from an `https` endpoint. Only for test servers. @default false */
  skipVerify?: boolean;
  /** Environment variables to read fallbacks from; the store never reads `process.env` itself. @default {} */
  env?: Record<string, string | undefined>;
  /**
   * How every call retries 5xx, throttling and dropped connections: the SDK's retry policy
   * (exponential, `attempts` tries per request) retries 500, 503 and connection errors, and each
   * operation is retried as a whole (`attempts` tries) on 408, 429, 502 and 504.
   * @default { attempts: 5, minDelay: 800, maxDelay: 30000 }
   */
  retry?: Pick<RetryOptions, "attempts" | "minDelay" | "maxDelay">;
  /** Blobs per listing page (at most 5000). Meant for tests. @default 5000 */
  pageSize?: number;
  /** Blobs deleted at once when batches are not available. @default 16 */
  deleteConcurrency?: number;
}

/** Default bytes per block. */
const defaultPartSize = 8 * 1024 * 1024;

/** Azure's largest block. */
const maxBlockSize = 4000 * 1024 * 1024;

/** Sub-requests in one Blob Batch request (Azure's limit). */
const batchSize = 256;

/**
 * An {@link ObjectStore} over Azure Blob Storage (block blobs), with @azure/storage-blob.
 *
 * - `put`: one Put Blob up to `partSize` bytes, else blocks of `partSize` staged `concurrency` at a
 *   time and committed with one Put Block List. Every block carries its MD5, which Azure verifies,
 *   and the committed blob gets the MD5 of the whole content as its Content-MD5 (so `list` and
 *   `head` report `md5` for large blobs too). Nothing is visible before the commit: an aborted or
 *   failed upload leaves only uncommitted blocks, which Azure discards after a week.
 * - Metadata names: Azure wants C# identifiers, so `-` is written as `_` and read back as `-`
 *   (`spotkit-sha256` is stored as `spotkit_sha256`).
 * - `delete`: Blob Batch requests of up to 256 deletes. When the endpoint refuses the batch request
 *   itself (an emulator or gateway without batch support), the store deletes one blob per request,
 *   `deleteConcurrency` at a time, from then on.
 * - `copy`: an asynchronous Copy Blob within the account, polled until done.
 * - `get` resumes a download whose connection drops, asking for the rest of the same version
 *   (`If-Match` its ETag), and checks a whole download against the blob's Content-MD5.
 * - Retries: the SDK's policy (exponential, `retry.attempts` tries per request) retries 500, 503
 *   and connection errors; the store retries each call on 408, 429, 502 and 504 on top.
 *
 * @throws {StorageError} `E_STORAGE_AUTH` when no credential is set.
 */
export function createAzureBlobStore(config: AzureBlobStoreConfig): ObjectStore {
  const connection = resolveAzureConnection(config);
  const storePrefix = normalizeStorePrefix(config.prefix);
  const retrySettings = {
    attempts: config.retry?.attempts ?? 5,
    minDelay: config.retry?.minDelay ?? 800,
    maxDelay: config.retry?.maxDelay ?? 30_000,
  };
  const requestPipeline = newPipeline(connection.credential, {
    retryOptions: {
      retryPolicyType: StorageRetryPolicyType.EXPONENTIAL,
      maxTries: retrySettings.attempts,
      retryDelayInMs: retrySettings.minDelay,
      maxRetryDelayInMs: retrySettings.maxDelay,
    },
  });
  if (config.skipVerify) {
    requestPipeline.factories.push(insecureAgentPolicy());
  }
  const service = new BlobServiceClient(connection.serviceUrl, requestPipeline);
  const container = service.getContainerClient(config.container);
  const pageSize = config.pageSize;
  const deleteConcurrency = config.deleteConcurrency ?? 16;
  let batchSupported = true;

  const fail = (error: unknown, operation: string, signal?: AbortSignal): never => {
    // A cancelled call answers with the cancellation, whatever the SDK made of it.
    if (signal?.aborted) {
      throw signal.reason;
    }
    throw toAzureStorageError(error, errorContext(connection, config.container, operation));
  };

  /** Runs one SDK call with the store's own retries on top of the SDK's. */
  const withRetry = <T>(signal: AbortSignal | undefined, action: () => Promise<T>): Promise<T> =>
    retry(action, {
      ...retrySettings,
      ...(signal ? { signal } : {}),
      shouldRetry: isRetryableAzureFailure,
    });

  /** {@link withRetry}, with failures turned into StorageErrors. */
  const call = async <T>(
    operation: string,
    signal: AbortSignal | undefined,
    action: () => Promise<T>,
  ): Promise<T> => {
    try {
      return await withRetry(signal, action);
    } catch (error) {
      return fail(error, operation, signal);
    }
  };

  const blobName = (key: string) => joinObjectKey(storePrefix, validateObjectKey(key));

  return {
    url: describeUrl(container.url, storePrefix),

    // `put` hashes every body and commits its MD5 as the blob's Content-MD5, blocks or not.
    reportsMd5: () => true,

    async check(options = {}) {
      const { signal } = options;
      // A one-blob listing needs only the list permission a sync needs anyway; reading the
      // container's properties would need more from a container SAS.
      await call("list blobs", signal, () =>
        container
          .listBlobsFlat({
            ...(storePrefix ? { prefix: `${storePrefix}/` } : {}),
            ...(signal ? { abortSignal: signal } : {}),
          })
          .byPage({ maxPageSize: 1 })
          .next(),
      );
    },

    async *list(options: ListOptions = {}) {
      const { signal, delimiter, includeMetadata } = options;
      const prefix = joinObjectKey(storePrefix, validateListPrefix(options.prefix ?? ""));
      const listOptions = {
        ...(prefix ? { prefix } : {}),
        ...(includeMetadata ? { includeMetadata: true } : {}),
        ...(signal ? { abortSignal: signal } : {}),
      };
      let continuationToken: string | undefined;
      do {
        const pageOptions = {
          ...(continuationToken ? { continuationToken } : {}),
          ...(pageSize ? { maxPageSize: pageSize } : {}),
        };
        const page = await call("list blobs", signal, async () => {
          const result = delimiter
            ? await container
                .listBlobsByHierarchy(delimiter, listOptions)
                .byPage(pageOptions)
                .next()
            : await container.listBlobsFlat(listOptions).byPage(pageOptions).next();
          return result.done ? undefined : result.value;
        });
        if (!page) {
          return;
        }
        const blobs = page.segment.blobItems ?? [];
        // Only a hierarchical listing has prefixes; a flat page has no such field.
        const prefixes = (page.segment as { blobPrefixes?: { name: string }[] }).blobPrefixes ?? [];
        yield* mergeListEntries(
          blobs.flatMap((blob) => {
            const key = relativeObjectKey(storePrefix, blob.name);
            return key === undefined
              ? []
              : [{ type: "object" as const, ...toObjectInfo(key, blob) }];
          }),
          prefixes.flatMap((entry) => {
            const relative = relativeObjectKey(storePrefix, entry.name);
            return relative === undefined ? [] : [{ type: "prefix" as const, prefix: relative }];
          }),
        );
        continuationToken = page.continuationToken || undefined;
      } while (continuationToken);
    },

    async head(key, options = {}) {
      const { signal } = options;
      const client = container.getBlobClient(blobName(key));
      const properties = await call(`read the properties of "${key}"`, signal, async () => {
        try {
          return await client.getProperties(signal ? { abortSignal: signal } : {});
        } catch (error) {
          if (isMissingBlob(error)) {
            return undefined;
          }
          throw error;
        }
      });
      if (properties === undefined) {
        return undefined;
      }
      return {
        key,
        size: properties.contentLength ?? 0,
        ...optional({
          lastModified: properties.lastModified,
          etag: unquote(properties.etag),
          md5: toHex(properties.contentMD5),
          metadata: fromAzureMetadata(properties.metadata),
          contentType: properties.contentType,
          contentEncoding: properties.contentEncoding,
          cacheControl: properties.cacheControl,
        }),
      };
    },

    async put(key, body, options: PutOptions = {}) {
      const name = blobName(key);
      const { signal } = options;
      const client = container.getBlockBlobClient(name);
      const operation = `upload "${key}"`;
      const partSize = choosePartSize(options);
      const concurrency = Math.max(1, options.concurrency ?? 4);
      const headers: BlobHTTPHeaders = optional({
        blobContentType: options.contentType,
        blobContentEncoding: options.contentEncoding,
        blobCacheControl: options.cacheControl,
        blobContentDisposition: options.contentDisposition,
      });
      const common = {
        ...optional({
          metadata: toAzureMetadata(options.metadata),
          tier: toAccessTier(options.storageClass),
          abortSignal: signal,
        }),
        ...(options.ifNotExists ? { conditions: { ifNoneMatch: "*" } } : {}),
      };
      const checkCallerMd5 = (actual: Buffer) => {
        if (options.md5 !== undefined && actual.toString("hex") !== options.md5.toLowerCase()) {
          throw new StorageError(
            "E_STORAGE_INTEGRITY",
            `The content read for "${key}" has MD5 ${actual.toString("hex")}, not the ${options.md5} it was given with: the source changed while it was read. Nothing was stored; run again.`,
          );
        }
      };
      const uploadWhole = async (content: Buffer): Promise<PutResult> => {
        const md5 = createHash("md5").update(content).digest();
        checkCallerMd5(md5);
        const response = await call(operation, signal, () =>
          client.upload(content, content.length, {
            ...common,
            blobHTTPHeaders: { ...headers, blobContentMD5: md5 },
            // Azure compares this with what it received and refuses the upload when they differ.
            transactionalContentMD5: md5,
          }),
        );
        options.onProgress?.(content.length);
        return optional({ etag: unquote(response.etag), versionId: response.versionId });
      };

      signal?.throwIfAborted();
      if (typeof body === "string" || body instanceof Uint8Array) {
        const content = typeof body === "string" ? Buffer.from(body, "utf8") : toBuffer(body);
        if (content.length <= partSize) {
          return uploadWhole(content);
        }
      }
      const source =
        typeof body === "string" || body instanceof Uint8Array
          ? Readable.from([typeof body === "string" ? Buffer.from(body, "utf8") : toBuffer(body)])
          : body;
      if (signal) {
        // Destroys the source on abort, so that a read waiting on it stops too.
        addAbortSignal(signal, source);
      }
      try {
        const blocks = readBlocks(source, partSize);
        const first = await blocks.next();
        const second = first.done ? undefined : await blocks.next();
        if (first.done || !second || second.done) {
          // The whole content fitted in one block: one request, and Azure computes nothing twice.
          return await uploadWhole(first.done ? Buffer.alloc(0) : first.value);
        }
        if (options.ifNotExists && (await blobExists(client, signal))) {
          // The commit's condition would refuse it anyway; this spares uploading every block first.
          throw Object.assign(new Error("The specified blob already exists."), {
            statusCode: 409,
            details: { errorCode: "BlobAlreadyExists" },
          });
        }
        const staged = await stageAzureBlocks({
          blocks: prepend([first.value, second.value], blocks),
          concurrency,
          ...optional({ signal, onProgress: options.onProgress }),
          stageBlock: (blockId, block, md5) =>
            call(operation, signal, () =>
              client.stageBlock(blockId, block, block.length, {
                transactionalContentMD5: md5,
                ...optional({ abortSignal: signal }),
              }),
            ).then(() => undefined),
        });
        checkCallerMd5(staged.md5);
        const response = await call(operation, signal, () =>
          client.commitBlockList(staged.blockIds, {
            ...common,
            blobHTTPHeaders: { ...headers, blobContentMD5: staged.md5 },
          }),
        );
        return optional({ etag: unquote(response.etag), versionId: response.versionId });
      } catch (error) {
        if (!source.destroyed) {
          source.destroy();
        }
        return fail(error, operation, signal);
      }
    },

    async get(key, options: GetOptions = {}) {
      const name = blobName(key);
      const { signal, range } = options;
      const client = container.getBlobClient(name);
      const operation = `download "${key}"`;
      const offset = range?.start ?? 0;
      const count = range?.end === undefined ? undefined : range.end - offset + 1;
      const open = (start: number, length: number | undefined, etag?: string) =>
        call(operation, signal, async () => {
          const response = await client.download(start, length, {
            // The SDK's own resuming mistakes a dropped connection for a cancellation; ours resumes.
            maxRetryRequests: 0,
            ...optional({ abortSignal: signal }),
            ...(etag ? { conditions: { ifMatch: etag } } : {}),
          });
          if (!response.readableStreamBody) {
            throw new StorageError("E_STORAGE_REQUEST", `Azure returned no body for "${key}".`);
          }
          return { response, body: response.readableStreamBody };
        });
      const { response, body: first } = await open(offset, count);
      const whole = range === undefined;
      const md5 = toHex(response.blobContentMD5 ?? (whole ? response.contentMD5 : undefined));
      const info: ObjectInfo = {
        key,
        size: totalSize(response.contentRange) ?? response.contentLength ?? 0,
        ...optional({
          lastModified: response.lastModified,
          etag: unquote(response.etag),
          md5,
          metadata: fromAzureMetadata(response.metadata),
          contentType: response.contentType,
          contentEncoding: response.contentEncoding,
          cacheControl: response.cacheControl,
        }),
      };
      const length = response.contentLength ?? 0;
      const download = createResumableDownload({
        first,
        length,
        maxResumes: retrySettings.attempts,
        ...optional({ signal }),
        // The same version only: a blob replaced meanwhile fails the ETag condition.
        reopen: async (received) =>
          (await open(offset + received, length - received, response.etag)).body,
        mapError: (error) =>
          toAzureStorageError(error, errorContext(connection, config.container, operation)),
      });
      if (!whole || md5 === undefined) {
        return { body: download, info };
      }
      const check = createDigestCheck(
        [{ algorithm: "md5", expected: md5, hasher: md5HexHasher() }],
        (_digest, actual) =>
          new StorageError(
            "E_STORAGE_INTEGRITY",
            `The content downloaded for "${key}" has MD5 ${actual}, not the ${md5} Azure stores for it. Run again; if it keeps failing, the blob is corrupt.`,
          ),
      );
      // pipeline passes the download's (already mapped) error on to `check`, and a consumer that
      // destroys `check` early closes the download and its connection.
      pipeline(download, check, () => undefined);
      return { body: check, info };
    },

    async delete(keys, options = {}) {
      const { signal } = options;
      const names = keys.map(blobName);
      const deleteOne = (name: string) =>
        withRetry(signal, () =>
          container
            .getBlobClient(name)
            .deleteIfExists({ deleteSnapshots: "include", ...optional({ abortSignal: signal }) }),
        ).then(() => undefined);
      for (let start = 0; start < names.length; start += batchSize) {
        const chunk = names.slice(start, start + batchSize);
        const operation =
          chunk.length === 1 ? `delete "${chunk[0]}"` : `delete ${chunk.length} blobs`;
        try {
          if (batchSupported && chunk.length > 1) {
            const outcome = await deleteBatch(chunk, signal);
            if (outcome === "done") {
              continue;
            }
            // The endpoint refused the batch itself; one by one works everywhere.
            await forEachConcurrently(chunk, deleteConcurrency, deleteOne, signal);
            batchSupported = outcome !== "refused";
            continue;
          }
          await forEachConcurrently(chunk, deleteConcurrency, deleteOne, signal);
        } catch (error) {
          return fail(error, operation, signal);
        }
      }
    },

    async copy(fromKey, toKey, options = {}) {
      const { signal } = options;
      const source = container.getBlobClient(blobName(fromKey));
      const target = container.getBlobClient(blobName(toKey));
      const operation = `copy "${fromKey}" to "${toKey}"`;
      const result = await call(operation, signal, async () => {
        // Within one account the request's own credential authorises the source, and the copy
        // usually completes at once; the poller only waits when Azure copies in the background.
        const poller = await target.beginCopyFromURL(source.url, {
          intervalInMs: 500,
          ...optional({ abortSignal: signal }),
        });
        const stop = () => poller.stopPolling();
        signal?.addEventListener("abort", stop, { once: true });
        try {
          return await poller.pollUntilDone();
        } finally {
          signal?.removeEventListener("abort", stop);
        }
      });
      if (result.copyStatus !== undefined && result.copyStatus !== "success") {
        throw new StorageError(
          "E_STORAGE_REQUEST",
          `Azure could not ${operation}: the copy ended with status "${result.copyStatus}".`,
        );
      }
    },
  };

  function blobExists(
    client: ReturnType<ContainerClient["getBlockBlobClient"]>,
    signal: AbortSignal | undefined,
  ): Promise<boolean> {
    return withRetry(signal, () => client.exists(signal ? { abortSignal: signal } : {}));
  }

  /**
   * Deletes up to 256 blobs in one Blob Batch request. Answers `done`, `retry-singly` when some
   * deletes were throttled or failed on the server side (deleting is idempotent, so the caller
   * redoes the chunk one by one), or `refused` when the endpoint does not do batches at all.
   */
  async function deleteBatch(
    names: string[],
    signal: AbortSignal | undefined,
  ): Promise<"done" | "retry-singly" | "refused"> {
    let response: Awaited<
      ReturnType<ReturnType<ContainerClient["getBlobBatchClient"]>["deleteBlobs"]>
    >;
    try {
      response = await withRetry(signal, () =>
        container.getBlobBatchClient().deleteBlobs(
          names.map((name) => container.getBlobClient(name)),
          { deleteSnapshots: "include", ...optional({ abortSignal: signal }) },
        ),
      );
    } catch (error) {
      if (!signal?.aborted && isBatchRefusal(error)) {
        return "refused";
      }
      throw error;
    }
    const failed = response.subResponses.filter((sub) => sub.status >= 300 && sub.status !== 404);
    const final = failed.find((sub) => sub.status !== 429 && sub.status < 500);
    if (final) {
      // Shaped like an SDK error so that the usual mapping names the right code.
      throw Object.assign(new Error(final.statusMessage || "A delete in the batch failed."), {
        statusCode: final.status,
        details: { errorCode: final.errorCode },
      });
    }
    return failed.length === 0 ? "done" : "retry-singly";
  }
}

// --- internal ---

function errorContext(connection: AzureConnection, container: string, operation: string) {
  return {
    operation,
    container,
    ...(connection.account ? { account: connection.account } : {}),
    credentialHint: connection.credentialHint,
    secrets: connection.secrets,
  };
}

/** Drops the keys whose value is undefined (the SDK and `exactOptionalPropertyTypes`-safe objects). */
function optional<T extends Record<string, unknown>>(
  values: T,
): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

function unquote(etag: string | undefined): string | undefined {
  return etag?.replace(/^"(.*)"$/, "$1");
}

function toHex(bytes: Uint8Array | undefined): string | undefined {
  return bytes && bytes.length > 0 ? Buffer.from(bytes).toString("hex") : undefined;
}

/** The object size from `Content-Range: bytes 0-9/1000`. */
function totalSize(contentRange: string | undefined): number | undefined {
  const total = contentRange ? /\/(\d+)$/.exec(contentRange)?.[1] : undefined;
  return total === undefined ? undefined : Number(total);
}

function toObjectInfo(key: string, blob: BlobItem): ObjectInfo {
  const { properties } = blob;
  return {
    key,
    size: properties.contentLength ?? 0,
    ...optional({
      lastModified: properties.lastModified,
      etag: unquote(properties.etag),
      md5: toHex(properties.contentMD5),
      metadata: fromAzureMetadata(blob.metadata),
      contentType: properties.contentType,
      contentEncoding: properties.contentEncoding,
      cacheControl: properties.cacheControl,
    }),
  };
}

function describeUrl(containerUrl: string, storePrefix: string): string {
  const url = new URL(containerUrl);
  url.search = "";
  url.username = "";
  url.password = "";
  return storePrefix ? `${url.toString()}/${storePrefix}` : url.toString();
}

function choosePartSize(options: PutOptions): number {
  const requested = options.partSize ?? defaultPartSize;
  if (!Number.isInteger(requested) || requested < 1 || requested > maxBlockSize) {
    throw new StorageError(
      "E_STORAGE_REQUEST",
      `The part size must be a whole number of bytes between 1 and ${maxBlockSize} for Azure, got ${requested}.`,
    );
  }
  // A known size that would need more blocks than Azure allows gets bigger blocks instead.
  if (options.size !== undefined && options.size > requested * maxAzureBlocks) {
    return Math.min(maxBlockSize, Math.ceil(options.size / maxAzureBlocks));
  }
  return requested;
}

/** `hot`, `cool`, `cold`, `archive` in any case, as Azure spells them. */
function toAccessTier(storageClass: string | undefined): string | undefined {
  if (storageClass === undefined || storageClass === "") {
    return undefined;
  }
  return storageClass.charAt(0).toUpperCase() + storageClass.slice(1).toLowerCase();
}

/** `first`, then the rest of `rest`; closing the result closes `rest` (and so the source). */
async function* prepend<T>(first: T[], rest: AsyncIterable<T>): AsyncGenerator<T> {
  yield* first;
  yield* rest;
}

/** A 404 about the blob, not about the container. */
function isMissingBlob(error: unknown): boolean {
  return azureErrorStatus(error) === 404 && azureErrorCode(error) !== "ContainerNotFound";
}

/**
 * True when a Blob Batch request failed because the endpoint does not do batches, rather than
 * because of the credentials, the container or the network.
 */
function isBatchRefusal(error: unknown): boolean {
  const status = azureErrorStatus(error);
  if (status === 501) {
    return true;
  }
  if (status === undefined || status === 408 || status === 429 || status >= 500) {
    return false;
  }
  // A 403 may be a SAS that allows deletes but not batches: single deletes will tell.
  return azureErrorCode(error) !== "ContainerNotFound";
}

/** Makes every request use an agent that accepts any certificate (`skipVerify`). */
function insecureAgentPolicy(): RequestPolicyFactory {
  const agent = new HttpsAgent({ keepAlive: true, rejectUnauthorized: false });
  return {
    create: (nextPolicy) => ({
      sendRequest: (request) => {
        if (request.url.startsWith("https:")) {
          request.agent = agent;
        }
        return nextPolicy.sendRequest(request);
      },
    }),
  };
}
