import { createHash, randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ListEntry, ObjectStore } from "./object-store.js";
import { StorageError, type StorageErrorCode } from "./storage-error.js";

/** What a test file gives {@link describeObjectStoreContract}: stores over one running server. */
export interface ObjectStoreContractFixture {
  /**
   * A store over the shared test bucket (container, folder) whose keys live under `prefix`. Every
   * test makes its own with a unique prefix, so tests never see each other's objects.
   */
  createStore(prefix: string): ObjectStore;
  /** A store whose bucket does not exist, for `check`. Omit to skip that test. */
  createMissingBucketStore?(): ObjectStore;
  /** Stops what the setup started. */
  teardown?(): Promise<void>;
}

/** What differs between stores in the contract. */
export interface ObjectStoreContractOptions {
  /** Part size of the multipart test; its body is 2.5 parts long. @default 5 MiB */
  partSize?: number;
  /** Runs the listing and delete tests with more than 1000 keys (S3 pages and batches). @default true */
  largeBatches?: boolean;
  /** Timeout of each test in milliseconds. @default 120000 */
  timeout?: number;
}

/**
 * The behaviour every {@link ObjectStore} adapter must have, as one vitest suite: round trips
 * (metadata, unicode keys, empty objects, multipart bodies, ranges), listings (prefix, delimiter,
 * order, pagination), batched delete, copy, `ifNotExists`, integrity checks, aborts and invalid
 * keys. Call it from an adapter's test file:
 *
 * ```ts
 * describeObjectStoreContract("s3 on radosgw", async () => {
 *   const peer = await startS3Peer();
 *   …
 *   return { createStore: (prefix) => createS3Store({ …, prefix }), teardown: () => peer.stop() };
 * });
 * ```
 */
