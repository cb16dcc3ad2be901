import type { Readable } from "node:stream";
import {
  CopyObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadBucketCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  type ObjectCannedACL,
  type PutObjectCommandInput,
  type ServerSideEncryption,
  type StorageClass,
} from "@aws-sdk/client-s3";
import { retry } from "@spotkit/runtime";
import { createByteBudget } from "./byte-budget.js";
import {
  joinObjectKey,
  normalizeStorePrefix,
  relativeObjectKey,
  validateListPrefix,
  validateObjectKey,
} from "./object-key.js";
import type {
  GetOptions,
  ListEntry,
  ListOptions,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  PutResult,
} from "./object-store.js";
import { createS3Client } from "./s3-client.js";
import type { ResolvedS3Credentials } from "./s3-credentials.js";
import { createS3Direct } from "./s3-direct.js";
import { isRetryableS3Error, type S3ErrorContext, toS3StorageError } from "./s3-errors.js";
import { putS3Object } from "./s3-put-object.js";
import { createResumableBody } from "./s3-resumable-body.js";
import { uploadS3Object } from "./s3-upload.js";
import { StorageError } from "./storage-error.js";

/**
 * Settings of {@link createS3Store}. Credentials never appear in any message or log.
 *
 * Credentials: when any of `accessKeyId`, `secretAccessKey`, `sessionToken`, `profile`, `roleArn`
 * or `webIdentityTokenFile` is set, only these settings count; otherwise the same values are read
 * from `env` (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_PROFILE`,
 * `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME`, `AWS_WEB_IDENTITY_TOKEN_FILE`). Then the first match wins:
 * 1. `webIdentityTokenFile` + `roleArn`: AssumeRoleWithWebIdentity (`fromTokenFile`);
 * 2. `roleArn`: AssumeRole (`fromTemporaryCredentials`, with `roleSessionName` and `externalId`),
 *    signed with the credentials steps 3–5 would pick;
 * 3. `accessKeyId` + `secretAccessKey` (+ `sessionToken`): static keys;
 * 4. `profile`: the shared config/credentials files (`fromIni`);
 * 5. the SDK's default chain (`fromNodeProviderChain`), which reads `process.env` and `~/.aws`.
 */
export interface S3StoreConfig {
  /** The bucket. */
  bucket: string;
  /** Keys of this store live under this prefix (`/`-joined, never doubled). @default "" */
  prefix?: string;
  /** @default `AWS_REGION`, then `AWS_DEFAULT_REGION` from `env`, then `"us-east-1"` */
  region?: string;
  /**
   * URL of an S3-compatible server (`http://127.0.0.1:7480`).
   * @default `AWS_ENDPOINT_URL_S3`, then `AWS_ENDPOINT_URL` from `env`, else AWS
   */
  endpoint?: string;
  /** Address buckets as `host/bucket` instead of `bucket.host`. @default true when `endpoint` is set */
  forcePathStyle?: boolean;
  /** Static access key; with `secretAccessKey`. */
  accessKeyId?: string;
  /** Static secret key; with `accessKeyId`. */
  secretAccessKey?: string;
  /** Session token of temporary static credentials. */
  sessionToken?: string;
  /** A profile of the shared config/credentials files. */
  profile?: string;
  /** A role to assume (AssumeRole, or AssumeRoleWithWebIdentity with `webIdentityTokenFile`). */
  roleArn?: string;
  /** @default `spotkit-<time>` */
  roleSessionName?: string;
  /** External id of the AssumeRole call. */
  externalId?: string;
  /** A file holding an OIDC token to exchange for the role's credentials. */
  webIdentityTokenFile?: string;
  /**
   * The credentials of the fields above, already resolved with `resolveS3Credentials`: pass the
   * same result to another client (CloudFront) and the two fetch them once. @default resolved here
   */
  resolvedCredentials?: ResolvedS3Credentials;
  /**
   * When the SDK adds checksums to requests and checks them on responses. S3-compatible servers
   * often reject the SDK's default trailing checksums (radosgw: `MissingContentLength`).
   * @default "when_required" when `endpoint` is set, "when_supported" for AWS
   */
  checksumMode?: "when_required" | "when_supported";
  /** Path of a PEM bundle of extra CAs for an https endpoint. @default `AWS_CA_BUNDLE` from `env` */
  caBundle?: string;
  /** Do not verify the server's TLS certificate (tests only). @default false */
  skipVerify?: boolean;
  /**
   * Tries per request, the first included (standard retry mode: throttling, 5xx, dropped
   * connections). @default `AWS_MAX_ATTEMPTS` from `env`, else 5
   */
  maxAttempts?: number;
  /**
   * Bytes that multipart uploads of streams may hold in memory at once, across all puts of this
   * store: each such upload takes `partSize × (concurrency + 1)` of it (the parts in flight and the
   * one being read) and waits until that much is free; one upload always runs. Bodies sent in one
   * request (see `PutOptions.multipartThreshold`) stream and take none of it.
   * @default 256 MiB
   */
  uploadMemoryLimit?: number;
  /**
   * Where `AWS_*` variables are read from; pass `process.env` from the entry. The SDK's default
   * credential chain and `fromIni` still read `process.env` and `~/.aws` themselves, as documented
   * by the SDK. @default {}
   */
  env?: Record<string, string | undefined>;
}

