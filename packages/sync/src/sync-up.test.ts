import { createHash, randomBytes } from "node:crypto";
import { readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import type { ListEntry, ObjectStore, PutOptions } from "@spotkit/storage";
import { describe, expect, it } from "vitest";
import { sha256MetadataKey } from "./compare-content.js";
import { redirectMetadataKey } from "./compare-headers.js";
import { SyncError } from "./sync-error.js";
import { formatSyncSummary } from "./sync-summary.js";
import { syncUp, type UploadSyncOptions } from "./sync-up.js";
import { captureLogger } from "./test-support/capture-logger.js";
import { MemoryStore, type MemoryStoreOptions } from "./test-support/memory-store.js";
import { useTemporaryFolder } from "./test-support/temporary-folder.js";
import { writeFiles } from "./test-support/write-files.js";

const folder = useTemporaryFolder("spotkit-sync-up-");
const scratch = useTemporaryFolder("spotkit-sync-up-tmp-");

const site = {
  "public/index.html": "<h1>home</h1>",
  "public/css/site.css": "body { color: red }",
  "public/img/logo.svg": "<svg/>",
  "public/empty.txt": "",
};

function sha256(text: string | Buffer): string {
  return createHash("sha256").update(text).digest("hex");
}

async function sync(store: MemoryStore, options: Partial<UploadSyncOptions> = {}) {
  return await syncUp({
    store,
    cwd: folder(),
    source: "public",
    stripPrefix: "public/",
    target: "/site/",
    temporaryFolder: scratch(),
    ...options,
  });
}

function storeWith(options: MemoryStoreOptions = {}): MemoryStore {
  return new MemoryStore(options);
}

async function expectSyncError(promise: Promise<unknown>, code: string): Promise<SyncError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error, `expected ${code}`).toBeInstanceOf(SyncError);
  expect((error as SyncError).code).toBe(code);
  return error as SyncError;
}

