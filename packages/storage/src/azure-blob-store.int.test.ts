import { createHash, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { inspect } from "node:util";
import {
  BlobServiceClient,
  type ContainerClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AzurePeer,
  type FaultProxy,
  startAzurite,
  startFaultProxy,
} from "../../test-peers/src/index.js";
import { type AzureBlobStoreConfig, createAzureBlobStore } from "./azure-blob-store.js";
import type { ListEntry, ObjectStore } from "./object-store.js";
import { describeObjectStoreContract } from "./object-store-contract.js";
import { StorageError } from "./storage-error.js";

// Against azurite, the Azure Storage emulator (a real server, in memory), started once for the file.

const containerName = "spotkit-test";
const fastRetry = { attempts: 4, minDelay: 20, maxDelay: 200 };

let azurite: AzurePeer;
let proxy: FaultProxy;
let raw: ContainerClient;

beforeAll(async () => {
  azurite = await startAzurite();
  proxy = await startFaultProxy({ target: azurite.endpoint });
  const service = new BlobServiceClient(
    azurite.endpoint,
    new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
  );
  raw = service.getContainerClient(containerName);
  await raw.create();
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await azurite?.stop();
});

function store(overrides: Partial<AzureBlobStoreConfig> = {}): ObjectStore {
  return createAzureBlobStore({
    container: containerName,
    account: azurite.accountName,
    accountKey: azurite.accountKey,
    endpoint: azurite.endpoint,
    retry: fastRetry,
    ...overrides,
  });
}

/** A store whose requests go through the fault proxy. */
function proxiedStore(overrides: Partial<AzureBlobStoreConfig> = {}): ObjectStore {
  return store({ endpoint: proxy.endpoint, ...overrides });
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

function containerSas(permissions: string, expiresOn = new Date(Date.now() + 3_600_000)): string {
  return generateBlobSASQueryParameters(
    {
      containerName,
      permissions: ContainerSASPermissions.parse(permissions),
      expiresOn,
      startsOn: new Date(Date.now() - 60_000),
    },
    new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
  ).toString();
}

// The behaviour every adapter shares, on the same azurite.
describeObjectStoreContract("Azure Blob Storage on azurite", async () => ({
  createStore: (prefix) => store({ prefix }),
  createMissingBucketStore: () => store({ container: "no-such-container" }),
}));

describe("check", () => {
  it("passes for an existing container", async () => {
    await expect(store().check()).resolves.toBeUndefined();
  });

  it("names the container when it does not exist", async () => {
    const error = await failure(store({ container: "no-such-container" }).check());
    expect(error.code).toBe("E_STORAGE_BUCKET_NOT_FOUND");
    expect(error.message).toContain('"no-such-container"');
    expect(error.message).toContain("container");
  });

  it("reports a wrong account key as E_STORAGE_AUTH naming account_key, without the key", async () => {
    const wrongKey = Buffer.from("this is not the key of the account at all").toString("base64");
    const error = await failure(store({ accountKey: wrongKey }).check());
    expect(error.code).toBe("E_STORAGE_AUTH");
    expect(error.status).toBe(403);
    expect(error.message).toContain("account_key");
    expect(printed(error)).not.toContain(wrongKey);
    expect(printed(error)).not.toContain(azurite.accountKey);
  });

  it("reports an expired SAS as E_STORAGE_AUTH naming the SAS token, without it", async () => {
    const sas = containerSas("rl", new Date(Date.now() - 60_000));
    const error = await failure(
      createAzureBlobStore({
        container: containerName,
        endpoint: azurite.endpoint,
        sasToken: sas,
        retry: fastRetry,
      }).check(),
    );
    expect(error.code).toBe("E_STORAGE_AUTH");
    expect(error.message).toContain("sas_token");
    const signature = new URLSearchParams(sas).get("sig") as string;
    expect(printed(error)).not.toContain(signature);
    expect(printed(error)).not.toContain(encodeURIComponent(signature));
  });

  it("refuses to start without any credential", () => {
    expect(() => createAzureBlobStore({ container: containerName, account: "x" })).toThrow(
      /account_key/,
    );
  });
});

describe("objects", () => {
  it("stores and reads a small object with its headers and metadata", async () => {
    const objects = store();
    await objects.put("small/hello.txt", "hello azure", {
      contentType: "text/plain; charset=utf-8",
      cacheControl: "max-age=60",
      contentEncoding: "identity",
      contentDisposition: "inline",
      metadata: { "spotkit-sha256": sha256(Buffer.from("hello azure")), Owner: "ci" },
    });
    const { body, info } = await objects.get("small/hello.txt");
    expect((await readAll(body)).toString()).toBe("hello azure");
    expect(info).toMatchObject({
      key: "small/hello.txt",
      size: 11,
      md5: md5(Buffer.from("hello azure")),
      contentType: "text/plain; charset=utf-8",
      cacheControl: "max-age=60",
    });
    const head = await objects.head("small/hello.txt");
    expect(head?.metadata).toEqual({
      "spotkit-sha256": sha256(Buffer.from("hello azure")),
      owner: "ci",
    });
    expect(head?.contentEncoding).toBe("identity");
    // Azure metadata names are C# identifiers: the dash is stored as an underscore.
    const properties = await raw.getBlobClient("small/hello.txt").getProperties();
    expect(Object.keys(properties.metadata ?? {})).toContain("spotkit_sha256");
  });

  it("handles unicode, spaces and URL-special characters in keys", async () => {
    const objects = store();
    const key = "dir/ünï cødé/a b+c%20&d#e?.txt";
    await objects.put(key, Buffer.from("unicode"));
    expect((await readAll((await objects.get(key)).body)).toString()).toBe("unicode");
    const entries = await collect(objects.list({ prefix: "dir/ünï cødé/" }));
    expect(entries.map((entry) => (entry.type === "object" ? entry.key : entry.prefix))).toEqual([
      key,
    ]);
  });

  it("stores an empty object from an empty stream", async () => {
    const objects = store();
    await objects.put("empty/stream", Readable.from([]));
    await objects.put("empty/string", "");
    for (const key of ["empty/stream", "empty/string"]) {
      const { body, info } = await objects.get(key);
      expect((await readAll(body)).length).toBe(0);
      expect(info.size).toBe(0);
      expect((await objects.head(key))?.size).toBe(0);
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

  it("uploads 20 MiB in 4 MiB blocks and reports the MD5 of the whole content", async () => {
    const objects = store();
    const content = randomContent(20 * 1024 * 1024);
    const progress: number[] = [];
    await objects.put("large/twenty", content.stream(), {
      partSize: 4 * 1024 * 1024,
      concurrency: 3,
      metadata: { "spotkit-sha256": sha256(content.data) },
      onProgress: (bytes) => progress.push(bytes),
    });
    const blocks = await raw.getBlockBlobClient("large/twenty").getBlockList("committed");
    expect(blocks.committedBlocks?.map((block) => block.size)).toEqual([
      4194304, 4194304, 4194304, 4194304, 4194304,
    ]);
    expect(progress.at(-1)).toBe(20 * 1024 * 1024);
    const { body } = await objects.get("large/twenty");
    expect(sha256(await readAll(body))).toBe(sha256(content.data));
    const listed = await collect(objects.list({ prefix: "large/", includeMetadata: true }));
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      type: "object",
      key: "large/twenty",
      size: 20 * 1024 * 1024,
      md5: md5(content.data),
      metadata: { "spotkit-sha256": sha256(content.data) },
    });
  });

  it("uploads a large buffer in blocks as well", async () => {
    const objects = store();
    const data = randomBytes(5 * 1024 * 1024 + 17);
    await objects.put("large/buffer", data, { partSize: 2 * 1024 * 1024 });
    const blocks = await raw.getBlockBlobClient("large/buffer").getBlockList("committed");
    expect(blocks.committedBlocks).toHaveLength(3);
    expect(sha256(await readAll((await objects.get("large/buffer")).body))).toBe(sha256(data));
  });

  it("refuses ifNotExists on an existing key with E_STORAGE_PRECONDITION, small or in blocks", async () => {
    const objects = store();
    await objects.put("conditional/one", "first", { ifNotExists: true });
    const small = await failure(objects.put("conditional/one", "second", { ifNotExists: true }));
    expect(small.code).toBe("E_STORAGE_PRECONDITION");
    const large = await failure(
      objects.put("conditional/one", randomBytes(3 * 1024 * 1024), {
        ifNotExists: true,
        partSize: 1024 * 1024,
      }),
    );
    expect(large.code).toBe("E_STORAGE_PRECONDITION");
    expect((await readAll((await objects.get("conditional/one")).body)).toString()).toBe("first");
  });

  it("refuses a body whose MD5 differs from the one given, storing nothing", async () => {
    const objects = store();
    const error = await failure(
      objects.put("integrity/small", "content", { md5: md5(Buffer.from("other")) }),
    );
    expect(error.code).toBe("E_STORAGE_INTEGRITY");
    const large = await failure(
      objects.put("integrity/large", randomBytes(3 * 1024 * 1024), {
        md5: md5(Buffer.from("other")),
        partSize: 1024 * 1024,
      }),
    );
    expect(large.code).toBe("E_STORAGE_INTEGRITY");
    expect(await objects.head("integrity/small")).toBeUndefined();
    expect(await objects.head("integrity/large")).toBeUndefined();
  });

  it("refuses metadata names Azure cannot store", async () => {
    const error = await failure(store().put("metadata/bad", "x", { metadata: { "a.b": "c" } }));
    expect(error.code).toBe("E_STORAGE_REQUEST");
    expect(error.message).toContain('"a.b"');
  });

  it("sets the access tier from storageClass", async () => {
    await store().put("tier/cool", "cool", { storageClass: "cool" });
    const properties = await raw.getBlobClient("tier/cool").getProperties();
    expect(properties.accessTier).toBe("Cool");
  });

  it("refuses invalid keys", async () => {
    const error = await failure(store().put("../escape", "x"));
    expect(error.code).toBe("E_STORAGE_INVALID_KEY");
  });
});

describe("list", () => {
  it("pages through more than a thousand blobs in key order", async () => {
    const objects = store({ pageSize: 250 });
    const keys = Array.from(
      { length: 1100 },
      (_, index) => `many/${String(index).padStart(5, "0")}`,
    );
    for (let start = 0; start < keys.length; start += 50) {
      await Promise.all(keys.slice(start, start + 50).map((key) => objects.put(key, key)));
    }
    proxy.resetStats();
    const listed = await collect(proxiedStore({ pageSize: 250 }).list({ prefix: "many/" }));
    expect(listed.map((entry) => (entry.type === "object" ? entry.key : entry.prefix))).toEqual(
      keys,
    );
    // 1100 blobs at 250 a page: five pages.
    expect(proxy.stats.requestsByMethod.GET).toBe(5);
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
    expect(entries.map((entry) => (entry.type === "object" ? entry.key : entry.prefix))).toEqual([
      "tree/a.txt",
      "tree/b/",
      "tree/c/",
      "tree/d.txt",
    ]);
    expect(entries.map((entry) => entry.type)).toEqual(["object", "prefix", "prefix", "object"]);
  });

  it("keeps keys relative to the store prefix", async () => {
    const objects = store({ prefix: "/nested//base/" });
    await objects.put("x/y.txt", "y");
    expect(objects.url).toBe(`${azurite.endpoint}/${containerName}/nested/base`);
    await raw.getBlobClient("nested/base/x/y.txt").getProperties();
    const entries = await collect(objects.list());
    expect(entries).toMatchObject([{ type: "object", key: "x/y.txt", size: 1 }]);
    const grouped = await collect(objects.list({ delimiter: "/" }));
    expect(grouped).toEqual([{ type: "prefix", prefix: "x/" }]);
    await objects.copy("x/y.txt", "x/z.txt");
    await objects.delete(["x/y.txt"]);
    expect(
      (await collect(objects.list())).map((entry) => entry.type === "object" && entry.key),
    ).toEqual(["x/z.txt"]);
  });
});

describe("delete and copy", () => {
  it("deletes in batches of 256, ignoring missing keys", async () => {
    const objects = proxiedStore();
    const keys = Array.from({ length: 300 }, (_, index) => `batch/${index}`);
    for (let start = 0; start < keys.length; start += 50) {
      await Promise.all(keys.slice(start, start + 50).map((key) => store().put(key, key)));
    }
    proxy.resetStats();
    await objects.delete([...keys, "batch/never-existed"]);
    expect(proxy.stats.requestsByMethod).toEqual({ POST: 2 });
    expect(await collect(store().list({ prefix: "batch/" }))).toEqual([]);
  });

  it("falls back to single deletes when the endpoint refuses batches", async () => {
    const objects = proxiedStore();
    const keys = ["fallback/a", "fallback/b", "fallback/c"];
    await Promise.all(keys.map((key) => store().put(key, key)));
    proxy.faults.add({
      match: { method: "POST", query: /comp=batch/ },
      times: 1,
      action: { type: "status", status: 400, body: "batches are not supported here" },
    });
    proxy.resetStats();
    await objects.delete(keys);
    expect(proxy.stats.requestsByMethod.DELETE).toBe(3);
    expect(await collect(store().list({ prefix: "fallback/" }))).toEqual([]);
  });

  it("deleting nothing or a missing key is not an error", async () => {
    await store().delete([]);
    await store().delete(["missing/one"]);
  });

  it("copies within the container, keeping content and metadata", async () => {
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
});

describe("credentials", () => {
  it("works with a connection string", async () => {
    const objects = createAzureBlobStore({
      container: containerName,
      connectionString: azurite.connectionString,
      retry: fastRetry,
    });
    await objects.check();
    await objects.put("credentials/connection-string", "cs");
    expect(await objects.head("credentials/connection-string")).toMatchObject({ size: 2 });
  });

  it("reads the account and key from env", async () => {
    const objects = createAzureBlobStore({
      container: containerName,
      endpoint: azurite.endpoint,
      env: { AZURE_STORAGE_ACCOUNT: azurite.accountName, AZURE_STORAGE_KEY: azurite.accountKey },
    });
    await objects.check();
  });

  it("works with a SAS token, which never shows in url or errors", async () => {
    const sas = containerSas("racwdl");
    const objects = createAzureBlobStore({
      container: containerName,
      endpoint: azurite.endpoint,
      sasToken: `?${sas}`,
      retry: fastRetry,
    });
    expect(objects.url).not.toContain("sig=");
    await objects.check();
    await objects.put("credentials/sas", "sas");
    await objects.copy("credentials/sas", "credentials/sas-copy");
    expect((await readAll((await objects.get("credentials/sas-copy")).body)).toString()).toBe(
      "sas",
    );
    await objects.delete(["credentials/sas", "credentials/sas-copy"]);
    expect(await objects.head("credentials/sas")).toBeUndefined();

    const readOnly = createAzureBlobStore({
      container: containerName,
      endpoint: azurite.endpoint,
      sasToken: containerSas("rl"),
      retry: fastRetry,
    });
    const error = await failure(readOnly.put("credentials/denied", "x"));
    expect(error.code).toBe("E_STORAGE_AUTH");
    expect(error.message).toContain("sas_token");
    expect(printed(error)).not.toMatch(/sig=[^*]/);
  });
});

describe("abort", () => {
  it("leaves nothing visible when a block upload is aborted midway", async () => {
    const controller = new AbortController();
    const blockSize = 1024 * 1024;
    let produced = 0;
    const source = new Readable({
      read() {
        // An endless source: only the abort can end this upload.
        produced += blockSize;
        setTimeout(() => this.push(randomBytes(blockSize)), 5);
      },
    });
    const upload = store().put("abort/midway", source, {
      partSize: blockSize,
      concurrency: 2,
      onProgress: (bytes) => {
        if (bytes >= 3 * blockSize) {
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
    expect(produced).toBeGreaterThanOrEqual(3 * blockSize);
    expect(await store().head("abort/midway")).toBeUndefined();
    const visible = await collect(store().list({ prefix: "abort/" }));
    expect(visible).toEqual([]);
  });

  it("rejects at once with an already aborted signal", async () => {
    const error = await store()
      .put("abort/before", "x", { signal: AbortSignal.abort() })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect((error as Error).name).toBe("AbortError");
    expect(await store().head("abort/before")).toBeUndefined();
  });

  it("aborts a listing and a head", async () => {
    const listing = collect(store().list({ signal: AbortSignal.abort() }));
    await expect(listing).rejects.toMatchObject({ name: "AbortError" });
    await expect(store().head("x", { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: "AbortError",
    });
  });
});

describe("faults through a proxy", () => {
  it("completes a block upload when a block gets 500 twice and the commit 503 once", async () => {
    const content = randomContent(6 * 1024 * 1024);
    const blockRule = proxy.faults.add({
      match: { method: "PUT", query: /comp=block(&|$)/ },
      skip: 1,
      times: 2,
      action: { type: "status", status: 500, body: "injected" },
    });
    const commitRule = proxy.faults.add({
      match: { method: "PUT", query: /comp=blocklist/ },
      times: 1,
      action: { type: "status", status: 503, body: "injected" },
    });
    await proxiedStore().put("faults/status", content.stream(), { partSize: 2 * 1024 * 1024 });
    expect(blockRule.applied).toBe(2);
    expect(commitRule.applied).toBe(1);
    const { body } = await store().get("faults/status");
    expect(sha256(await readAll(body))).toBe(sha256(content.data));
  });

  it("retries throttling (429) and bad gateways (502) the SDK itself does not retry", async () => {
    await store().put("faults/throttled", "throttled");
    const rule = proxy.faults.add({
      match: { method: "HEAD" },
      times: 2,
      action: { type: "status", status: 429, headers: { "retry-after": "0" } },
    });
    const gateway = proxy.faults.add({
      match: { method: "GET", query: /comp=list/ },
      times: 1,
      action: { type: "status", status: 502 },
    });
    expect(await proxiedStore().head("faults/throttled")).toMatchObject({ size: 9 });
    expect(await collect(proxiedStore().list({ prefix: "faults/throttled" }))).toHaveLength(1);
    expect(rule.applied).toBe(2);
    expect(gateway.applied).toBe(1);
  });

  it("completes when a connection drops in the middle of a block's body", async () => {
    const content = randomContent(5 * 1024 * 1024);
    const rule = proxy.faults.add({
      match: { method: "PUT", query: /comp=block(&|$)/ },
      times: 1,
      action: { type: "drop-request", afterBytes: 512 * 1024 },
    });
    await proxiedStore().put("faults/drop-request", content.stream(), {
      partSize: 2 * 1024 * 1024,
    });
    expect(rule.applied).toBe(1);
    expect(sha256(await readAll((await store().get("faults/drop-request")).body))).toBe(
      sha256(content.data),
    );
  });

  it("completes a small upload whose connection drops mid-body", async () => {
    const data = randomBytes(300 * 1024);
    const rule = proxy.faults.add({
      match: { method: "PUT" },
      times: 1,
      action: { type: "drop-request", afterBytes: 100 * 1024 },
    });
    await proxiedStore().put("faults/drop-small", data);
    expect(rule.applied).toBe(1);
    expect(sha256(await readAll((await store().get("faults/drop-small")).body))).toBe(sha256(data));
  });

  it("resumes a download whose response drops midway, and the content matches", async () => {
    const content = randomContent(6 * 1024 * 1024);
    await store().put("faults/drop-response", content.stream(), { partSize: 2 * 1024 * 1024 });
    const rule = proxy.faults.add({
      match: { method: "GET", path: /faults\/drop-response$/ },
      times: 1,
      action: { type: "drop-response", afterBytes: 3 * 1024 * 1024 },
    });
    const { body } = await proxiedStore().get("faults/drop-response");
    expect(sha256(await readAll(body))).toBe(sha256(content.data));
    expect(rule.applied).toBe(1);
  });

  it("completes through slow responses", async () => {
    const content = randomContent(3 * 1024 * 1024);
    const rule = proxy.faults.add({
      match: { method: "PUT" },
      times: 2,
      action: { type: "delay", ms: 700 },
    });
    await proxiedStore().put("faults/delay", content.stream(), { partSize: 1024 * 1024 });
    expect(rule.applied).toBe(2);
    expect(sha256(await readAll((await store().get("faults/delay")).body))).toBe(
      sha256(content.data),
    );
  });

  it("gives up with E_STORAGE_UNAVAILABLE when the server keeps failing, without secrets", async () => {
    const rule = proxy.faults.add({
      match: { method: "HEAD" },
      times: 100,
      action: { type: "status", status: 503 },
    });
    const error = await failure(proxiedStore().head("faults/always"));
    rule.remove();
    expect(error.code).toBe("E_STORAGE_UNAVAILABLE");
    expect(printed(error)).not.toContain(azurite.accountKey);
  });
});