/** S3's smallest part (all parts but the last). */
const minimumPartSize = 5 * 1024 * 1024;
/** S3's largest number of parts in one upload. */
const maximumParts = 10_000;
/** DeleteObjects takes at most this many keys. */
const deleteBatchSize = 1000;
/** S3's largest object in one PutObject. */
const maximumSingleRequest = 5 * 1024 ** 3;
/** Default of {@link S3StoreConfig.uploadMemoryLimit}. */
const defaultUploadMemoryLimit = 256 * 1024 * 1024;

/**
 * An {@link ObjectStore} over an S3 bucket or an S3-compatible server (Ceph radosgw, MinIO, moto).
 *
 * - `put` sends one PutObject when the body is at most `multipartThreshold` bytes (default: the
 *   part size): a buffer as it is, a stream of known `size` with `openBody` streamed with its
 *   Content-Length, never held in memory, and retried on a fresh stream. Larger bodies, and other
 *   streams, go through lib-storage's `Upload`: one PutObject when the body fits in one part
 *   (`partSize`, at least 5 MiB, default 8 MiB), else a multipart upload with `concurrency` parts
 *   in flight, whose buffers share the store's `uploadMemoryLimit`. A failed or aborted upload
 *   is aborted on the server before `put` rejects. With
 *   `ifNotExists` the store first checks with HEAD (no upload at all when the key exists), then
 *   sends `If-None-Match: *`, and checks again with HEAD right before completing a multipart
 *   upload, because some servers ignore the header there (radosgw 16). On such servers, and on
 *   servers that answer 501 to the header, another writer that finishes between that HEAD and our
 *   write is overwritten: the condition is then a best effort, not atomic.
 * - Every request is retried by the SDK (standard mode, `maxAttempts`); a GET body that breaks
 *   mid-stream is resumed from where it stopped; a put of a buffer or string is retried as a
 *   whole with backoff when its requests kept failing.
 * - `md5` in listings and `head` comes from the ETag only when it can be an MD5: never for a
 *   multipart ETag (`…-N`), and in `head` not for SSE-KMS or SSE-C objects (a listing cannot tell).
 */