describe("syncUp", () => {
  it("uploads every file with its headers, in one listing", async () => {
    await writeFiles(folder(), site);
    const store = storeWith();
    const summary = await sync(store);

    expect([...store.objects.keys()].sort()).toEqual([
      "site/css/site.css",
      "site/empty.txt",
      "site/img/logo.svg",
      "site/index.html",
    ]);
    const index = store.objects.get("site/index.html");
    expect(index?.body.toString()).toBe("<h1>home</h1>");
    expect(index?.contentType).toBe("text/html; charset=utf-8");
    // Sent in one request, the object is proved by its MD5: no spotkit-sha256 beside it.
    expect(index?.metadata).toEqual({});
    expect(store.objects.get("site/img/logo.svg")?.contentType).toBe("image/svg+xml");
    expect(store.objects.get("site/empty.txt")?.body.length).toBe(0);
    expect(store.requests).toMatchObject({ list: 1, put: 4, head: 0, delete: 0 });
    expect(summary).toMatchObject({
      direction: "upload",
      dryRun: false,
      files: 4,
      bytes: 13 + 19 + 6,
      uploaded: 4,
      skipped: 0,
      deleted: 0,
      transferredBytes: 38,
    });
  });

  it("re-syncs an unchanged tree with one listing and nothing else", async () => {
    await writeFiles(folder(), site);
    const store = storeWith();
    await sync(store);
    store.resetCounts();
    const summary = await sync(store, { delete: true });
    expect(store.requests).toEqual({
      check: 0,
      list: 1,
      head: 0,
      put: 0,
      get: 0,
      delete: 0,
      copy: 0,
    });
    expect(summary).toMatchObject({ uploaded: 0, skipped: 4, deleted: 0, transferredBytes: 0 });
  });

  it("uploads one changed file, even when its size stayed the same", async () => {
    await writeFiles(folder(), site);
    const store = storeWith();
    await sync(store);
    store.resetCounts();
    await writeFile(join(folder(), "public", "css", "site.css"), "body { color: RED }");
    const logger = captureLogger();
    const summary = await sync(store, { logger });
    expect(store.requests).toMatchObject({ list: 1, put: 1, head: 0 });
    expect(store.text("site/css/site.css")).toBe("body { color: RED }");
    expect(summary).toMatchObject({ uploaded: 1, skipped: 3 });
    expect(logger.messages("info")).toContain(
      "upload public/css/site.css → site/css/site.css (content changed, 19 B)",
    );
  });

  it("heads only the multipart objects of the same size, and uploads when spotkit-sha256 differs", async () => {
    await writeFiles(folder(), {
      "public/big.bin": Buffer.alloc(300_000, 1),
      "public/small.txt": "small",
    });
    const store = storeWith();
    await sync(store, { partSize: 100_000 });
    expect(store.objects.get("site/big.bin")?.multipart).toBe(true);
    expect(store.objects.get("site/small.txt")?.multipart).toBe(false);

    store.resetCounts();
    await sync(store, { partSize: 100_000 });
    expect(store.requests).toMatchObject({ list: 1, head: 1, put: 0 });

    store.resetCounts();
    await writeFile(join(folder(), "public", "big.bin"), Buffer.alloc(300_000, 2));
    const summary = await sync(store, { partSize: 100_000 });
    expect(store.requests).toMatchObject({ list: 1, head: 1, put: 1 });
    expect(summary.uploaded).toBe(1);
    expect(store.objects.get("site/big.bin")?.body[0]).toBe(2);
  });

  it("needs no head when the listing carries metadata (Azure)", async () => {
    await writeFiles(folder(), { "public/big.bin": Buffer.alloc(300_000, 1) });
    const store = storeWith({ listingCarriesMetadata: true });
    await sync(store, { partSize: 100_000 });
    store.resetCounts();
    await sync(store, { partSize: 100_000 });
    expect(store.requests).toMatchObject({ list: 1, head: 0, put: 0 });
  });

  it("uploads a same-size object another tool uploaded in parts (no hash to compare)", async () => {
    await writeFiles(folder(), { "public/a.txt": "abc" });
    const store = storeWith();
    store.seed("site/a.txt", "abc", { multipart: true });
    const summary = await sync(store);
    expect(store.requests).toMatchObject({ head: 1, put: 1 });
    expect(summary.uploaded).toBe(1);
    expect(store.objects.get("site/a.txt")?.multipart).toBe(false);
  });

  it("hashes a file with MD5 only up to the multipart threshold, with SHA-256 only above it", async () => {
    await writeFiles(folder(), {
      "public/big.bin": Buffer.alloc(300_000, 1),
      "public/small.bin": Buffer.alloc(100_000, 1),
    });
    const store = storeWith();
    const puts: PutOptions[] = [];
    const put = store.put.bind(store);
    store.put = (key, body, options = {}) => {
      puts.push(options);
      return put(key, body, options);
    };
    await sync(store, { partSize: 100_000 });
    const big = store.objects.get("site/big.bin");
    expect(big?.multipart).toBe(true);
    expect(big?.metadata[sha256MetadataKey]).toBe(sha256(Buffer.alloc(300_000, 1)));
    expect(store.objects.get("site/small.bin")?.multipart).toBe(false);
    expect(store.objects.get("site/small.bin")?.metadata).toEqual({});
    // No MD5 for the multipart body: nothing would prove it, and hashing costs CPU.
    expect(puts.map((options) => options.md5 !== undefined).sort()).toEqual([false, true]);
  });

  it("hashes again with the hash an object written another way can be compared by", async () => {
    const big = Buffer.alloc(300_000, 1);
    const small = Buffer.alloc(1_000, 2);
    await writeFiles(folder(), { "public/big.bin": big, "public/small.bin": small });
    const store = storeWith();
    // In one request (its ETag is its MD5) though the file is above this sync's threshold, and in
    // parts with a spotkit-sha256 (a smaller part size then) though the file is below it.
    const contentType = "application/octet-stream";
    store.seed("site/big.bin", big, { contentType });
    store.seed("site/small.bin", small, {
      contentType,
      multipart: true,
      metadata: { [sha256MetadataKey]: sha256(small) },
    });
    const summary = await sync(store, { partSize: 100_000 });
    expect(store.requests).toMatchObject({ list: 1, head: 1, put: 0 });
    expect(summary).toMatchObject({ uploaded: 0, skipped: 2 });

    await writeFile(join(folder(), "public", "big.bin"), Buffer.alloc(300_000, 3));
    await writeFile(join(folder(), "public", "small.bin"), Buffer.alloc(1_000, 4));
    store.resetCounts();
    expect(await sync(store, { partSize: 100_000 })).toMatchObject({ uploaded: 2, skipped: 0 });
  });

  it("passes rules through to the store", async () => {
    await writeFiles(folder(), site);
    const store = storeWith();
    await sync(store, {
      rules: {
        contentType: { ".svg": "image/svg+xml; charset=utf-8" },
        cacheControl: { "*.html": "no-cache", "*": "max-age=31536000" },
        metadata: { "**/css/*": { Team: "design" } },
        acl: "public-read",
        storageClass: "STANDARD_IA",
        encryption: "AES256",
      },
    });
    expect(store.objects.get("site/img/logo.svg")).toMatchObject({
      contentType: "image/svg+xml; charset=utf-8",
      cacheControl: "max-age=31536000",
      acl: "public-read",
      storageClass: "STANDARD_IA",
      encryption: "AES256",
    });
    expect(store.objects.get("site/index.html")?.cacheControl).toBe("no-cache");
    expect(store.objects.get("site/css/site.css")?.metadata).toEqual({ team: "design" });
  });

  it("re-uploads after a rule change where the listing shows headers, and with force elsewhere", async () => {
    await writeFiles(folder(), { "public/index.html": "x" });
    const azure = storeWith({ listingCarriesMetadata: true });
    await sync(azure, { rules: { cacheControl: "max-age=60" } });
    azure.resetCounts();
    await sync(azure, { rules: { cacheControl: "max-age=3600" } });
    expect(azure.requests).toMatchObject({ put: 1, head: 0 });
    expect(azure.objects.get("site/index.html")?.cacheControl).toBe("max-age=3600");

    const s3 = storeWith();
    await sync(s3, { rules: { cacheControl: "max-age=60" } });
    s3.resetCounts();
    await sync(s3, { rules: { cacheControl: "max-age=3600" } });
    expect(s3.requests).toMatchObject({ put: 0, head: 0 });
    await sync(s3, { rules: { cacheControl: "max-age=3600" }, force: true });
    expect(s3.objects.get("site/index.html")?.cacheControl).toBe("max-age=3600");
  });

  it("gzips listed extensions deterministically: gzip bytes, Content-Encoding, stable re-syncs", async () => {
    const script = "export const value = 1;\n".repeat(500);
    await writeFiles(folder(), { "public/app.js": script, "public/logo.png": "png" });
    const store = storeWith();
    await sync(store, { rules: { gzip: ["js"] } });
    const stored = store.objects.get("site/app.js");
    expect(stored?.contentEncoding).toBe("gzip");
    expect(stored?.contentType).toBe("text/javascript; charset=utf-8");
    expect(gunzipSync(stored?.body as Buffer).toString()).toBe(script);
    expect(stored?.body.length).toBeLessThan(script.length);
    expect(stored?.metadata[sha256MetadataKey]).toBe(sha256(stored?.body as Buffer));
    expect(store.objects.get("site/logo.png")?.contentEncoding).toBeUndefined();

    store.resetCounts();
    const summary = await sync(store, { rules: { gzip: ["js"] } });
    expect(store.requests).toMatchObject({ list: 1, put: 0, head: 0 });
    expect(summary.skipped).toBe(2);
    expect(await readdir(scratch())).toEqual([]);
  });

  it("writes redirects as empty objects, checked through their metadata", async () => {
    await writeFiles(folder(), site);
    const store = storeWith();
    await sync(store, {
      rules: { redirects: { "/old.html": "/index.html", blog: "https://blog.example.com/" } },
    });
    expect(store.objects.get("site/old.html")).toMatchObject({
      websiteRedirectLocation: "/index.html",
      metadata: { [redirectMetadataKey]: "/index.html", [sha256MetadataKey]: sha256("") },
    });
    expect(store.objects.get("site/old.html")?.body.length).toBe(0);
    expect(store.objects.get("site/blog")?.websiteRedirectLocation).toBe(
      "https://blog.example.com/",
    );

    store.resetCounts();
    await sync(store, {
      rules: { redirects: { "/old.html": "/index.html", blog: "https://blog.example.com/" } },
    });
    expect(store.requests).toMatchObject({ list: 1, head: 2, put: 0 });

    store.resetCounts();
    await sync(store, {
      rules: { redirects: { "/old.html": "/new.html", blog: "https://blog.example.com/" } },
    });
    expect(store.requests).toMatchObject({ head: 2, put: 1 });
    expect(store.objects.get("site/old.html")?.websiteRedirectLocation).toBe("/new.html");
  });

  it("deletes objects with no local file, only under the target and only with delete", async () => {
    await writeFiles(folder(), site);
    const store = storeWith();
    store.seed("site/stale.html", "old");
    store.seed("site/deep/stale.js", "old");
    store.seed("site-old/keep.html", "keep");
    store.seed("other/keep.html", "keep");
    await sync(store);
    expect(store.objects.has("site/stale.html")).toBe(true);

    const summary = await sync(store, { delete: true });
    expect(summary.deleted).toBe(2);
    expect([...store.objects.keys()].sort()).toEqual([
      "other/keep.html",
      "site-old/keep.html",
      "site/css/site.css",
      "site/empty.txt",
      "site/img/logo.svg",
      "site/index.html",
    ]);
  });

  it("deletes nothing and writes nothing when the listing fails", async () => {
    await writeFiles(folder(), site);
    const store = storeWith({ pageSize: 1 });
    for (const key of ["site/a", "site/b", "site/c"]) store.seed(key, "x");
    store.fault = (kind, _target, page) =>
      kind === "list" && page === 2 ? new Error("connection reset") : undefined;
    const error = await expectSyncError(sync(store, { delete: true }), "E_SYNC_TRANSFER");
    expect(error.message).toMatch(
      /Listing memory:\/\/bucket under "site\/" failed: connection reset/,
    );
    expect(store.requests).toMatchObject({ put: 0, delete: 0, head: 0 });
    expect(store.objects.size).toBe(3);
  });

  it("reports a listing that fails after the walk matched nothing, leaving no promise unhandled", async () => {
    await writeFiles(folder(), site);
    const store = storeWith();
    // The listing fails only once the (empty) walk is done and waits for it.
    const slowFailingStore: ObjectStore = Object.assign(Object.create(store), {
      async *list(): AsyncIterable<ListEntry> {
        await new Promise((resolve) => setTimeout(resolve, 200));
        throw new Error("connection reset");
      },
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      await expectSyncError(
        syncUp({
          store: slowFailingStore,
          cwd: folder(),
          source: "public/**/*.none",
          temporaryFolder: scratch(),
        }),
        "E_SYNC_TRANSFER",
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(store.requests).toMatchObject({ put: 0, delete: 0 });
  });

  it("deletes nothing when the local walk fails", async () => {
    const store = storeWith();
    store.seed("site/a", "x");
    await expectSyncError(
      sync(store, { source: ["public", "missing-folder"], delete: true }),
      "E_SYNC_SOURCE_NOT_FOUND",
    );
    expect(store.requests).toMatchObject({ put: 0, delete: 0 });
    expect(store.objects.has("site/a")).toBe(true);
  });

  it("refuses to delete everything when no file matched", async () => {
    const store = storeWith();
    store.seed("site/a", "x");
    const error = await expectSyncError(
      sync(store, { source: "public/**", delete: true }),
      "E_SYNC_NO_FILES",
    );
    expect(error.message).toContain("refusing to delete every object under memory://bucket/site/");
    expect(store.objects.has("site/a")).toBe(true);
  });

  it("deletes nothing when an upload failed", async () => {
    await writeFiles(folder(), site);
    const store = storeWith();
    store.seed("site/stale.html", "old");
    store.fault = (kind, target) =>
      kind === "put" && target === "site/index.html" ? new Error("403 Forbidden") : undefined;
    const error = await expectSyncError(
      sync(store, { delete: true, concurrency: 1 }),
      "E_SYNC_TRANSFER",
    );
    expect(error.message).toContain(
      "Uploading public/index.html to site/index.html failed: 403 Forbidden",
    );
    expect(store.requests.delete).toBe(0);
    expect(store.objects.has("site/stale.html")).toBe(true);
  });

  it("computes and prints the plan in a dry run without writing", async () => {
    await writeFiles(folder(), site);
    const store = storeWith();
    store.seed("site/index.html", "<h1>home</h1>");
    store.seed("site/stale.html", "old");
    const logger = captureLogger();
    const summary = await sync(store, { dryRun: true, delete: true, logger });
    expect(store.requests).toMatchObject({ list: 1, put: 0, delete: 0 });
    expect([...store.objects.keys()].sort()).toEqual(["site/index.html", "site/stale.html"]);
    expect(logger.messages("info")).toEqual([
      "would upload public/css/site.css → site/css/site.css (new, 19 B)",
      "would upload public/empty.txt → site/empty.txt (new, 0 B)",
      "would upload public/img/logo.svg → site/img/logo.svg (new, 6 B)",
      "unchanged site/index.html (same md5)",
      "would delete site/stale.html (no local file)",
      "would upload 3 of 4 objects to memory://bucket (1 unchanged, 1 to delete)",
    ]);
    expect(formatSyncSummary(summary)).toBe(
      "dry run: would sync 4 files (38 B): 3 to upload, 1 unchanged, 1 to delete",
    );
    expect(logger.progressBytes).toBe(0);
  });

  it("reports progress in bytes and ends it", async () => {
    await writeFiles(folder(), site);
    const logger = captureLogger();
    await sync(storeWith(), { logger });
    expect(logger.progressBytes).toBe(38);
    expect(logger.progressDone).toBe(1);
  });

  it("uploads 2,000 small files with the concurrency asked for, then re-syncs with one listing", async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 2000; index += 1) {
      files[`public/dir${index % 20}/file${index}.txt`] = `content ${index}`;
    }
    await writeFiles(folder(), files);
    const store = storeWith();
    const summary = await sync(store, { concurrency: 8 });
    expect(summary.uploaded).toBe(2000);
    expect(store.objects.size).toBe(2000);
    expect(store.maxConcurrentPuts).toBeLessThanOrEqual(8);
    expect(store.maxConcurrentPuts).toBeGreaterThan(1);
    expect(store.text("site/dir7/file1987.txt")).toBe("content 1987");

    store.resetCounts();
    const again = await sync(store, { concurrency: 8 });
    expect(store.requests).toMatchObject({ list: 2, put: 0, head: 0 });
    expect(again).toMatchObject({ uploaded: 0, skipped: 2000 });
  });

  it("keeps keys as /-separated paths: nested, unicode and spaces", async () => {
    await writeFiles(folder(), { "public/dossier été/sous dossier/fi le.txt": "x" });
    const store = storeWith();
    await sync(store);
    expect([...store.objects.keys()]).toEqual(["site/dossier été/sous dossier/fi le.txt"]);
  });

  it("builds keys from the path as written without strip_prefix, or with a glob strip_prefix", async () => {
    await writeFiles(folder(), { "build/1234/dist/app.js": "x" });
    const plain = storeWith();
    await syncUp({
      store: plain,
      cwd: folder(),
      source: "build/**",
      target: "t",
      temporaryFolder: scratch(),
    });
    expect([...plain.objects.keys()]).toEqual(["t/build/1234/dist/app.js"]);
    const stripped = storeWith();
    await syncUp({
      store: stripped,
      cwd: folder(),
      source: "build/**",
      stripPrefix: "build/*/",
      target: "t",
      temporaryFolder: scratch(),
    });
    expect([...stripped.objects.keys()]).toEqual(["t/dist/app.js"]);
  });

  it("refuses two files on one key", async () => {
    await writeFiles(folder(), { "a/x.txt": "1", "b/x.txt": "2" });
    const store = storeWith();
    const error = await expectSyncError(
      syncUp({
        store,
        cwd: folder(),
        source: ["a", "b"],
        stripPrefix: "*/",
        temporaryFolder: scratch(),
      }),
      "E_SYNC_KEY_CONFLICT",
    );
    expect(error.message).toContain("a/x.txt and b/x.txt → x.txt");
    expect(store.totalRequests()).toBe(1);
  });

  it("refuses a file that changed after it was hashed, storing nothing for it", async () => {
    const original = Buffer.alloc(1_000_000, "a");
    await writeFiles(folder(), { "public/big.txt": original });
    const store = storeWith();
    let changed = false;
    store.onPutChunk = async () => {
      if (!changed) {
        changed = true;
        await writeFile(join(folder(), "public", "big.txt"), Buffer.alloc(1_000_000, "b"));
      }
    };
    await expectSyncError(sync(store), "E_SYNC_FILE_CHANGED");
    expect(store.objects.size).toBe(0);
  });

  it("aborts in-flight uploads on abort, leaving no object half-written and no temporary file", async () => {
    // Incompressible and above the small-file limit, so every body is streamed.
    const contents = new Map<string, Buffer>();
    const files: Record<string, Buffer> = {};
    for (let index = 0; index < 40; index += 1) {
      const content = randomBytes(100_000);
      contents.set(`site/f${index}.js`, content);
      files[`public/f${index}.js`] = content;
    }
    await writeFiles(folder(), files);
    const store = storeWith();
    const controller = new AbortController();
    let chunks = 0;
    store.onPutChunk = async () => {
      chunks += 1;
      if (chunks === 6) controller.abort(new Error("SIGTERM"));
      // Uploads stay in flight until the abort reaches them.
      await new Promise((resolve) => setImmediate(resolve));
    };
    await expect(
      sync(store, {
        signal: controller.signal,
        concurrency: 4,
        rules: { gzip: ["js"] },
        delete: true,
      }),
    ).rejects.toThrow("SIGTERM");
    expect(store.abortedPuts).toBeGreaterThan(0);
    expect(store.objects.size).toBeLessThan(40);
    for (const [key, object] of store.objects) {
      expect(gunzipSync(object.body).equals(contents.get(key) as Buffer)).toBe(true);
    }
    expect(store.requests.delete).toBe(0);
    expect(await readdir(scratch())).toEqual([]);
  });

  it("after a failed upload, rejects only once the uploads it stopped have settled", async () => {
    // Enough files that hashing is still under way when the first uploads start and one fails.
    const files: Record<string, string> = {};
    for (let index = 0; index < 3000; index++) files[`public/f${index}.txt`] = `file ${index}`;
    await writeFiles(folder(), files);
    const store = storeWith({ abortSettleMs: 400 });
    store.fault = (kind, target) =>
      kind === "put" && target === "site/f0.txt" ? new Error("put refused") : undefined;
    await expect(sync(store, { concurrency: 8 })).rejects.toThrow("put refused");
    // Stopped uploads still running would land (or abort) after the sync reported its failure.
    expect(store.putsInFlight).toBe(0);
    expect(store.abortedPuts).toBeGreaterThan(0);
  });

  it("throws at once for an already aborted signal", async () => {
    const controller = new AbortController();
    controller.abort(new Error("cancelled"));
    const store = storeWith();
    await expect(sync(store, { signal: controller.signal })).rejects.toThrow("cancelled");
    expect(store.totalRequests()).toBe(0);
  });

  it("validates options before any request", async () => {
    const store = storeWith();
    await expectSyncError(sync(store, { concurrency: 0 }), "E_SYNC_INVALID_OPTIONS");
    await expectSyncError(sync(store, { target: "../x" }), "E_SYNC_INVALID_OPTIONS");
    await expectSyncError(
      sync(store, { rules: { metadata: { "*": { "spotkit-sha256": "x" } } } }),
      "E_SYNC_INVALID_OPTIONS",
    );
    expect(store.totalRequests()).toBe(0);
  });
});
