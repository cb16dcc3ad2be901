import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createServer as createTlsServer } from "node:tls";
import { inspect, promisify } from "node:util";
import { CreateBucketCommand, ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type FaultProxy,
  type S3Peer,
  startFaultProxy,
  startS3Peer,
} from "../../test-peers/src/index.js";
import { type ChunkPool, createChunkPool } from "./chunk-pool.js";
import type { ObjectStore } from "./object-store.js";
import {
  chunked,
  collect,
  compareUtf8,
  describeObjectStoreContract,
  expectStorageError,
  md5,
  readAll,
  sha256,
} from "./object-store-contract.js";
import { createS3Store, type S3StoreConfig } from "./s3-store.js";
import { StorageError } from "./storage-error.js";

const mebibyte = 1024 * 1024;
const bucket = "spotkit-storage-test";

/** One S3 server for the whole file, started on first use, stopped in the file's afterAll. */
let peerPromise: Promise<S3Peer> | undefined;
function usePeer(): Promise<S3Peer> {
  peerPromise ??= (async () => {
    const peer = await startS3Peer();
    await adminClient(peer).send(new CreateBucketCommand({ Bucket: bucket }));
    return peer;
  })();
  return peerPromise;
}
afterAll(async () => {
  const peer = await peerPromise?.catch(() => undefined);
  await peer?.stop();
}, 60_000);

function adminClient(peer: S3Peer): S3Client {
  return new S3Client({
    endpoint: peer.endpoint,
    region: peer.region,
    forcePathStyle: true,
    credentials: { accessKeyId: peer.accessKeyId, secretAccessKey: peer.secretAccessKey },
  });
}

function storeConfig(peer: S3Peer, overrides: Partial<S3StoreConfig> = {}): S3StoreConfig {
  return {
    bucket,
    endpoint: peer.endpoint,
    region: peer.region,
    accessKeyId: peer.accessKeyId,
    secretAccessKey: peer.secretAccessKey,
    // The machine's environment sets AWS_CA_BUNDLE (and more): an http endpoint must not mind.
    env: process.env,
    ...overrides,
  };
}

async function pendingUploads(peer: S3Peer, prefix: string): Promise<number> {
  const output = await adminClient(peer).send(
    new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }),
  );
  return output.Uploads?.length ?? 0;
}

describeObjectStoreContract("s3", async () => {
  const peer = await usePeer();
  return {
    createStore: (prefix) => createS3Store(storeConfig(peer, { prefix })),
    createMissingBucketStore: () =>
      createS3Store(storeConfig(peer, { bucket: "no-such-bucket-here" })),
  };
});