export function createS3Store(config: S3StoreConfig): ObjectStore {
  const bucket = config.bucket;
  if (!bucket) {
    throw new StorageError("E_STORAGE_REQUEST", "No bucket is set: set `bucket`.");
  }
  const storePrefix = normalizeStorePrefix(config.prefix);
  const setup = createS3Client(config);
  const { client, endpointLabel, secrets, maxAttempts } = setup;
  const direct = createS3Direct({ ...setup, bucket });
  const uploadMemory = createByteBudget(config.uploadMemoryLimit ?? defaultUploadMemoryLimit);
  /** Learnt on the first 501: this server does not implement `If-None-Match` on writes. */
  let conditionalWritesUnsupported = false;

  const context = (operation: string, key?: string): S3ErrorContext => ({
    operation,
    bucket,
    endpoint: endpointLabel,
    secrets,
    ...(key === undefined ? {} : { key }),
  });
  const fullKeyOf = (key: string) => joinObjectKey(storePrefix, validateObjectKey(key));

  /** Runs one SDK call and maps what it throws; an abort rethrows the signal's reason. */
  async function call<T>(
    operationContext: S3ErrorContext,
    operation: () => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      signal?.throwIfAborted();
      throw toS3StorageError(error, operationContext);
    }
  }

  async function headObject(fullKey: string, signal?: AbortSignal) {
    try {
      return await client.send(new HeadObjectCommand({ Bucket: bucket, Key: fullKey }), {
        abortSignal: signal,
      });
    } catch (error) {
      signal?.throwIfAborted();
      const mapped = toS3StorageError(error, context("HeadObject", fullKey));
      if (mapped.code === "E_STORAGE_NOT_FOUND") {
        return undefined;
      }
      throw mapped;
    }
  }

  const alreadyExistsMessage = (fullKey: string) =>
    `An object already exists at s3://${bucket}/${fullKey} and \`ifNotExists\` was set: choose another key or delete it first.`;
  const alreadyExists = (fullKey: string) =>
    new StorageError("E_STORAGE_PRECONDITION", alreadyExistsMessage(fullKey), { status: 412 });

  const store: ObjectStore = {
    url: `s3://${bucket}${storePrefix === "" ? "" : `/${storePrefix}`}`,

    reportsMd5(size, options = {}) {
      return size <= singleRequestLimit(options, choosePartSize(options.partSize, size));
    },

    async check(options = {}) {
      await call(
        context("HeadBucket"),
        () =>
          client.send(new HeadBucketCommand({ Bucket: bucket }), { abortSignal: options.signal }),
        options.signal,
      );
    },

    async *list(options: ListOptions = {}): AsyncIterable<ListEntry> {
      // joinObjectKey("a", "") gives "a/": exactly the store's own keys.
      const prefix = joinObjectKey(storePrefix, validateListPrefix(options.prefix ?? ""));
      let continuationToken: string | undefined;
      for (let page = 0; ; page++) {
        const token = continuationToken;
        const output =
          (await direct.listPage(
            { prefix, delimiter: options.delimiter, continuationToken: token },
            options.signal,
          )) ??
          (await call(
            context("ListObjectsV2"),
            () =>
              client.send(
                new ListObjectsV2Command({
                  Bucket: bucket,
                  ...(prefix === "" ? {} : { Prefix: prefix }),
                  ...(options.delimiter ? { Delimiter: options.delimiter } : {}),
                  ...(token === undefined ? {} : { ContinuationToken: token }),
                }),
                { abortSignal: options.signal },
              ),
            options.signal,
          ));
        yield* mergePage(storePrefix, output.Contents ?? [], output.CommonPrefixes ?? []);
        if (!output.IsTruncated) {
          return;
        }
        if (!output.NextContinuationToken || output.NextContinuationToken === continuationToken) {
          throw new StorageError(
            "E_STORAGE_REQUEST",
            `The server at ${endpointLabel} said page ${page + 1} of s3://${bucket}/${prefix} was truncated but gave no new continuation token.`,
          );
        }
        continuationToken = output.NextContinuationToken;
      }
    },

    async head(key, options = {}) {
      const fullKey = fullKeyOf(key);
      const output = await headObject(fullKey, options.signal);
      return output === undefined ? undefined : toObjectInfo(key, output, output.ContentLength);
    },

    async put(key, body, options: PutOptions = {}): Promise<PutResult> {
      const fullKey = fullKeyOf(key);
      const { signal } = options;
      const partSize = choosePartSize(options.partSize, options.size);
      const threshold = singleRequestLimit(options, partSize);
      const params = toPutParams(bucket, fullKey, options, conditionalWritesUnsupported);
      const putContext = {
        ...context("PutObject", fullKey),
        preconditionMessage: alreadyExistsMessage(fullKey),
      };
      const ensureAbsent = async () => {
        if ((await headObject(fullKey, signal)) !== undefined) {
          throw alreadyExists(fullKey);
        }
      };
      if (options.ifNotExists) {
        await ensureAbsent();
      }
      const content = typeof body === "string" ? Buffer.from(body) : body;
      const common = {
        client,
        params,
        ...(options.size === undefined ? {} : { size: options.size }),
        ...(options.md5 === undefined ? {} : { md5: options.md5 }),
        onConditionalWriteUnsupported: () => {
          conditionalWritesUnsupported = true;
        },
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        ...(signal ? { signal } : {}),
      };
      const single =
        content instanceof Uint8Array
          ? content.byteLength <= threshold
          : options.openBody !== undefined &&
            options.size !== undefined &&
            options.size <= threshold;
      const upload = async () => {
        if (single) {
          return putS3Object({
            ...common,
            body: content,
            attempts: maxAttempts,
            directPut: direct.putObject,
            ...(options.openBody ? { openBody: options.openBody } : {}),
          });
        }
        const concurrency = Math.max(1, options.concurrency ?? 4);
        // A buffer is already in memory; a stream is read into parts that must fit the budget.
        const release =
          content instanceof Uint8Array
            ? undefined
            : await uploadMemory.acquire(partSize * (concurrency + 1), signal);
        try {
          return await uploadS3Object({
            ...common,
            body: content,
            partSize,
            concurrency,
            ...(options.ifNotExists ? { beforeComplete: ensureAbsent } : {}),
          });
        } finally {
          release?.();
        }
      };
      const result = await call(
        putContext,
        // A buffer can be sent again: when its requests kept failing, try the whole upload again.
        () =>
          content instanceof Uint8Array
            ? retry(upload, {
                attempts: 3,
                minDelay: 1000,
                shouldRetry: isRetryableS3Error,
                ...(signal ? { signal } : {}),
              })
            : upload(),
        signal,
      );
      if (result.etag === undefined || result.etag === "") {
        // radosgw 16 answers CompleteMultipartUpload with an empty <ETag/>; ask for it.
        const written = await headObject(fullKey, signal).catch(() => undefined);
        const etag = written?.ETag?.replaceAll('"', "");
        return {
          ...(etag ? { etag } : {}),
          ...(result.versionId ? { versionId: result.versionId } : {}),
        };
      }
      return result;
    },

    async get(key, options: GetOptions = {}) {
      const fullKey = fullKeyOf(key);
      const { signal, range } = options;
      const getContext = context("GetObject", fullKey);
      const start = range?.start ?? 0;
      const rangeHeader = (from: number) =>
        range === undefined && from === 0 ? undefined : `bytes=${from}-${range?.end ?? ""}`;
      const open = (from: number, ifMatch?: string) =>
        client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: fullKey,
            ...(rangeHeader(from) === undefined ? {} : { Range: rangeHeader(from) }),
            ...(ifMatch === undefined ? {} : { IfMatch: ifMatch }),
          }),
          { abortSignal: signal },
        );
      const output = await call(getContext, () => open(start), signal);
      const etag = output.ETag;
      const info = toObjectInfo(key, output, objectSize(output));
      const body = createResumableBody({
        first: output.Body as Readable,
        start,
        ...(output.ContentLength === undefined ? {} : { expectedLength: output.ContentLength }),
        reopen: async (offset) => {
          const resumed = await open(offset, etag);
          return resumed.Body as Readable;
        },
        toError: (error) =>
          signal?.aborted
            ? signal.reason
            : toS3StorageError(error, {
                ...getContext,
                preconditionMessage: `s3://${bucket}/${fullKey} changed while it was being read: read it again.`,
              }),
        ...(signal ? { signal } : {}),
      });
      return { body, info };
    },

    async delete(keys, options = {}) {
      const fullKeys = keys.map(fullKeyOf);
      for (let index = 0; index < fullKeys.length; index += deleteBatchSize) {
        const batch = fullKeys.slice(index, index + deleteBatchSize);
        const output = await call(
          context("DeleteObjects"),
          () =>
            client.send(
              new DeleteObjectsCommand({
                Bucket: bucket,
                Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
              }),
              { abortSignal: options.signal },
            ),
          options.signal,
        );
        const failures = (output.Errors ?? []).filter((failure) => failure.Code !== "NoSuchKey");
        if (failures.length > 0) {
          throw deleteFailure(failures, bucket, endpointLabel);
        }
      }
    },

    async copy(fromKey, toKey, options = {}) {
      const from = fullKeyOf(fromKey);
      const to = fullKeyOf(toKey);
      await call(
        context("CopyObject", from),
        () =>
          client.send(
            new CopyObjectCommand({
              Bucket: bucket,
              Key: to,
              CopySource: `${bucket}/${from.split("/").map(encodeURIComponent).join("/")}`,
              MetadataDirective: "COPY",
            }),
            { abortSignal: options.signal },
          ),
        options.signal,
      );
    },
  };
  return store;
}

