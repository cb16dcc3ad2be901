import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { inspect } from "node:util";
import { Storage } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FaultProxy,
  type GcsPeer,
  startFaultProxy,
  startGcsFake,
} from "../../test-peers/src/index.js";
import { createGcsStore, type GcsStoreConfig } from "./gcs-store.js";
import type { ListEntry, ObjectStore } from "./object-store.js";
import { describeObjectStoreContract } from "./object-store-contract.js";
import { StorageError } from "./storage-error.js";

// Against spotkit's in-repo FAKE of the GCS JSON API (packages/test-peers): no GCS emulator runs on
// the test machines. The fake is started once for the file, a second one that requires a token too.

const bucketName = "spotkit-test";
const token = "ya29.test-token-that-must-stay-secret";
const fastRetry = { attempts: 4, minDelay: 20, maxDelay: 2000 };

let fake: GcsPeer;
let tokenFake: GcsPeer;
let proxy: FaultProxy;

beforeAll(async () => {
  fake = await startGcsFake();
  tokenFake = await startGcsFake({ requireToken: token });
  proxy = await startFaultProxy({ target: fake.endpoint });
  await new Storage({ apiEndpoint: fake.endpoint, projectId: fake.projectId }).createBucket(
    bucketName,
  );
  // The token fake's bucket, created over plain HTTP with the token.
  const response = await fetch(
    `${tokenFake.endpoint}/storage/v1/b?project=${tokenFake.projectId}`,
    {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ name: bucketName }),
    },
  );
  expect(response.status).toBe(200);
});

afterAll(async () => {
  await proxy?.stop();
  await tokenFake?.stop();
  await fake?.stop();
});

function store(overrides: Partial<GcsStoreConfig> = {}): ObjectStore {
  return createGcsStore({
    bucket: bucketName,
    apiEndpoint: fake.endpoint,
    projectId: fake.projectId,
    retry: fastRetry,
    ...overrides,
  });
}

