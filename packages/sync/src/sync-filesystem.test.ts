import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { createFilesystemStore } from "../../storage/src/index.js";
import { syncDown } from "./sync-down.js";
import { SyncError } from "./sync-error.js";
import { formatSyncSummary } from "./sync-summary.js";
import { syncUp, type UploadSyncOptions } from "./sync-up.js";
import { captureLogger } from "./test-support/capture-logger.js";
import { type InstrumentedStore, instrumentStore } from "./test-support/instrument-store.js";
import { useTemporaryFolder } from "./test-support/temporary-folder.js";
import { writeFiles } from "./test-support/write-files.js";

// The same scenarios as sync-up/sync-down.test.ts, against the real filesystem adapter of
// @spotkit/storage (`createFilesystemStore`): its atomic puts, sidecar metadata and listings.

const workspace = useTemporaryFolder("spotkit-sync-fs-");

function paths() {
  const root = workspace();
  return {
    source: join(root, "src"),
    bucket: join(root, "bucket"),
    download: join(root, "download"),
    scratch: join(root, "scratch"),
  };
}

async function createStore(): Promise<InstrumentedStore> {
  const { bucket, scratch } = paths();
  await mkdir(bucket, { recursive: true });
  await mkdir(scratch, { recursive: true });
  return instrumentStore(createFilesystemStore({ root: bucket }));
}

async function upload(store: InstrumentedStore, options: Partial<UploadSyncOptions> = {}) {
  const { source, scratch } = paths();
  return await syncUp({
    store,
    cwd: source,
    source: "public",
    stripPrefix: "public/",
    target: "site",
    temporaryFolder: scratch,
    ...options,
  });
}

/** Every file below `root` (`/`-separated, sorted), the store's own `.spotkit-` files included. */
async function tree(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .sort();
}

/** The objects of the bucket folder: its files, without the metadata sidecars. */
async function objects(): Promise<string[]> {
  return (await tree(paths().bucket)).filter((name) => !name.startsWith(".spotkit-meta/"));
}

const site = {
  "public/index.html": "<h1>home</h1>",
  "public/a/b/c/deep.txt": "deep",
  "public/dossier été/fi le.txt": "unicode and space",
  "public/empty.txt": "",
};