// --- internal ---

/** The largest body `put` sends in one request (PutObject), whose ETag is then its MD5. */
function singleRequestLimit(
  options: Pick<PutOptions, "multipartThreshold">,
  partSize: number,
): number {
  return Math.min(maximumSingleRequest, options.multipartThreshold ?? partSize);
}

/** The part size: the option (at least 5 MiB), raised so that `size` fits in 10,000 parts. */
function choosePartSize(requested: number | undefined, size: number | undefined): number {
  const base = Math.max(minimumPartSize, Math.floor(requested ?? 8 * 1024 * 1024));
  return size === undefined ? base : Math.max(base, Math.ceil(size / maximumParts));
}

function toPutParams(
  bucket: string,
  key: string,
  options: PutOptions,
  conditionalWritesUnsupported: boolean,
): Omit<PutObjectCommandInput, "Body"> {
  const metadata =
    options.metadata === undefined
      ? undefined
      : Object.fromEntries(
          Object.entries(options.metadata).map(([name, value]) => [name.toLowerCase(), value]),
        );
  const optional: Partial<PutObjectCommandInput> = {
    Metadata: metadata,
    ContentType: options.contentType,
    ContentEncoding: options.contentEncoding,
    CacheControl: options.cacheControl,
    ContentDisposition: options.contentDisposition,
    ACL: options.acl as ObjectCannedACL | undefined,
    StorageClass: options.storageClass as StorageClass | undefined,
    ServerSideEncryption: options.encryption as ServerSideEncryption | undefined,
    SSEKMSKeyId: options.kmsKeyId,
    WebsiteRedirectLocation: options.websiteRedirectLocation,
    IfNoneMatch: options.ifNotExists && !conditionalWritesUnsupported ? "*" : undefined,
  };
  const params: Omit<PutObjectCommandInput, "Body"> = { Bucket: bucket, Key: key };
  for (const [name, value] of Object.entries(optional)) {
    if (value !== undefined) {
      Object.assign(params, { [name]: value });
    }
  }
  return params;
}