/** A store whose requests go through the fault proxy. */
function proxiedStore(overrides: Partial<GcsStoreConfig> = {}): ObjectStore {
  return store({ apiEndpoint: proxy.endpoint, ...overrides });
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function collect(iterable: AsyncIterable<ListEntry>): Promise<ListEntry[]> {
  const entries: ListEntry[] = [];
  for await (const entry of iterable) {
    entries.push(entry);
  }
  return entries;
}

function names(entries: ListEntry[]): string[] {
  return entries.map((entry) => (entry.type === "object" ? entry.key : entry.prefix));
}

async function failure(promise: Promise<unknown>): Promise<StorageError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected a StorageError, got ${String(error)}`).toBeInstanceOf(StorageError);
  return error as StorageError;
}

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function md5(data: Buffer): string {
  return createHash("md5").update(data).digest("hex");
}

/** `size` random bytes delivered as a stream of 1 MiB chunks (or smaller). */
function randomContent(size: number): { data: Buffer; stream: () => Readable } {
  const data = randomBytes(size);
  const chunkSize = 1024 * 1024;
  return {
    data,
    stream: () =>
      Readable.from(
        (function* () {
          for (let offset = 0; offset < size; offset += chunkSize) {
            yield data.subarray(offset, offset + chunkSize);
          }
        })(),
      ),
  };
}

/** Every way an error can be printed: none of them may show a secret. */
function printed(error: unknown): string {
  return [String(error), (error as Error).message, inspect(error, { depth: 10 })].join("\n");
}

function storedNames(prefix: string): string[] {
  return fake
    .objects(bucketName)
    .map((object) => object.name)
    .filter((name) => name.startsWith(prefix));
}

// The behaviour every adapter shares, on the same GCS fake.
describeObjectStoreContract("Google Cloud Storage on the GCS fake", async () => ({
  createStore: (prefix) => store({ prefix }),
  createMissingBucketStore: () => store({ bucket: "no-such-bucket" }),
}));

describe("check (GCS fake)", () => {
  it("passes for an existing bucket", async () => {
    await expect(store().check()).resolves.toBeUndefined();
  });

  it("names the bucket when it does not exist", async () => {
    const error = await failure(store({ bucket: "no-such-bucket" }).check());
    expect(error.code).toBe("E_STORAGE_BUCKET_NOT_FOUND");
    expect(error.message).toContain('"no-such-bucket"');
    expect(error.message).toContain("target");
  });

  it("works with the right token and reports a wrong one as E_STORAGE_AUTH naming token", async () => {
    const good = store({ apiEndpoint: tokenFake.endpoint, projectId: tokenFake.projectId, token });
    await good.check();
    const wrong = "ya29.wrong-token-also-secret";
    const error = await failure(
      store({
        apiEndpoint: tokenFake.endpoint,
        projectId: tokenFake.projectId,
        token: wrong,
      }).check(),
    );
    expect(error.code).toBe("E_STORAGE_AUTH");
    expect(error.status).toBe(401);
    expect(error.message).toContain("token");
    expect(printed(error)).not.toContain(wrong);
  });

  it("reports a missing token as E_STORAGE_AUTH", async () => {
    const error = await failure(
      store({ apiEndpoint: tokenFake.endpoint, projectId: tokenFake.projectId }).check(),
    );
    expect(error.code).toBe("E_STORAGE_AUTH");
  });

  it("refuses credentials that are not JSON without quoting them", () => {
    const text = "-----BEGIN PRIVATE KEY-----\nnot json at all\n-----END PRIVATE KEY-----";
    let caught: unknown;
    try {
      store({ credentials: text });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StorageError);
    expect((caught as StorageError).code).toBe("E_STORAGE_AUTH");
    expect((caught as StorageError).message).toContain("json_key");
    expect(printed(caught)).not.toContain("not json at all");
  });

  it("refuses skipVerify, which the client cannot honour for one store", () => {
    expect(() => store({ skipVerify: true })).toThrow(/NODE_EXTRA_CA_CERTS/);
  });
});

describe("objects (GCS fake)", () => {
  it("stores and reads a small object with its headers and metadata", async () => {
    const objects = store();
    const content = Buffer.from("hello gcs");
    await objects.put("small/hello.txt", content, {
      contentType: "text/plain; charset=utf-8",
      cacheControl: "max-age=60",
      contentDisposition: "inline",
      metadata: { "spotkit-sha256": sha256(content), Owner: "ci" },
    });
    const { body, info } = await objects.get("small/hello.txt");
    expect((await readAll(body)).toString()).toBe("hello gcs");
    expect(info).toMatchObject({
      key: "small/hello.txt",
      size: 9,
      md5: md5(content),
      contentType: "text/plain; charset=utf-8",
      cacheControl: "max-age=60",
      metadata: { "spotkit-sha256": sha256(content), owner: "ci" },
    });
    expect(info.crc32c).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    expect(await objects.head("small/hello.txt")).toMatchObject({ size: 9, md5: md5(content) });
  });

  it("stores gzip-encoded bytes as they are and reads them back unchanged", async () => {
    const objects = store();
    const gzipped = Buffer.from(
      "1f8b0800000000000003cb48cdc9c95728cf2fca49010085114a0d0b000000",
      "hex",
    );
    await objects.put("encoded/hello.gz", gzipped, { contentEncoding: "gzip" });
    const { body, info } = await objects.get("encoded/hello.gz");
    expect(sha256(await readAll(body))).toBe(sha256(gzipped));
    expect(info.contentEncoding).toBe("gzip");
  });

  it("handles unicode, spaces and URL-special characters in keys", async () => {
    const objects = store();
    const key = "dir/ünï cødé/a b+c%20&d#e?.txt";
    await objects.put(key, "unicode");
    expect((await readAll((await objects.get(key)).body)).toString()).toBe("unicode");
    expect(names(await collect(objects.list({ prefix: "dir/ünï cødé/" })))).toEqual([key]);
    expect(storedNames("dir/")).toEqual([key]);
  });

  it("stores an empty object from an empty stream or string", async () => {
    const objects = store();
    await objects.put("empty/stream", Readable.from([]));
    await objects.put("empty/string", "");
    for (const key of ["empty/stream", "empty/string"]) {
      const { body, info } = await objects.get(key);
      expect((await readAll(body)).length).toBe(0);
      expect(info.size).toBe(0);
    }
  });

  it("returns undefined from head and E_STORAGE_NOT_FOUND from get for a missing key", async () => {
    const objects = store();
    expect(await objects.head("missing/key")).toBeUndefined();
    const error = await failure(objects.get("missing/key"));
    expect(error.code).toBe("E_STORAGE_NOT_FOUND");
    expect(error.message).toContain("missing/key");
  });

  it("reads a byte range", async () => {
    const objects = store();
    await objects.put("range/digits", "0123456789");
    const { body, info } = await objects.get("range/digits", { range: { start: 2, end: 5 } });
    expect((await readAll(body)).toString()).toBe("2345");
    expect(info.size).toBe(10);
    const tail = await objects.get("range/digits", { range: { start: 7 } });
    expect((await readAll(tail.body)).toString()).toBe("789");
  });

  it("uploads 20 MiB resumably in 4 MiB chunks, hashes matching", async () => {
    const objects = store();
    const content = randomContent(20 * 1024 * 1024);
    const progress: number[] = [];
    await objects.put("large/twenty", content.stream(), {
      partSize: 4 * 1024 * 1024,
      metadata: { "spotkit-sha256": sha256(content.data) },
      onProgress: (bytes) => progress.push(bytes),
    });
    expect(progress.at(-1)).toBe(20 * 1024 * 1024);
    expect(fake.openUploads()).toBe(0);
    const { body } = await objects.get("large/twenty");
    expect(sha256(await readAll(body))).toBe(sha256(content.data));
    const listed = await collect(objects.list({ prefix: "large/" }));
    expect(listed).toEqual([
      expect.objectContaining({
        type: "object",
        key: "large/twenty",
        size: 20 * 1024 * 1024,
        md5: md5(content.data),
        metadata: { "spotkit-sha256": sha256(content.data) },
      }),
    ]);
  });

  it("refuses ifNotExists on an existing key with E_STORAGE_PRECONDITION, small or resumable", async () => {
    const objects = store();
    await objects.put("conditional/one", "first", { ifNotExists: true });
    const small = await failure(objects.put("conditional/one", "second", { ifNotExists: true }));
    expect(small.code).toBe("E_STORAGE_PRECONDITION");
    const large = await failure(
      objects.put("conditional/one", randomBytes(1024 * 1024), {
        ifNotExists: true,
        partSize: 256 * 1024,
      }),
    );
    expect(large.code).toBe("E_STORAGE_PRECONDITION");
    expect((await readAll((await objects.get("conditional/one")).body)).toString()).toBe("first");
    expect(fake.openUploads()).toBe(0);
  });

  it("refuses a body whose MD5 differs from the one given, storing nothing", async () => {
    const objects = store();
    const small = await failure(
      objects.put("integrity/small", "content", { md5: md5(Buffer.from("other")) }),
    );
    expect(small.code).toBe("E_STORAGE_INTEGRITY");
    const large = await failure(
      objects.put("integrity/large", randomBytes(1024 * 1024), {
        md5: md5(Buffer.from("other")),
        partSize: 256 * 1024,
      }),
    );
    expect(large.code).toBe("E_STORAGE_INTEGRITY");
    expect(storedNames("integrity/")).toEqual([]);
    expect(fake.openUploads()).toBe(0);
  });

  it("fails a download whose bytes do not match the stored MD5 with E_STORAGE_INTEGRITY", async () => {
    const objects = store();
    await objects.put("corrupt/object", randomBytes(64 * 1024));
    fake.corruptObject(bucketName, "corrupt/object");
    const { body } = await objects.get("corrupt/object");
    const error = await readAll(body).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StorageError);
    expect((error as StorageError).code).toBe("E_STORAGE_INTEGRITY");
  });

  it("refuses invalid keys", async () => {
    const error = await failure(store().put("a/../b", "x"));
    expect(error.code).toBe("E_STORAGE_INVALID_KEY");
  });
});

describe("list (GCS fake)", () => {
  it("pages through more than a thousand objects in key order", async () => {
    const objects = store();
    const keys = Array.from(
      { length: 1100 },
      (_, index) => `many/${String(index).padStart(5, "0")}`,
    );
    for (let start = 0; start < keys.length; start += 100) {
      await Promise.all(keys.slice(start, start + 100).map((key) => objects.put(key, key)));
    }
    proxy.resetStats();
    // The default page is GCS's maximum, 1000: two pages.
    expect(names(await collect(proxiedStore().list({ prefix: "many/" })))).toEqual(keys);
    expect(proxy.stats.requestsByMethod.GET).toBe(2);
    proxy.resetStats();
    expect(names(await collect(proxiedStore({ pageSize: 300 }).list({ prefix: "many/" })))).toEqual(
      keys,
    );
    expect(proxy.stats.requestsByMethod.GET).toBe(4);
  });

  it("groups by delimiter across pages, objects and prefixes in key order", async () => {
    const objects = store({ pageSize: 2 });
    for (const key of [
      "tree/a.txt",
      "tree/b/1.txt",
      "tree/b/2.txt",
      "tree/c/3.txt",
      "tree/d.txt",
    ]) {
      await objects.put(key, key);
    }
    const entries = await collect(objects.list({ prefix: "tree/", delimiter: "/" }));
    expect(names(entries)).toEqual(["tree/a.txt", "tree/b/", "tree/c/", "tree/d.txt"]);
    expect(entries.map((entry) => entry.type)).toEqual(["object", "prefix", "prefix", "object"]);
  });

  it("keeps keys relative to the store prefix", async () => {
    const objects = store({ prefix: "nested/base/" });
    expect(objects.url).toBe(`gs://${bucketName}/nested/base`);
    await objects.put("x/y.txt", "y");
    expect(storedNames("nested/")).toEqual(["nested/base/x/y.txt"]);
    expect(await collect(objects.list())).toMatchObject([{ type: "object", key: "x/y.txt" }]);
    expect(await collect(objects.list({ delimiter: "/" }))).toEqual([
      { type: "prefix", prefix: "x/" },
    ]);
    await objects.copy("x/y.txt", "x/z.txt");
    await objects.delete(["x/y.txt"]);
    expect(storedNames("nested/")).toEqual(["nested/base/x/z.txt"]);
  });
});