describe("createS3Store", () => {
  let peer: S3Peer;
  const newPrefix = () => `s3-${randomUUID()}`;
  beforeAll(async () => {
    peer = await usePeer();
  }, 180_000);

  it("uploads 20 MiB in 5 MiB parts: intact, no md5 in the listing, metadata in head", {
    timeout: 120_000,
  }, async () => {
    const prefix = newPrefix();
    const store = createS3Store(storeConfig(peer, { prefix }));
    const content = randomBytes(20 * mebibyte);
    const result = await store.put("multi/part.bin", chunked(content, mebibyte), {
      partSize: 5 * mebibyte,
      metadata: { "spotkit-sha256": sha256(content) },
      contentType: "application/octet-stream",
    });
    expect(result.etag).toMatch(/-4$/);
    const { body } = await store.get("multi/part.bin");
    expect(sha256(await readAll(body))).toBe(sha256(content));
    const [entry] = await collect(store.list({ prefix: "multi/" }));
    expect(entry).toMatchObject({
      type: "object",
      key: "multi/part.bin",
      size: content.byteLength,
    });
    expect(entry && "md5" in entry ? entry.md5 : undefined).toBeUndefined();
    const info = await store.head("multi/part.bin");
    expect(info?.metadata).toEqual({ "spotkit-sha256": sha256(content) });
    expect(info?.md5).toBeUndefined();
    expect(info?.etag).toMatch(/-4$/);
    await store.delete(["multi/part.bin"]);
  });

  it("streams a body of known size up to multipartThreshold in one PutObject", {
    timeout: 120_000,
  }, async () => {
    const store = createS3Store(storeConfig(peer, { prefix: newPrefix() }));
    const content = randomBytes(12 * mebibyte);
    let opened = 0;
    const open = () => {
      opened += 1;
      return chunked(content, 256 * 1024);
    };
    let progress = 0;
    const result = await store.put("single/stream.bin", open(), {
      size: content.byteLength,
      md5: md5(content),
      openBody: open,
      multipartThreshold: 16 * mebibyte,
      onProgress: (bytes) => {
        progress = bytes;
      },
    });
    // One PutObject: the ETag is the content's MD5, not a multipart `…-N`.
    expect(result.etag).toBe(md5(content));
    expect(opened).toBe(1);
    expect(progress).toBe(content.byteLength);
    expect(sha256(await readAll((await store.get("single/stream.bin")).body))).toBe(
      sha256(content),
    );
    await expectStorageError(
      store.put("single/short.bin", chunked(content.subarray(0, mebibyte), mebibyte), {
        size: 2 * mebibyte,
        openBody: () => chunked(content.subarray(0, mebibyte), mebibyte),
        multipartThreshold: 16 * mebibyte,
      }),
      "E_STORAGE_INTEGRITY",
    );
    expect(await store.head("single/short.bin")).toBeUndefined();
  });

  it("gives the chunks of a streamed PutObject back to their pool once sent", {
    timeout: 120_000,
  }, async () => {
    const store = createS3Store(storeConfig(peer, { prefix: newPrefix() }));
    const { content, buffersUsed, idle } = await putPooled(store, "single/pooled.bin");
    // 192 chunks went through a few buffers, each written before it was used again.
    expect(buffersUsed).toBeLessThan(24);
    expect(idle).toBeGreaterThan(0);
    expect(sha256(await readAll((await store.get("single/pooled.bin")).body))).toBe(
      sha256(content),
    );
  });

  it("refuses a streamed single PutObject whose Content-MD5 does not match", {
    timeout: 120_000,
  }, async ({ skip }) => {
    if (peer.kind !== "radosgw") {
      skip("moto does not check Content-MD5");
    }
    const store = createS3Store(storeConfig(peer, { prefix: newPrefix() }));
    const content = randomBytes(2 * mebibyte);
    await expectStorageError(
      store.put("single/corrupt.bin", chunked(content, mebibyte), {
        size: content.byteLength,
        md5: md5(randomBytes(16)),
        openBody: () => chunked(content, mebibyte),
        multipartThreshold: 16 * mebibyte,
      }),
      "E_STORAGE_INTEGRITY",
    );
    expect(await store.head("single/corrupt.bin")).toBeUndefined();
  });

  it("aborts a streamed single PutObject on signal and stores nothing", {
    timeout: 120_000,
  }, async () => {
    const store = createS3Store(storeConfig(peer, { prefix: newPrefix() }));
    const controller = new AbortController();
    let produced = 0;
    const body = Readable.from(
      (async function* () {
        while (produced < 32 * mebibyte) {
          produced += mebibyte;
          if (produced === 8 * mebibyte) {
            controller.abort();
          }
          yield randomBytes(mebibyte);
        }
      })(),
    );
    const error = await store
      .put("single/aborted.bin", body, {
        size: 32 * mebibyte,
        openBody: () => Readable.from([]),
        multipartThreshold: 64 * mebibyte,
        signal: controller.signal,
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect((error as Error | undefined)?.name).toBe("AbortError");
    expect(produced).toBeLessThan(32 * mebibyte);
    expect(await store.head("single/aborted.bin")).toBeUndefined();
    expect(await pendingUploads(peer, "")).toBe(0);
  });

  it("aborts a 64 MiB streaming upload on signal and leaves no multipart upload", {
    timeout: 120_000,
  }, async () => {
    const prefix = newPrefix();
    const store = createS3Store(storeConfig(peer, { prefix }));
    const controller = new AbortController();
    let produced = 0;
    const body = Readable.from(
      (async function* () {
        while (produced < 64 * mebibyte) {
          produced += mebibyte;
          if (produced === 24 * mebibyte) {
            controller.abort();
          }
          yield randomBytes(mebibyte);
        }
      })(),
    );
    const error = await store
      .put("aborted/big.bin", body, {
        partSize: 5 * mebibyte,
        concurrency: 4,
        signal: controller.signal,
      })
      .then(
        () => undefined,
        (caught: unknown) => caught,
      );
    expect((error as Error | undefined)?.name).toBe("AbortError");
    expect(produced).toBeLessThan(64 * mebibyte);
    // Checked right away: put only rejects once the multipart upload is aborted on the server.
    expect(await pendingUploads(peer, prefix)).toBe(0);
    expect(await store.head("aborted/big.bin")).toBeUndefined();
  });

  it("aborts the multipart upload when a part keeps failing", { timeout: 120_000 }, async () => {
    const prefix = newPrefix();
    const proxy = await startFaultProxy({ target: peer.endpoint });
    try {
      const store = createS3Store(
        storeConfig(peer, { prefix, endpoint: proxy.endpoint, maxAttempts: 2 }),
      );
      proxy.faults.add({
        match: { method: "PUT", query: /partNumber=2/ },
        times: 100,
        action: { type: "status", status: 400, body: "" },
      });
      await expectStorageError(
        store.put("failing/part.bin", chunked(randomBytes(15 * mebibyte), mebibyte), {
          partSize: 5 * mebibyte,
        }),
        "E_STORAGE_REQUEST",
      );
      expect(await pendingUploads(peer, prefix)).toBe(0);
      expect(await store.head("failing/part.bin")).toBeUndefined();
    } finally {
      await proxy.stop();
    }
  });

  it("refuses ifNotExists when another writer completes the key during a multipart upload", {
    timeout: 120_000,
  }, async () => {
    const prefix = newPrefix();
    const store = createS3Store(storeConfig(peer, { prefix }));
    const rival = createS3Store(storeConfig(peer, { prefix }));
    const body = Readable.from(
      (async function* () {
        yield randomBytes(6 * mebibyte);
        // The first part is on its way; now someone else takes the key.
        await rival.put("race.bin", "rival was first");
        yield randomBytes(6 * mebibyte);
      })(),
    );
    await expectStorageError(
      store.put("race.bin", body, { partSize: 5 * mebibyte, ifNotExists: true }),
      "E_STORAGE_PRECONDITION",
    );
    expect((await readAll((await store.get("race.bin")).body)).toString()).toBe("rival was first");
    expect(await pendingUploads(peer, prefix)).toBe(0);
  });

  it("rejects a wrong secret with E_STORAGE_AUTH and never shows the secret", {
    timeout: 120_000,
  }, async ({ skip }) => {
    if (peer.kind !== "radosgw") {
      skip("moto accepts any signature");
    }
    const secret = `wrong-${randomUUID()}`;
    const sessionToken = `token-${randomUUID()}`;
    const store = createS3Store(
      storeConfig(peer, { prefix: newPrefix(), secretAccessKey: secret, sessionToken }),
    );
    const failures: unknown[] = [];
    const operations: (() => Promise<unknown>)[] = [
      () => store.check(),
      () => collect(store.list()),
      () => store.head("x"),
      () => store.put("x", "y"),
      () => store.put("big", randomBytes(6 * mebibyte), { partSize: 5 * mebibyte }),
      () => store.get("x"),
      () => store.delete(["x"]),
      () => store.copy("x", "y"),
    ];
    for (const operation of operations) {
      failures.push(
        await operation().then(
          () => "resolved",
          (error: unknown) => error,
        ),
      );
    }
    const checkError = failures[0] as StorageError;
    expect(checkError.code).toBe("E_STORAGE_AUTH");
    expect(checkError.message).toContain("access_key/secret_key");
    for (const failure of failures) {
      expect(StorageError.isInstance(failure), String(failure)).toBe(true);
      expect((failure as StorageError).code).toBe("E_STORAGE_AUTH");
      for (const text of [
        String(failure),
        (failure as Error).message,
        inspect(failure, { depth: 10 }),
        JSON.stringify(failure),
      ]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(sessionToken);
      }
    }
  });

  it("names the bucket and endpoint when the bucket is missing", async () => {
    const store = createS3Store(storeConfig(peer, { bucket: "spotkit-missing-bucket" }));
    const error = await expectStorageError(store.check(), "E_STORAGE_BUCKET_NOT_FOUND");
    expect(error.message).toBe(
      `The bucket "spotkit-missing-bucket" does not exist at ${peer.endpoint}: create it or fix \`bucket\`.`,
    );
    await expectStorageError(collect(store.list()), "E_STORAGE_BUCKET_NOT_FOUND");
  });

  describe("through a faulty network", () => {
    let proxy: FaultProxy;
    let store: ObjectStore;
    beforeAll(async () => {
      proxy = await startFaultProxy({ target: peer.endpoint });
      store = createS3Store(storeConfig(peer, { prefix: newPrefix(), endpoint: proxy.endpoint }));
    });
    afterAll(async () => {
      await proxy?.stop();
    });

    it("sends each small put in one direct request, whatever its key and headers", {
      timeout: 60_000,
    }, async () => {
      const keys = [
        "direct/ü ñ 中.txt",
        "direct/a+b=c&d?e#f;g,h.txt",
        "direct/(1)*!'~$@.txt",
        "direct/deep/er/plain.txt",
      ];
      proxy.resetStats();
      for (const key of keys) {
        const content = Buffer.from(`content of ${key}`);
        await store.put(key, content, {
          md5: md5(content),
          contentType: "text/plain",
          cacheControl: "max-age=60",
          contentDisposition: "inline",
          metadata: { "spotkit-sha256": sha256(content), Team: "web" },
        });
      }
      expect(proxy.stats.requestsByMethod).toEqual({ PUT: keys.length });
      for (const key of keys) {
        const content = Buffer.from(`content of ${key}`);
        expect(await store.head(key)).toMatchObject({
          key,
          size: content.length,
          md5: md5(content),
          contentType: "text/plain",
          cacheControl: "max-age=60",
          metadata: { "spotkit-sha256": sha256(content), team: "web" },
        });
        expect(await readAll((await store.get(key)).body)).toEqual(content);
      }
      // Listed directly too: one request, every key as it was written.
      proxy.resetStats();
      const listed = await collect(store.list({ prefix: "direct/", delimiter: "/" }));
      expect(proxy.stats.requestsByMethod).toEqual({ GET: 1 });
      const expected = [
        ...keys.filter((key) => !key.startsWith("direct/deep/")),
        "direct/deep/",
      ].sort(compareUtf8);
      expect(listed).toEqual(
        expected.map((name) =>
          name.endsWith("/")
            ? { type: "prefix", prefix: name }
            : expect.objectContaining({
                type: "object",
                key: name,
                md5: md5(Buffer.from(`content of ${name}`)),
              }),
        ),
      );
    });

    it("retries SlowDown three times on PUT", { timeout: 60_000 }, async () => {
      const rule = proxy.faults.add({
        match: { method: "PUT" },
        times: 3,
        action: { type: "s3-error", status: 503, code: "SlowDown" },
      });
      await store.put("slow-down.txt", "throttled but stored");
      expect(rule.applied).toBe(3);
      expect((await readAll((await store.get("slow-down.txt")).body)).toString()).toBe(
        "throttled but stored",
      );
    });

    it("retries a part that failed with 500", { timeout: 60_000 }, async () => {
      const content = randomBytes(12 * mebibyte);
      const rule = proxy.faults.add({
        match: { method: "PUT", query: /partNumber=2/ },
        times: 1,
        action: { type: "s3-error", status: 500, code: "InternalError" },
      });
      await store.put("internal-error.bin", chunked(content, mebibyte), { partSize: 5 * mebibyte });
      expect(rule.applied).toBe(1);
      expect(sha256(await readAll((await store.get("internal-error.bin")).body))).toBe(
        sha256(content),
      );
    });

    it("retries a part whose connection dropped mid-body", { timeout: 60_000 }, async () => {
      const content = randomBytes(12 * mebibyte);
      const rule = proxy.faults.add({
        match: { method: "PUT", query: /partNumber=1/ },
        times: 2,
        action: { type: "drop-request", afterBytes: 2 * mebibyte },
      });
      await store.put("dropped-part.bin", chunked(content, mebibyte), {
        partSize: 5 * mebibyte,
        concurrency: 2,
      });
      expect(rule.applied).toBe(2);
      expect(sha256(await readAll((await store.get("dropped-part.bin")).body))).toBe(
        sha256(content),
      );
    });

    it("sends a streamed single PutObject again, on a fresh stream, when its connection dropped", {
      timeout: 60_000,
    }, async () => {
      const content = randomBytes(6 * mebibyte);
      const rule = proxy.faults.add({
        match: { method: "PUT", path: /dropped-single\.bin$/ },
        times: 2,
        action: { type: "drop-request", afterBytes: 2 * mebibyte },
      });
      let opened = 0;
      const open = () => {
        opened += 1;
        return chunked(content, mebibyte);
      };
      const result = await store.put("dropped-single.bin", open(), {
        size: content.byteLength,
        md5: md5(content),
        openBody: open,
        multipartThreshold: 8 * mebibyte,
      });
      expect(rule.applied).toBe(2);
      expect(opened).toBe(3);
      expect(result.etag).toBe(md5(content));
      expect(sha256(await readAll((await store.get("dropped-single.bin")).body))).toBe(
        sha256(content),
      );
      const unretried = proxy.faults.add({
        match: { method: "PUT", path: /unretried-single\.bin$/ },
        times: 1,
        action: { type: "s3-error", status: 503, code: "SlowDown" },
      });
      // Without openBody a stream cannot be sent twice: it goes up through lib-storage instead,
      // which holds a part in memory and retries it.
      await store.put("unretried-single.bin", chunked(content, mebibyte), {
        size: content.byteLength,
        multipartThreshold: 8 * mebibyte,
      });
      expect(unretried.applied).toBe(1);
    });

    it("resumes a download whose connection dropped mid-body", { timeout: 60_000 }, async () => {
      const content = randomBytes(9 * mebibyte);
      await store.put("dropped-get.bin", content);
      const rule = proxy.faults.add({
        match: { method: "GET", path: /dropped-get\.bin$/ },
        times: 2,
        action: { type: "drop-response", afterBytes: 3 * mebibyte },
      });
      const { body } = await store.get("dropped-get.bin");
      expect(sha256(await readAll(body))).toBe(sha256(content));
      expect(rule.applied).toBe(2);
      const rangeRule = proxy.faults.add({
        match: { method: "GET", path: /dropped-get\.bin$/ },
        times: 1,
        action: { type: "drop-response", afterBytes: mebibyte },
      });
      const range = { start: mebibyte, end: 5 * mebibyte - 1 };
      const ranged = await readAll((await store.get("dropped-get.bin", { range })).body);
      expect(sha256(ranged)).toBe(sha256(content.subarray(mebibyte, 5 * mebibyte)));
      expect(rangeRule.applied).toBe(1);
    });

    it("waits out slow responses and retries 503 on list, head and delete", {
      timeout: 60_000,
    }, async () => {
      await store.put("delayed/a.txt", "a");
      await store.put("delayed/b.txt", "b");
      proxy.faults.add({ match: { method: "GET" }, times: 2, action: { type: "delay", ms: 1500 } });
      proxy.faults.add({
        match: { method: "GET", query: /list-type=2/ },
        times: 2,
        action: { type: "s3-error", status: 503, code: "ServiceUnavailable" },
      });
      expect(
        (await collect(store.list({ prefix: "delayed/" }))).map(
          (entry) => entry.type === "object" && entry.key,
        ),
      ).toEqual(["delayed/a.txt", "delayed/b.txt"]);
      proxy.faults.add({
        match: { method: "HEAD" },
        times: 2,
        action: { type: "status", status: 503 },
      });
      expect((await store.head("delayed/a.txt"))?.size).toBe(1);
      proxy.faults.add({
        match: { method: "POST", query: /delete/ },
        times: 1,
        action: { type: "s3-error", status: 500, code: "InternalError" },
      });
      await store.delete(["delayed/a.txt", "delayed/b.txt"]);
      expect(await collect(store.list({ prefix: "delayed/" }))).toEqual([]);
    });

    it("takes a write whose response was lost for a success, not a conflict", {
      timeout: 60_000,
    }, async () => {
      const single = proxy.faults.add({
        match: { method: "PUT", path: /lost-put\.txt$/ },
        times: 1,
        action: { type: "drop-response", afterBytes: 0 },
      });
      await store.put("lost-put.txt", "written once", { ifNotExists: true });
      expect(single.applied).toBe(1);
      expect((await readAll((await store.get("lost-put.txt")).body)).toString()).toBe(
        "written once",
      );

      const content = randomBytes(11 * mebibyte);
      const complete = proxy.faults.add({
        match: { method: "POST", path: /lost-complete\.bin$/, query: /uploadId=/ },
        times: 1,
        action: { type: "drop-response", afterBytes: 0 },
      });
      const result = await store.put("lost-complete.bin", chunked(content, mebibyte), {
        partSize: 5 * mebibyte,
        ifNotExists: true,
      });
      expect(complete.applied).toBe(1);
      expect(result.etag).toMatch(/-3$/);
      expect(sha256(await readAll((await store.get("lost-complete.bin")).body))).toBe(
        sha256(content),
      );
      expect(await pendingUploads(peer, "")).toBe(0);
    });

    it("gives up with E_STORAGE_UNAVAILABLE after maxAttempts", { timeout: 60_000 }, async () => {
      const impatient = createS3Store(
        storeConfig(peer, { prefix: newPrefix(), endpoint: proxy.endpoint, maxAttempts: 2 }),
      );
      proxy.faults.add({
        match: { method: "HEAD" },
        times: 2,
        action: { type: "s3-error", status: 503, code: "SlowDown" },
      });
      const error = await expectStorageError(impatient.head("anything"), "E_STORAGE_UNAVAILABLE");
      expect(error.message).toContain("max_attempts");
    });

    it("emulates ifNotExists when the server answers 501 to If-None-Match", {
      timeout: 60_000,
    }, async () => {
      const emulated = createS3Store(
        storeConfig(peer, { prefix: newPrefix(), endpoint: proxy.endpoint }),
      );
      const rule = proxy.faults.add({
        match: { method: "PUT", path: /conditional\.txt$/ },
        times: 1,
        action: {
          type: "status",
          status: 501,
          headers: { "content-type": "application/xml" },
          body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NotImplemented</Code><Message>A header you provided implies functionality that is not implemented</Message></Error>',
        },
      });
      await emulated.put("conditional.txt", "first", { ifNotExists: true });
      expect(rule.applied).toBe(1);
      await expectStorageError(
        emulated.put("conditional.txt", "second", { ifNotExists: true }),
        "E_STORAGE_PRECONDITION",
      );
      expect((await readAll((await emulated.get("conditional.txt")).body)).toString()).toBe(
        "first",
      );
    });
  });

  describe("over https", () => {
    let folder = "";
    let terminator: Server | undefined;
    let httpsEndpoint = "";
    const connections = new Set<Socket>();
    beforeAll(async () => {
      folder = await mkdtemp(join(tmpdir(), "spotkit-s3-tls-"));
      const { key, certificate } = await createCertificate(folder);
      const target = new URL(peer.endpoint);
      // TLS in front of the plain-HTTP peer: decrypt, then pass the bytes through unchanged.
      terminator = createTlsServer({ key, cert: certificate }, (socket) => {
        const upstream = connect(Number(target.port), target.hostname);
        connections.add(socket).add(upstream);
        socket.pipe(upstream).pipe(socket);
        socket.on("error", () => upstream.destroy());
        upstream.on("error", () => socket.destroy());
      });
      await new Promise<void>((resolve) => terminator?.listen(0, "127.0.0.1", resolve));
      const address = terminator.address() as { port: number };
      httpsEndpoint = `https://127.0.0.1:${address.port}`;
    });
    afterAll(async () => {
      // The SDK keeps connections alive; close them, or close() waits for them forever.
      for (const socket of connections) {
        socket.destroy();
      }
      await new Promise<void>((resolve) =>
        terminator ? terminator.close(() => resolve()) : resolve(),
      );
      await rm(folder, { recursive: true, force: true });
    });

    it("refuses an untrusted certificate with a message naming ca_bundle", {
      timeout: 60_000,
    }, async () => {
      const store = createS3Store(storeConfig(peer, { endpoint: httpsEndpoint, maxAttempts: 1 }));
      const error = await expectStorageError(store.check(), "E_STORAGE_REQUEST");
      expect(error.message).toContain("ca_bundle");
    });

    it("trusts the CA from caBundle, from AWS_CA_BUNDLE in env, or skips verification", {
      timeout: 60_000,
    }, async () => {
      const caPath = join(folder, "ca.pem");
      const stores = [
        createS3Store(
          storeConfig(peer, { endpoint: httpsEndpoint, caBundle: caPath, prefix: newPrefix() }),
        ),
        createS3Store(
          storeConfig(peer, {
            endpoint: httpsEndpoint,
            env: { ...process.env, AWS_CA_BUNDLE: caPath },
            prefix: newPrefix(),
          }),
        ),
        createS3Store(
          storeConfig(peer, { endpoint: httpsEndpoint, skipVerify: true, prefix: newPrefix() }),
        ),
      ];
      for (const store of stores) {
        await store.check();
        await store.put("tls.txt", "over tls");
        expect((await readAll((await store.get("tls.txt")).body)).toString()).toBe("over tls");
      }
    });

    it("gives the chunks of a streamed PutObject back only once TLS has sent them", {
      timeout: 60_000,
    }, async () => {
      const store = createS3Store(
        storeConfig(peer, { endpoint: httpsEndpoint, skipVerify: true, prefix: newPrefix() }),
      );
      const { buffersUsed } = await putPooled(store, "tls/pooled.bin");
      expect(buffersUsed).toBeLessThan(24);
    });

    it("reports an unreadable CA bundle", () => {
      expect(() =>
        createS3Store(
          storeConfig(peer, {
            endpoint: "https://127.0.0.1:1",
            caBundle: join(folder, "none.pem"),
          }),
        ),
      ).toThrow(/cannot be read \(ENOENT\)/);
    });
  });
});

/** A CA and a server certificate for 127.0.0.1 signed by it, made with openssl. */
async function createCertificate(folder: string): Promise<{ key: string; certificate: string }> {
  const run = promisify(execFile);
  const path = (name: string) => join(folder, name);
  await writeFile(path("san.cnf"), "subjectAltName=IP:127.0.0.1\n");
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-days",
    "2",
    "-subj",
    "/CN=spotkit test CA",
    "-keyout",
    path("ca.key"),
    "-out",
    path("ca.pem"),
  ]);
  await run("openssl", [
    "req",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    path("server.key"),
    "-out",
    path("server.csr"),
  ]);
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    path("server.csr"),
    "-CA",
    path("ca.pem"),
    "-CAkey",
    path("ca.key"),
    "-CAcreateserial",
    "-days",
    "2",
    "-extfile",
    path("san.cnf"),
    "-out",
    path("server.pem"),
  ]);
  const { readFile } = await import("node:fs/promises");
  return {
    key: await readFile(path("server.key"), "utf8"),
    certificate: await readFile(path("server.pem"), "utf8"),
  };
}