/** The ETag without quotes, and as MD5 only when it can be one. */
function readEtag(
  etag: string | undefined,
  encryption?: { ServerSideEncryption?: string; SSECustomerAlgorithm?: string },
): { etag?: string; md5?: string } {
  if (etag === undefined) {
    return {};
  }
  const bare = etag.replaceAll('"', "");
  const encrypted =
    encryption?.ServerSideEncryption?.startsWith("aws:kms") === true ||
    encryption?.SSECustomerAlgorithm !== undefined;
  // A multipart ETag is "<md5 of the part md5s>-<parts>": never the content's MD5.
  const isMd5 = /^[0-9a-f]{32}$/i.test(bare) && !encrypted;
  return { etag: bare, ...(isMd5 ? { md5: bare.toLowerCase() } : {}) };
}

function toObjectInfo(
  key: string,
  output: HeadObjectCommandOutput | GetObjectCommandOutput,
  size: number | undefined,
): ObjectInfo {
  const info: ObjectInfo = {
    key,
    size: size ?? 0,
    ...readEtag(output.ETag, output),
    metadata: Object.fromEntries(
      Object.entries(output.Metadata ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
    ),
  };
  if (output.LastModified) info.lastModified = output.LastModified;
  if (output.ContentType) info.contentType = output.ContentType;
  if (output.ContentEncoding) info.contentEncoding = output.ContentEncoding;
  if (output.CacheControl) info.cacheControl = output.CacheControl;
  return info;
}

/** The whole object's size: from `Content-Range` (`bytes 0-9/100`) for a ranged response. */
function objectSize(output: GetObjectCommandOutput): number | undefined {
  const total = output.ContentRange?.match(/\/(\d+)$/)?.[1];
  return total === undefined ? output.ContentLength : Number(total);
}

/** Contents and CommonPrefixes of one page, merged in key order, keys relative to the store. */
function* mergePage(
  storePrefix: string,
  contents: readonly { Key?: string; Size?: number; LastModified?: Date; ETag?: string }[],
  commonPrefixes: readonly { Prefix?: string }[],
): Iterable<ListEntry> {
  const entries: { sortKey: Buffer; entry: ListEntry }[] = [];
  for (const object of contents) {
    const key = object.Key === undefined ? undefined : relativeObjectKey(storePrefix, object.Key);
    if (key === undefined || key === "") {
      continue;
    }
    const entry: ListEntry = {
      type: "object",
      key,
      size: object.Size ?? 0,
      ...readEtag(object.ETag),
      ...(object.LastModified ? { lastModified: object.LastModified } : {}),
    };
    entries.push({ sortKey: Buffer.from(object.Key as string), entry });
  }
  for (const common of commonPrefixes) {
    const prefix =
      common.Prefix === undefined ? undefined : relativeObjectKey(storePrefix, common.Prefix);
    if (prefix !== undefined && prefix !== "") {
      entries.push({
        sortKey: Buffer.from(common.Prefix as string),
        entry: { type: "prefix", prefix },
      });
    }
  }
  // S3 orders keys by their UTF-8 bytes; so does Buffer.compare. A page without common prefixes
  // usually comes in order already: check before sorting.
  const ordered = entries.every(
    (item, index) =>
      index === 0 || Buffer.compare((entries[index - 1] as typeof item).sortKey, item.sortKey) <= 0,
  );
  if (!ordered) entries.sort((left, right) => Buffer.compare(left.sortKey, right.sortKey));
  for (const { entry } of entries) {
    yield entry;
  }
}

function deleteFailure(
  failures: readonly { Key?: string; Code?: string; Message?: string }[],
  bucket: string,
  endpoint: string,
): StorageError {
  const shown = failures
    .slice(0, 5)
    .map((failure) => `${failure.Key ?? "?"} (${failure.Code ?? "error"})`)
    .join(", ");
  const more = failures.length > 5 ? ` and ${failures.length - 5} more` : "";
  const denied = failures.some((failure) => failure.Code === "AccessDenied");
  return new StorageError(
    denied ? "E_STORAGE_AUTH" : "E_STORAGE_REQUEST",
    `S3 did not delete ${failures.length} object(s) of s3://${bucket} at ${endpoint}: ${shown}${more}.` +
      (denied ? " Check that the credentials may s3:DeleteObject in this bucket." : ""),
  );
}