describe("delete and copy (GCS fake)", () => {
  it("deletes many keys in parallel, ignoring missing ones", async () => {
    const objects = store();
    const keys = Array.from({ length: 60 }, (_, index) => `batch/${index}`);
    await Promise.all(keys.map((key) => objects.put(key, key)));
    await objects.delete([...keys, "batch/never-existed"]);
    expect(storedNames("batch/")).toEqual([]);
    await objects.delete([]);
  });

  it("copies within the bucket, keeping content and metadata", async () => {
    const objects = store();
    await objects.put("copy/source", "copied content", {
      metadata: { "spotkit-sha256": "abc" },
      contentType: "text/plain",
    });
    await objects.copy("copy/source", "copy/target");
    const { body, info } = await objects.get("copy/target");
    expect((await readAll(body)).toString()).toBe("copied content");
    expect(info.metadata).toEqual({ "spotkit-sha256": "abc" });
    expect(info.contentType).toBe("text/plain");
    const error = await failure(objects.copy("copy/missing", "copy/other"));
    expect(error.code).toBe("E_STORAGE_NOT_FOUND");
  });

  it("does everything with a token on a fake that requires one", async () => {
    const objects = store({
      apiEndpoint: tokenFake.endpoint,
      projectId: tokenFake.projectId,
      token,
    });
    const content = randomContent(2 * 1024 * 1024);
    await objects.put("token/large", content.stream(), { partSize: 512 * 1024 });
    await objects.put("token/small", "small");
    await objects.copy("token/small", "token/copy");
    expect(sha256(await readAll((await objects.get("token/large")).body))).toBe(
      sha256(content.data),
    );
    expect(names(await collect(objects.list({ prefix: "token/" })))).toEqual([
      "token/copy",
      "token/large",
      "token/small",
    ]);
    await objects.delete(["token/large", "token/small", "token/copy"]);
    expect(tokenFake.objects(bucketName)).toEqual([]);
  });
});