export function describeObjectStoreContract(
  name: string,
  setup: () => Promise<ObjectStoreContractFixture>,
  options: ObjectStoreContractOptions = {},
): void {
  const partSize = options.partSize ?? 5 * 1024 * 1024;
  const timeout = options.timeout ?? 120_000;

  describe(`ObjectStore contract: ${name}`, () => {
    let fixture: ObjectStoreContractFixture | undefined;
    const newStore = () => {
      if (fixture === undefined) {
        throw new Error("the contract's setup did not finish");
      }
      return fixture.createStore(`contract-${randomUUID()}`);
    };

    beforeAll(async () => {
      fixture = await setup();
    }, 180_000);
    afterAll(async () => {
      await fixture?.teardown?.();
    }, 60_000);

    it("checks a bucket that exists, and names a missing one", { timeout }, async () => {
      await newStore().check();
      const missing = fixture?.createMissingBucketStore?.();
      if (missing !== undefined) {
        await expectStorageError(missing.check(), "E_STORAGE_BUCKET_NOT_FOUND");
      }
    });

    it("stores and reads back content, metadata and content headers", { timeout }, async () => {
      const store = newStore();
      const content = Buffer.from("hello, object store\n");
      const result = await store.put("docs/hello.txt", content, {
        contentType: "text/plain; charset=utf-8",
        cacheControl: "max-age=60",
        metadata: { "Spotkit-SHA256": sha256(content), owner: "ci" },
      });
      expect(typeof result).toBe("object");

      const info = await store.head("docs/hello.txt");
      expect(info).toMatchObject({
        key: "docs/hello.txt",
        size: content.byteLength,
        contentType: "text/plain; charset=utf-8",
        cacheControl: "max-age=60",
        metadata: { "spotkit-sha256": sha256(content), owner: "ci" },
      });
      expect(info?.md5).toBe(md5(content));

      const { body, info: getInfo } = await store.get("docs/hello.txt");
      expect((await readAll(body)).equals(content)).toBe(true);
      expect(getInfo.size).toBe(content.byteLength);
      expect(getInfo.metadata).toMatchObject({ owner: "ci" });
    });

    it("accepts strings, streams and empty bodies", { timeout }, async () => {
      const store = newStore();
      await store.put("string.txt", "text body ✓");
      await store.put("stream.bin", Readable.from([Buffer.from("a"), Buffer.from("bc")]));
      await store.put("empty-buffer", new Uint8Array(0));
      await store.put("empty-stream", Readable.from([]));

      expect((await readAll((await store.get("string.txt")).body)).toString()).toBe("text body ✓");
      expect((await readAll((await store.get("stream.bin")).body)).toString()).toBe("abc");
      for (const key of ["empty-buffer", "empty-stream"]) {
        const { body, info } = await store.get(key);
        expect((await readAll(body)).byteLength).toBe(0);
        expect(info.size).toBe(0);
        expect((await store.head(key))?.size).toBe(0);
      }
    });

    it("keeps unicode, spaces and reserved URL characters in keys", { timeout }, async () => {
      const store = newStore();
      const keys = [
        "with space/a+b.txt",
        "ünïcödé/ĉode 🚀.txt",
        "q?x#y&z=1.txt",
        "pct%2F.txt",
        "tilde~'(!).txt",
      ];
      for (const key of keys) {
        await store.put(key, `content of ${key}`);
      }
      for (const key of keys) {
        expect((await readAll((await store.get(key)).body)).toString()).toBe(`content of ${key}`);
      }
      const listed = objectKeys(await collect(store.list()));
      expect(listed).toEqual([...keys].sort(compareUtf8));
    });

    it("uploads a body larger than a part in parts, and reads it back intact", {
      timeout,
    }, async () => {
      const store = newStore();
      const content = randomBytes(Math.floor(partSize * 2.5));
      const progress: number[] = [];
      await store.put("big/blob.bin", chunked(content, 256 * 1024), {
        partSize,
        concurrency: 2,
        metadata: { "spotkit-sha256": sha256(content) },
        onProgress: (bytes) => progress.push(bytes),
      });
      const { body, info } = await store.get("big/blob.bin");
      const read = await readAll(body);
      expect(read.byteLength).toBe(content.byteLength);
      expect(sha256(read)).toBe(sha256(content));
      expect(info.size).toBe(content.byteLength);
      expect((await store.head("big/blob.bin"))?.metadata).toEqual({
        "spotkit-sha256": sha256(content),
      });
      expect(progress.at(-1)).toBe(content.byteLength);
    });

    it("reports an object's MD5 in listings and head exactly where reportsMd5 says", {
      timeout,
    }, async () => {
      const store = newStore();
      for (const [key, size] of [
        ["md5/one-request.bin", 1024],
        ["md5/in-parts.bin", Math.floor(partSize * 2.5)],
      ] as const) {
        const content = randomBytes(size);
        await store.put(key, content, { partSize, concurrency: 2 });
        const expected = store.reportsMd5(size, { partSize }) ? md5(content) : undefined;
        expect((await store.head(key))?.md5).toBe(expected);
        const [listed] = await collect(store.list({ prefix: key }));
        expect(listed?.type === "object" ? listed.md5 : "not an object").toBe(expected);
      }
    });

    it("reads byte ranges", { timeout }, async () => {
      const store = newStore();
      await store.put("range.txt", "0123456789");
      expect(
        (
          await readAll((await store.get("range.txt", { range: { start: 2, end: 5 } })).body)
        ).toString(),
      ).toBe("2345");
      const open = await store.get("range.txt", { range: { start: 7 } });
      expect((await readAll(open.body)).toString()).toBe("789");
      expect(open.info.size).toBe(10);
    });

    it("lists with prefix and delimiter, in key order, only the store's own keys", {
      timeout,
    }, async () => {
      const store = newStore();
      const neighbour = newStore();
      await neighbour.put("a/1.txt", "not mine");
      const keys = ["a/1.txt", "a/2.txt", "a/b/3.txt", "a-c.txt", "ab.txt", "z.txt"];
      for (const key of keys) {
        await store.put(key, key);
      }
      const all = await collect(store.list());
      expect(objectKeys(all)).toEqual([...keys].sort(compareUtf8));
      const first = all.find((entry) => entry.type === "object" && entry.key === "z.txt");
      expect(first).toMatchObject({ type: "object", size: 5 });
      expect(first).toMatchObject({ md5: md5(Buffer.from("z.txt")) });

      expect(await collect(store.list({ delimiter: "/" }))).toEqual([
        expect.objectContaining({ type: "object", key: "a-c.txt" }),
        { type: "prefix", prefix: "a/" },
        expect.objectContaining({ type: "object", key: "ab.txt" }),
        expect.objectContaining({ type: "object", key: "z.txt" }),
      ]);
      expect(await collect(store.list({ prefix: "a/", delimiter: "/" }))).toEqual([
        expect.objectContaining({ type: "object", key: "a/1.txt" }),
        expect.objectContaining({ type: "object", key: "a/2.txt" }),
        { type: "prefix", prefix: "a/b/" },
      ]);
      expect(objectKeys(await collect(store.list({ prefix: "a" })))).toEqual(
        ["a-c.txt", "a/1.txt", "a/2.txt", "a/b/3.txt", "ab.txt"].sort(compareUtf8),
      );
      expect(await collect(store.list({ prefix: "nothing-here/" }))).toEqual([]);
    });

    it("deletes in batches, and ignores missing keys", { timeout }, async () => {
      const store = newStore();
      await store.put("keep.txt", "keep");
      await store.put("gone/1.txt", "1");
      await store.put("gone/2.txt", "2");
      await store.delete(["gone/1.txt", "gone/2.txt", "never-existed.txt"]);
      await store.delete([]);
      expect(await store.head("gone/1.txt")).toBeUndefined();
      expect(objectKeys(await collect(store.list()))).toEqual(["keep.txt"]);
      await expectStorageError(store.get("gone/1.txt"), "E_STORAGE_NOT_FOUND");
    });

    if (options.largeBatches ?? true) {
      it("lists more than 1000 keys across pages and deletes them in batches", {
        timeout: timeout * 2,
      }, async () => {
        const store = newStore();
        const keys = Array.from(
          { length: 1105 },
          (_, index) => `many/${String(index).padStart(5, "0")}`,
        );
        await forEachConcurrently(keys, 24, (key) => store.put(key, "x").then(() => undefined));
        const listed = objectKeys(await collect(store.list({ prefix: "many/" })));
        expect(listed).toEqual(keys);
        expect(await collect(store.list({ delimiter: "/" }))).toEqual([
          { type: "prefix", prefix: "many/" },
        ]);
        await store.delete(keys);
        expect(await collect(store.list())).toEqual([]);
      });
    }

    it("copies an object with its metadata", { timeout }, async () => {
      const store = newStore();
      await store.put("source.txt", "copy me", {
        contentType: "text/plain",
        metadata: { "spotkit-sha256": sha256(Buffer.from("copy me")) },
      });
      await store.copy("source.txt", "copies/target 1.txt");
      const info = await store.head("copies/target 1.txt");
      expect(info).toMatchObject({
        size: 7,
        contentType: "text/plain",
        metadata: { "spotkit-sha256": sha256(Buffer.from("copy me")) },
      });
      expect((await readAll((await store.get("copies/target 1.txt")).body)).toString()).toBe(
        "copy me",
      );
      await expectStorageError(store.copy("no-such-source", "x"), "E_STORAGE_NOT_FOUND");
    });

    it("refuses to overwrite with ifNotExists", { timeout }, async () => {
      const store = newStore();
      await store.put("once.txt", "first", { ifNotExists: true });
      await expectStorageError(
        store.put("once.txt", "second", { ifNotExists: true }),
        "E_STORAGE_PRECONDITION",
      );
      expect((await readAll((await store.get("once.txt")).body)).toString()).toBe("first");
      await store.put("once.txt", "third");
      expect((await readAll((await store.get("once.txt")).body)).toString()).toBe("third");
    });

    it("refuses a body whose md5 does not match, and stores nothing", { timeout }, async () => {
      const store = newStore();
      await expectStorageError(
        store.put("corrupt.txt", "actual content", { md5: md5(Buffer.from("other content")) }),
        "E_STORAGE_INTEGRITY",
      );
      expect(await store.head("corrupt.txt")).toBeUndefined();
      await store.put("sound.txt", "actual content", { md5: md5(Buffer.from("actual content")) });
      expect((await store.head("sound.txt"))?.size).toBe(14);
    });

    it("tells a missing object apart in head and get", { timeout }, async () => {
      const store = newStore();
      expect(await store.head("missing.txt")).toBeUndefined();
      await expectStorageError(store.get("missing.txt"), "E_STORAGE_NOT_FOUND");
    });

    it("stops an upload when its signal aborts, and leaves no object", { timeout }, async () => {
      const store = newStore();
      const controller = new AbortController();
      const total = partSize * 6;
      let produced = 0;
      const body = Readable.from(
        (async function* () {
          while (produced < total) {
            produced += 256 * 1024;
            if (produced >= partSize * 2) {
              controller.abort();
            }
            yield randomBytes(256 * 1024);
          }
        })(),
      );
      const outcome = await store
        .put("aborted.bin", body, { partSize, concurrency: 2, signal: controller.signal })
        .then(
          () => "resolved",
          (error: unknown) => error,
        );
      expect((outcome as Error).name).toBe("AbortError");
      expect(produced).toBeLessThan(total);
      expect(await store.head("aborted.bin")).toBeUndefined();
    });

    it("rejects keys that could escape or alias", { timeout }, async () => {
      const store = newStore();
      const hostile = [
        "",
        "/etc/passwd",
        "../outside",
        "a/../../b",
        "a/./b",
        "nul\0byte",
        "..",
        "a/..",
      ];
      for (const key of hostile) {
        await expectStorageError(store.put(key, "x"), "E_STORAGE_INVALID_KEY");
        await expectStorageError(store.get(key), "E_STORAGE_INVALID_KEY");
        await expectStorageError(store.head(key), "E_STORAGE_INVALID_KEY");
        await expectStorageError(store.delete([key]), "E_STORAGE_INVALID_KEY");
        await expectStorageError(store.copy("x", key), "E_STORAGE_INVALID_KEY");
      }
      await expectStorageError(collect(store.list({ prefix: "../" })), "E_STORAGE_INVALID_KEY");
    });
  });
}

