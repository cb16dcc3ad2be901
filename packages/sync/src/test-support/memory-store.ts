import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type {
  GetOptions,
  ListEntry,
  ListOptions,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  PutResult,
} from "@spotkit/storage";
import { StorageError } from "../../../storage/src/storage-error.js";

/** The kinds of request a {@link MemoryStore} counts (a listing counts one per page). */
export type RequestKind = "check" | "list" | "head" | "put" | "get" | "delete" | "copy";

/** One stored object, as tests may inspect it. */
export interface StoredObject {
  body: Buffer;
  /** Stored as multipart: listings and heads carry no MD5, the ETag ends in `-<parts>`. */
  multipart: boolean;
  metadata: Record<string, string>;
  contentType?: string;
  contentEncoding?: string;
  cacheControl?: string;
  acl?: string;
  storageClass?: string;
  encryption?: string;
  websiteRedirectLocation?: string;
  lastModified: Date;
  /** Overrides the MD5 the store reports (to test integrity checks). */
  reportedMd5?: string;
}

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Listings carry user metadata and content headers, as Azure's do with `includeMetadata`.
   * @default false (as S3: key, size, ETag, MD5 of single-part objects only)
   */
  listingCarriesMetadata?: boolean;
  /**
   * Objects above this size are stored as multipart (no MD5). Without it, a put is multipart when
   * its body exceeds its `multipartThreshold`, else its `partSize` (8 MiB by default), as S3's.
   */
  multipartThreshold?: number;
  /** Milliseconds an aborted put takes to settle, as a real abort takes a request. @default 0 */
  abortSettleMs?: number;
  /** Objects per listing page. @default 1000 */
  pageSize?: number;
}

/** Decides whether a request fails: return an error to throw it. */
export type FaultInjector = (kind: RequestKind, target: string, page: number) => unknown;

const defaultPartSize = 8 * 1024 * 1024;

/**
 * An {@link ObjectStore} in memory for tests, behaving as the interface demands: puts become
 * visible only when the whole body arrived (a failed or aborted put leaves nothing), `head` of a
 * missing key is undefined, `get` of one throws `E_STORAGE_NOT_FOUND`, `delete` of one is fine.
 * It counts requests by kind, records the highest number of puts in flight, and lets a test fail
 * requests ({@link MemoryStore.fault}) or pause puts mid-body ({@link MemoryStore.onPutChunk}).
 */
export class MemoryStore implements ObjectStore {
  readonly url = "memory://bucket";
  readonly objects = new Map<string, StoredObject>();
  readonly requests: Record<RequestKind, number> = {
    check: 0,
    list: 0,
    head: 0,
    put: 0,
    get: 0,
    delete: 0,
    copy: 0,
  };
  /** Puts that ended because their signal aborted. */
  abortedPuts = 0;
  /** Puts that failed because their body stream failed. */
  failedPuts = 0;
  /** The most puts that were running at once. */
  maxConcurrentPuts = 0;
  /** Fails requests: set by a test. */
  fault: FaultInjector | undefined;
  /** Awaited for each chunk of a put body: a test pauses uploads with it. */
  onPutChunk: ((key: string, bytesSoFar: number) => Promise<void> | void) | undefined;
  private runningPuts = 0;
  private readonly options: MemoryStoreOptions;

  constructor(options: MemoryStoreOptions = {}) {
    this.options = options;
  }

  /** Puts that have not settled yet. */
  get putsInFlight(): number {
    return this.runningPuts;
  }

  /** Stores an object directly, counting no request: the state a test starts from. */
  seed(key: string, body: string | Uint8Array, fields: Partial<Omit<StoredObject, "body">> = {}) {
    this.objects.set(key, {
      body: Buffer.from(body),
      multipart: false,
      metadata: {},
      lastModified: new Date(),
      ...fields,
    });
  }

  /** The body of an object as text, or undefined. */
  text(key: string): string | undefined {
    return this.objects.get(key)?.body.toString("utf8");
  }

  /** Sets every request count back to zero. */
  resetCounts(): void {
    for (const kind of Object.keys(this.requests) as RequestKind[]) this.requests[kind] = 0;
    this.abortedPuts = 0;
    this.failedPuts = 0;
    this.maxConcurrentPuts = 0;
  }

  /** The total number of requests of every kind. */
  totalRequests(): number {
    return Object.values(this.requests).reduce((total, count) => total + count, 0);
  }