/**
 * Puts 12 MiB read into a pool's 64 KiB buffers in one streamed PutObject, and checks that the
 * store got them intact (the ETag of a single PutObject is the MD5 of what it received).
 */
async function putPooled(store: ObjectStore, key: string) {
  const content = randomBytes(12 * mebibyte);
  const pool = createChunkPool({ chunkSize: 64 * 1024, firstChunkSize: 64 * 1024 });
  const body = pooledBody(content, pool);
  const result = await store.put(key, body.stream, {
    size: content.byteLength,
    md5: md5(content),
    openBody: () => pooledBody(content, pool).stream,
    multipartThreshold: 16 * mebibyte,
  });
  expect(result.etag).toBe(md5(content));
  return { content, buffersUsed: body.buffersUsed(), idle: pool.idle };
}

/**
 * A body that copies `content` into `pool`'s buffers chunk by chunk, as a file read is, reading
 * ahead so that buffers are taken while earlier chunks are still on their way.
 */
function pooledBody(content: Buffer, pool: ChunkPool) {
  const buffers = new Set<ArrayBufferLike>();
  let offset = 0;
  const stream = new Readable({
    highWaterMark: 512 * 1024,
    read() {
      if (offset === content.byteLength) {
        this.push(null);
        return;
      }
      const buffer = pool.take();
      buffers.add(buffer.buffer);
      const length = content.copy(buffer, 0, offset, offset + buffer.length);
      offset += length;
      this.push(pool.lend(buffer, length));
    },
  });
  return { stream, buffersUsed: () => buffers.size };
}