// --- helpers shared with adapter tests ---

/** Awaits a promise that must reject with a {@link StorageError} of `code`; returns the error. */
export async function expectStorageError(
  promise: Promise<unknown>,
  code: StorageErrorCode,
): Promise<StorageError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(
    StorageError.isInstance(error),
    `expected a StorageError ${code}, got ${String(error)}`,
  ).toBe(true);
  expect((error as StorageError).code, String(error)).toBe(code);
  return error as StorageError;
}

/** Reads a whole stream into one buffer. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(Buffer.from(chunk as Uint8Array));
  }
  return Buffer.concat(chunks);
}

/** Every entry of an async iterable, in order. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) {
    items.push(item);
  }
  return items;
}

/** Hex SHA-256 of a buffer. */
export function sha256(content: Uint8Array): string {
  return createHash("sha256").update(content).digest("hex");
}

/** Hex MD5 of a buffer. */
export function md5(content: Uint8Array): string {
  return createHash("md5").update(content).digest("hex");
}

/** A stream of `content` in chunks of `chunkSize` bytes. */
export function chunked(content: Buffer, chunkSize: number): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < content.byteLength; offset += chunkSize) {
        yield content.subarray(offset, offset + chunkSize);
      }
    })(),
  );
}

/** The keys of the object entries of a listing. */
export function objectKeys(entries: readonly ListEntry[]): string[] {
  return entries.flatMap((entry) => (entry.type === "object" ? [entry.key] : []));
}

/** Orders strings by their UTF-8 bytes, as S3 orders keys. */
export function compareUtf8(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left), Buffer.from(right));
}

/** Runs `work` on every item, at most `concurrency` at once. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(workers);
}