describe("abort (GCS fake)", () => {
  it("cancels the resumable session and leaves nothing visible when aborted midway", async () => {
    const controller = new AbortController();
    const chunk = 256 * 1024;
    const source = new Readable({
      read() {
        // An endless source: only the abort can end this upload.
        setTimeout(() => this.push(randomBytes(chunk)), 2);
      },
    });
    const upload = store().put("abort/midway", source, {
      partSize: chunk,
      onProgress: (bytes) => {
        if (bytes >= 3 * chunk) {
          controller.abort();
        }
      },
      signal: controller.signal,
    });
    const error = await upload.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect((error as Error).name).toBe("AbortError");
    expect(source.destroyed).toBe(true);
    expect(fake.openUploads()).toBe(0);
    expect(storedNames("abort/")).toEqual([]);
    expect(await store().head("abort/midway")).toBeUndefined();
  });

  it("rejects at once with an already aborted signal", async () => {
    const error = await store()
      .put("abort/before", "x", { signal: AbortSignal.abort() })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect((error as Error).name).toBe("AbortError");
    expect(storedNames("abort/")).toEqual([]);
  });

  it("stops a download when aborted", async () => {
    await store().put("abort/download", randomBytes(2 * 1024 * 1024));
    const controller = new AbortController();
    const { body } = await store().get("abort/download", { signal: controller.signal });
    controller.abort();
    await expect(readAll(body)).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("faults through a proxy (GCS fake)", () => {
  it("completes a resumable upload when two chunks get 500 and the session start 503", async () => {
    const content = randomContent(4 * 1024 * 1024);
    const start = proxy.faults.add({
      match: { method: "POST", query: /uploadType=resumable/ },
      times: 1,
      action: { type: "status", status: 503 },
    });
    // PUTs of the session: chunk 1, chunk 2 (500), status query, chunk 2, chunk 3 (500), status
    // query, chunk 3, chunk 4. A rule only sees requests once the one before it is spent. The
    // status query is a PUT to the same URL, so one rule with `times: 2` would fail it as well:
    // @google-cloud/storage 8.4 then gives up on the session (see gcs-store.ts).
    const second = proxy.faults.add({
      match: { method: "PUT", query: /upload_id=/ },
      skip: 1,
      times: 1,
      action: { type: "status", status: 500 },
    });
    const third = proxy.faults.add({
      match: { method: "PUT", query: /upload_id=/ },
      skip: 2,
      times: 1,
      action: { type: "status", status: 500 },
    });
    await proxiedStore().put("faults/status", content.stream(), { partSize: 1024 * 1024 });
    expect(start.applied).toBe(1);
    expect(second.applied + third.applied).toBe(2);
    expect(fake.openUploads()).toBe(0);
    expect(sha256(await readAll((await store().get("faults/status")).body))).toBe(
      sha256(content.data),
    );
  });

  it("completes a small upload and a listing after 429 and 502", async () => {
    const upload = proxy.faults.add({
      match: { method: "POST", query: /uploadType=multipart/ },
      times: 1,
      action: { type: "status", status: 429 },
    });
    const listing = proxy.faults.add({
      match: { method: "GET", path: /\/o$/ },
      times: 1,
      action: { type: "status", status: 502 },
    });
    await proxiedStore().put("faults/small", "small");
    expect(names(await collect(proxiedStore().list({ prefix: "faults/small" })))).toEqual([
      "faults/small",
    ]);
    expect(upload.applied).toBe(1);
    expect(listing.applied).toBe(1);
  });

  it("completes when a connection drops in the middle of a chunk's body", async () => {
    const content = randomContent(3 * 1024 * 1024);
    const rule = proxy.faults.add({
      match: { method: "PUT", query: /upload_id=/ },
      skip: 1,
      times: 1,
      action: { type: "drop-request", afterBytes: 300 * 1024 },
    });
    await proxiedStore().put("faults/drop-request", content.stream(), { partSize: 1024 * 1024 });
    expect(rule.applied).toBe(1);
    expect(sha256(await readAll((await store().get("faults/drop-request")).body))).toBe(
      sha256(content.data),
    );
  });

  it("completes a small upload whose connection drops mid-body", async () => {
    const data = randomBytes(300 * 1024);
    const rule = proxy.faults.add({
      match: { method: "POST", query: /uploadType=multipart/ },
      times: 1,
      action: { type: "drop-request", afterBytes: 100 * 1024 },
    });
    await proxiedStore().put("faults/drop-small", data);
    expect(rule.applied).toBe(1);
    expect(sha256(await readAll((await store().get("faults/drop-small")).body))).toBe(sha256(data));
  });

  it("resumes a download whose response drops midway, and the content matches", async () => {
    const content = randomContent(4 * 1024 * 1024);
    await store().put("faults/drop-response", content.stream());
    const rule = proxy.faults.add({
      match: { method: "GET", query: /alt=media/ },
      times: 1,
      action: { type: "drop-response", afterBytes: 1024 * 1024 },
    });
    const { body } = await proxiedStore().get("faults/drop-response");
    expect(sha256(await readAll(body))).toBe(sha256(content.data));
    expect(rule.applied).toBe(1);
  });

  it("completes through slow responses", async () => {
    const content = randomContent(2 * 1024 * 1024);
    const rule = proxy.faults.add({
      match: { method: "PUT" },
      times: 2,
      action: { type: "delay", ms: 700 },
    });
    await proxiedStore().put("faults/delay", content.stream(), { partSize: 512 * 1024 });
    expect(rule.applied).toBe(2);
    expect(sha256(await readAll((await store().get("faults/delay")).body))).toBe(
      sha256(content.data),
    );
  });

  it("gives up with E_STORAGE_UNAVAILABLE when the server keeps failing, without secrets", async () => {
    const rule = proxy.faults.add({
      match: { method: "GET" },
      times: 100,
      action: { type: "status", status: 503 },
    });
    const error = await failure(
      proxiedStore({ retry: { attempts: 2, maxDelay: 1000 }, token }).head("faults/always"),
    );
    rule.remove();
    expect(error.code).toBe("E_STORAGE_UNAVAILABLE");
    expect(printed(error)).not.toContain(token);
  });
});