describe("sync against the filesystem store", () => {
  it("uploads nested, unicode, space and empty files, then re-syncs with nothing to do", async () => {
    await writeFiles(paths().source, site);
    const store = await createStore();
    const first = await upload(store);
    expect(first.uploaded).toBe(4);
    expect(await objects()).toEqual([
      "site/a/b/c/deep.txt",
      "site/dossier été/fi le.txt",
      "site/empty.txt",
      "site/index.html",
    ]);
    expect(await readFile(join(paths().bucket, "site", "dossier été", "fi le.txt"), "utf8")).toBe(
      "unicode and space",
    );
    const head = await store.head("site/index.html");
    expect(head).toMatchObject({
      contentType: "text/html; charset=utf-8",
      // The store proves the content by its MD5: no spotkit-sha256 needed.
      md5: createHash("md5").update("<h1>home</h1>").digest("hex"),
      metadata: {},
    });

    store.resetCounts();
    const again = await upload(store, { delete: true });
    expect(store.requests).toEqual({
      check: 0,
      list: 1,
      head: 0,
      put: 0,
      get: 0,
      delete: 0,
      copy: 0,
    });
    expect(again).toMatchObject({ uploaded: 0, skipped: 4, deleted: 0 });
  });

  it("uploads exactly the one file that changed", async () => {
    await writeFiles(paths().source, site);
    const store = await createStore();
    await upload(store);
    await writeFile(join(paths().source, "public", "a", "b", "c", "deep.txt"), "DEEP");
    store.resetCounts();
    const summary = await upload(store);
    expect(store.requests).toMatchObject({ list: 1, put: 1, head: 0 });
    expect(summary).toMatchObject({ uploaded: 1, skipped: 3 });
    expect(await readFile(join(paths().bucket, "site", "a", "b", "c", "deep.txt"), "utf8")).toBe(
      "DEEP",
    );
  });

  it("streams a file above the part size and round-trips it", async () => {
    const large = randomBytes(3 * 1024 * 1024 + 17);
    await writeFiles(paths().source, { "public/large.bin": large });
    const store = await createStore();
    await upload(store, { partSize: 1024 * 1024 });
    expect((await readFile(join(paths().bucket, "site", "large.bin"))).equals(large)).toBe(true);
    store.resetCounts();
    await upload(store, { partSize: 1024 * 1024 });
    expect(store.requests).toMatchObject({ list: 1, put: 0, head: 0 });

    await syncDown({ store, source: "site", target: paths().download });
    expect((await readFile(join(paths().download, "large.bin"))).equals(large)).toBe(true);
  });

  it("syncs 2,000 small files and re-syncs them with one listing", async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 2000; index += 1) {
      files[`public/d${index % 25}/f${index}.txt`] = `file ${index}`;
    }
    await writeFiles(paths().source, files);
    const store = await createStore();
    const summary = await upload(store);
    expect(summary.uploaded).toBe(2000);
    expect((await objects()).length).toBe(2000);
    store.resetCounts();
    const again = await upload(store);
    expect(store.requests).toMatchObject({ list: 1, put: 0, head: 0 });
    expect(formatSyncSummary(again)).toMatch(
      /^synced 2,000 files \(.+\) in \d+\.\d s \(.+\/s\): 0 uploaded, 2,000 unchanged, 0 deleted$/,
    );
  });

  it("deletes remote leftovers only once both listings completed", async () => {
    await writeFiles(paths().source, site);
    const store = await createStore();
    await upload(store);
    await store.put("site/stale.html", "old");
    await store.put("site-2/keep.html", "keep");

    store.fault = (kind) => (kind === "list" ? new Error("listing interrupted") : undefined);
    await expect(upload(store, { delete: true })).rejects.toThrow(/listing interrupted/);
    expect(await objects()).toContain("site/stale.html");

    store.fault = undefined;
    await expect(upload(store, { source: ["public", "missing"], delete: true })).rejects.toThrow(
      SyncError,
    );
    expect(await objects()).toContain("site/stale.html");

    const summary = await upload(store, { delete: true });
    expect(summary.deleted).toBe(1);
    expect(await objects()).toEqual([
      "site-2/keep.html",
      "site/a/b/c/deep.txt",
      "site/dossier été/fi le.txt",
      "site/empty.txt",
      "site/index.html",
    ]);
  });

  it("applies a glob strip_prefix", async () => {
    await writeFiles(paths().source, { "build/42/dist/app.js": "app" });
    const store = await createStore();
    await upload(store, { source: "build/**", stripPrefix: "build/*/", target: "releases" });
    expect(await objects()).toEqual(["releases/dist/app.js"]);
  });

  it("gzips deterministically: a second sync uploads nothing", async () => {
    const script = "export const x = 1;\n".repeat(5000);
    await writeFiles(paths().source, { "public/app.js": script });
    const store = await createStore();
    await upload(store, { rules: { gzip: ["js"] } });
    const stored = await readFile(join(paths().bucket, "site", "app.js"));
    expect(gunzipSync(stored).toString()).toBe(script);
    expect(await store.head("site/app.js")).toMatchObject({ contentEncoding: "gzip" });
    store.resetCounts();
    await upload(store, { rules: { gzip: ["js"] } });
    expect(store.requests.put).toBe(0);
    expect(await tree(paths().scratch)).toEqual([]);
  });

  it("leaves the store untouched in a dry run", async () => {
    await writeFiles(paths().source, site);
    const store = await createStore();
    await store.put("site/stale.html", "old");
    const before = await tree(paths().bucket);
    const logger = captureLogger();
    const summary = await upload(store, { dryRun: true, delete: true, logger });
    expect(summary).toMatchObject({ dryRun: true, uploaded: 4, deleted: 1 });
    expect(await tree(paths().bucket)).toEqual(before);
    expect(logger.messages("info")).toContain("would delete site/stale.html (no local file)");
  });

  it("downloads a prefix, re-downloads nothing when unchanged, and deletes local extras", async () => {
    await writeFiles(paths().source, site);
    const store = await createStore();
    await upload(store);
    await writeFiles(paths().download, { "extra.txt": "extra" });
    const first = await syncDown({ store, source: "site", target: paths().download, delete: true });
    expect(first).toMatchObject({ downloaded: 4, deleted: 1 });
    expect(await tree(paths().download)).toEqual([
      "a/b/c/deep.txt",
      "dossier été/fi le.txt",
      "empty.txt",
      "index.html",
    ]);
    store.resetCounts();
    const again = await syncDown({ store, source: "site", target: paths().download });
    expect(store.requests).toMatchObject({ list: 1, get: 0, head: 0 });
    expect(again).toMatchObject({ downloaded: 0, skipped: 4 });
  });

  it("refuses hostile keys on download, writing nothing inside or outside the folder", async () => {
    const store = await createStore();
    await store.put("site/good.txt", "good");
    // A name the filesystem can hold but that is a path on Windows.
    await writeFile(join(paths().bucket, "site", "a\\..\\..\\x"), "evil");
    store.extraListEntries = [
      { type: "object", key: "site/../x", size: 4 },
      { type: "object", key: "site//etc/x", size: 4 },
      { type: "object", key: "site/a/../../x", size: 4 },
    ];
    const error = await syncDown({ store, source: "site", target: paths().download }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).code).toBe("E_SYNC_UNSAFE_KEY");
    expect((error as SyncError).message).toMatch(/Refusing to download 4 keys/);
    expect(store.requests.get).toBe(0);
    expect(await tree(paths().download)).toEqual([]);
    expect((await readdir(workspace())).sort()).toEqual(["bucket", "scratch"]);
  });

  it("aborts mid-upload without a partial object or temporary file in the store", async () => {
    const contents = new Map<string, Buffer>();
    const files: Record<string, Buffer> = {};
    for (let index = 0; index < 24; index += 1) {
      const content = randomBytes(400_000);
      contents.set(`site/f${index}.bin`, content);
      files[`public/f${index}.bin`] = content;
    }
    await writeFiles(paths().source, files);
    const store = await createStore();
    const controller = new AbortController();
    const logger = captureLogger();
    const progress = logger.progress;
    logger.progress = (options) => {
      const report = progress(options);
      return {
        ...report,
        advance(bytes) {
          report.advance(bytes);
          if (logger.progressBytes > 2_000_000) controller.abort(new Error("SIGTERM"));
        },
      };
    };
    await expect(
      upload(store, { signal: controller.signal, concurrency: 4, logger }),
    ).rejects.toThrow("SIGTERM");
    const stored = await objects();
    expect(stored.length).toBeLessThan(24);
    for (const name of stored) {
      expect(name).not.toMatch(/\.spotkit-/);
      expect(
        (await readFile(join(paths().bucket, name))).equals(contents.get(name) as Buffer),
      ).toBe(true);
    }
    expect(await tree(paths().scratch)).toEqual([]);
  });

  it("aborts mid-download without a partial file", async () => {
    const store = await createStore();
    const contents = new Map<string, Buffer>();
    for (let index = 0; index < 24; index += 1) {
      const content = randomBytes(400_000);
      contents.set(`f${index}.bin`, content);
      await store.put(`site/f${index}.bin`, content);
    }
    const controller = new AbortController();
    const logger = captureLogger();
    const progress = logger.progress;
    logger.progress = (options) => {
      const report = progress(options);
      return {
        ...report,
        advance(bytes) {
          report.advance(bytes);
          if (logger.progressBytes > 2_000_000) controller.abort(new Error("SIGTERM"));
        },
      };
    };
    await expect(
      syncDown({
        store,
        source: "site",
        target: paths().download,
        signal: controller.signal,
        concurrency: 4,
        logger,
      }),
    ).rejects.toThrow("SIGTERM");
    const written = await tree(paths().download);
    expect(written.length).toBeLessThan(24);
    for (const name of written) {
      expect(name).not.toMatch(/spotkit-partial/);
      expect(
        (await readFile(join(paths().download, name))).equals(contents.get(name) as Buffer),
      ).toBe(true);
    }
  });
});