  /** Objects above the multipart threshold are stored without an MD5, as S3 stores them. */
  reportsMd5(size: number, options: Pick<PutOptions, "partSize" | "multipartThreshold"> = {}) {
    const threshold =
      this.options.multipartThreshold ??
      options.multipartThreshold ??
      options.partSize ??
      defaultPartSize;
    return size <= threshold;
  }

  async check(options: { signal?: AbortSignal } = {}): Promise<void> {
    options.signal?.throwIfAborted();
    this.request("check", "");
  }

  async *list(options: ListOptions = {}): AsyncIterable<ListEntry> {
    const prefix = options.prefix ?? "";
    const pageSize = this.options.pageSize ?? 1000;
    const keys = [...this.objects.keys()]
      .filter((key) => key.startsWith(prefix))
      .sort((left, right) => Buffer.compare(Buffer.from(left), Buffer.from(right)));
    const entries: ListEntry[] = [];
    const prefixes = new Set<string>();
    for (const key of keys) {
      const rest = key.slice(prefix.length);
      const cut = options.delimiter ? rest.indexOf(options.delimiter) : -1;
      if (cut >= 0 && options.delimiter) {
        const common = `${prefix}${rest.slice(0, cut + options.delimiter.length)}`;
        if (!prefixes.has(common)) {
          prefixes.add(common);
          entries.push({ type: "prefix", prefix: common });
        }
        continue;
      }
      const object = this.objects.get(key) as StoredObject;
      entries.push({
        type: "object",
        ...this.info(
          key,
          object,
          this.options.listingCarriesMetadata === true && options.includeMetadata === true,
          this.options.listingCarriesMetadata === true,
        ),
      });
    }
    let page = 0;
    do {
      options.signal?.throwIfAborted();
      this.request("list", prefix, page);
      // A real listing is a network round trip: let other work run between pages.
      await new Promise((resolve) => setImmediate(resolve));
      yield* entries.slice(page * pageSize, (page + 1) * pageSize);
      page += 1;
    } while (page * pageSize < entries.length);
  }

  async head(key: string, options: { signal?: AbortSignal } = {}): Promise<ObjectInfo | undefined> {
    options.signal?.throwIfAborted();
    this.request("head", key);
    const object = this.objects.get(key);
    return object === undefined ? undefined : this.info(key, object, true, true);
  }

  async put(
    key: string,
    body: Readable | Uint8Array | string,
    options: PutOptions = {},
  ): Promise<PutResult> {
    const signal = options.signal;
    signal?.throwIfAborted();
    this.request("put", key);
    this.runningPuts += 1;
    this.maxConcurrentPuts = Math.max(this.maxConcurrentPuts, this.runningPuts);
    try {
      const data = await this.readBody(key, body, signal);
      // A real put is a network round trip: let other puts start meanwhile.
      await new Promise((resolve) => setImmediate(resolve));
      signal?.throwIfAborted();
      if (options.md5 !== undefined) {
        const md5 = createHash("md5").update(data).digest("hex");
        if (md5 !== options.md5) {
          throw new StorageError(
            "E_STORAGE_INTEGRITY",
            `The body of ${key} has MD5 ${md5}, the request announced ${options.md5}.`,
          );
        }
      }
      const multipart = !this.reportsMd5(data.length, options);
      const metadata: Record<string, string> = {};
      for (const [name, value] of Object.entries(options.metadata ?? {})) {
        metadata[name.toLowerCase()] = value;
      }
      const stored: StoredObject = { body: data, multipart, metadata, lastModified: new Date() };
      if (options.contentType !== undefined) stored.contentType = options.contentType;
      if (options.contentEncoding !== undefined) stored.contentEncoding = options.contentEncoding;
      if (options.cacheControl !== undefined) stored.cacheControl = options.cacheControl;
      if (options.acl !== undefined) stored.acl = options.acl;
      if (options.storageClass !== undefined) stored.storageClass = options.storageClass;
      if (options.encryption !== undefined) stored.encryption = options.encryption;
      if (options.websiteRedirectLocation !== undefined) {
        stored.websiteRedirectLocation = options.websiteRedirectLocation;
      }
      this.objects.set(key, stored);
      return { etag: this.etag(stored) };
    } catch (error) {
      if (signal?.aborted) {
        // Aborting a real upload takes a request (AbortMultipartUpload) before the put settles.
        if (this.options.abortSettleMs !== undefined) {
          await new Promise((resolve) => setTimeout(resolve, this.options.abortSettleMs));
        }
        this.abortedPuts += 1;
      }
      throw error;
    } finally {
      this.runningPuts -= 1;
    }
  }

  async get(key: string, options: GetOptions = {}): Promise<{ body: Readable; info: ObjectInfo }> {
    options.signal?.throwIfAborted();
    this.request("get", key);
    const object = this.objects.get(key);
    if (object === undefined) {
      throw new StorageError("E_STORAGE_NOT_FOUND", `No object ${key} in ${this.url}.`);
    }
    const start = options.range?.start ?? 0;
    const end = options.range?.end === undefined ? object.body.length : options.range.end + 1;
    const data = object.body.subarray(start, end);
    const chunks: Buffer[] = [];
    for (let offset = 0; offset < data.length; offset += 64 * 1024) {
      chunks.push(data.subarray(offset, offset + 64 * 1024));
    }
    const body = Readable.from(chunks, { objectMode: false });
    options.signal?.addEventListener("abort", () => body.destroy(options.signal?.reason), {
      once: true,
    });
    return { body, info: this.info(key, object, true, true) };
  }

  async delete(keys: readonly string[], options: { signal?: AbortSignal } = {}): Promise<void> {
    for (let offset = 0; offset < keys.length; offset += 1000) {
      options.signal?.throwIfAborted();
      const batch = keys.slice(offset, offset + 1000);
      this.request("delete", batch.join(","));
      for (const key of batch) this.objects.delete(key);
    }
  }

  async copy(fromKey: string, toKey: string, options: { signal?: AbortSignal } = {}) {
    options.signal?.throwIfAborted();
    this.request("copy", fromKey);
    const object = this.objects.get(fromKey);
    if (object === undefined) {
      throw new StorageError("E_STORAGE_NOT_FOUND", `No object ${fromKey} in ${this.url}.`);
    }
    this.objects.set(toKey, { ...object, lastModified: new Date() });
  }

  private request(kind: RequestKind, target: string, page = 0): void {
    this.requests[kind] += 1;
    const error = this.fault?.(kind, target, page);
    if (error !== undefined) throw error;
  }

  /** Reads a whole body, failing with the abort reason or the stream's error (storing nothing). */
  private async readBody(
    key: string,
    body: Readable | Uint8Array | string,
    signal: AbortSignal | undefined,
  ): Promise<Buffer> {
    if (typeof body === "string" || body instanceof Uint8Array) return Buffer.from(body);
    const chunks: Buffer[] = [];
    let size = 0;
    const aborted = new Promise<never>((_, reject) => {
      if (signal === undefined) return;
      const onAbort = () => {
        body.destroy();
        reject(signal.reason);
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    });
    aborted.catch(() => {});
    try {
      const reading = (async () => {
        for await (const chunk of body) {
          const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
          chunks.push(buffer);
          size += buffer.length;
          if (this.onPutChunk !== undefined) {
            await Promise.race([this.onPutChunk(key, size), aborted]);
          }
        }
      })();
      await Promise.race([reading, aborted]);
      reading.catch(() => {});
      return Buffer.concat(chunks);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      this.failedPuts += 1;
      throw new StorageError(
        "E_STORAGE_REQUEST",
        `Uploading ${key} failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  private etag(object: StoredObject): string {
    const md5 = createHash("md5").update(object.body).digest("hex");
    return object.multipart ? `${createHash("md5").update(md5).digest("hex")}-2` : md5;
  }

  private info(
    key: string,
    object: StoredObject,
    withMetadata: boolean,
    withHeaders: boolean,
  ): ObjectInfo {
    const info: ObjectInfo = {
      key,
      size: object.body.length,
      lastModified: object.lastModified,
      etag: this.etag(object),
    };
    if (!object.multipart) {
      info.md5 = object.reportedMd5 ?? createHash("md5").update(object.body).digest("hex");
    }
    if (withMetadata) info.metadata = { ...object.metadata };
    if (withHeaders) {
      info.contentType = object.contentType ?? "binary/octet-stream";
      if (object.contentEncoding !== undefined) info.contentEncoding = object.contentEncoding;
      if (object.cacheControl !== undefined) info.cacheControl = object.cacheControl;
    }
    return info;
  }
}
