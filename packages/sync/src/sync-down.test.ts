import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { describe, expect, it } from "vitest";
import { sha256MetadataKey } from "./compare-content.js";
import { type DownloadSyncOptions, syncDown } from "./sync-down.js";
import { SyncError } from "./sync-error.js";
import { captureLogger } from "./test-support/capture-logger.js";
import { MemoryStore } from "./test-support/memory-store.js";
import { useTemporaryFolder } from "./test-support/temporary-folder.js";
import { writeFiles } from "./test-support/write-files.js";

const folder = useTemporaryFolder("spotkit-sync-down-");

/** The download folder; `folder()` itself holds it and what lies "outside". */
function target(): string {
  return join(folder(), "out");
}

async function sync(store: MemoryStore, options: Partial<DownloadSyncOptions> = {}) {
  return await syncDown({ store, source: "site", target: target(), ...options });
}

/** Every file below `root`, as `/`-separated relative paths, sorted. */
async function tree(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .sort();
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

function seedSite(store: MemoryStore): Buffer {
  const large = randomBytes(300_000);
  store.seed("site/index.html", "<h1>home</h1>");
  store.seed("site/css/site.css", "body {}");
  store.seed("site/dossier été/fi le.txt", "unicode");
  store.seed("site/empty", "");
  // As syncUp stores it: in parts (no MD5), with its SHA-256 in metadata.
  store.seed("site/large.bin", large, {
    multipart: true,
    metadata: { [sha256MetadataKey]: createHash("sha256").update(large).digest("hex") },
  });
  store.seed("site/folder/", "");
  store.seed("other/x", "not downloaded");
  return large;
}

describe("syncDown", () => {
  it("downloads every object under the prefix into the folder, skipping folder markers", async () => {
    const store = new MemoryStore();
    const large = seedSite(store);
    const summary = await sync(store);
    expect(await tree(target())).toEqual([
      "css/site.css",
      "dossier été/fi le.txt",
      "empty",
      "index.html",
      "large.bin",
    ]);
    expect(await readFile(join(target(), "index.html"), "utf8")).toBe("<h1>home</h1>");
    expect((await readFile(join(target(), "large.bin"))).equals(large)).toBe(true);
    expect(store.requests).toMatchObject({ list: 1, get: 5, head: 0 });
    expect(summary).toMatchObject({
      direction: "download",
      files: 5,
      downloaded: 5,
      skipped: 0,
      transferredBytes: 13 + 7 + 7 + 300_000,
    });
  });

  it("re-syncs with one listing, a head only for same-size objects without MD5, no download", async () => {
    const store = new MemoryStore();
    seedSite(store);
    await sync(store);
    store.resetCounts();
    const summary = await sync(store, { delete: true });
    expect(store.requests).toMatchObject({ list: 1, get: 0, head: 1, delete: 0 });
    expect(summary).toMatchObject({ downloaded: 0, skipped: 5, deleted: 0 });
  });

  it("compares spotkit-sha256 from the listing, when it carries metadata, without a head", async () => {
    const store = new MemoryStore({ listingCarriesMetadata: true });
    const content = randomBytes(1000);
    store.seed("site/a.bin", content, {
      multipart: true,
      metadata: { [sha256MetadataKey]: createHash("sha256").update(content).digest("hex") },
    });
    await sync(store);
    store.resetCounts();
    const summary = await sync(store);
    expect(store.requests).toMatchObject({ list: 1, head: 0, get: 0 });
    expect(summary.skipped).toBe(1);
  });

  it("downloads only what changed", async () => {
    const store = new MemoryStore();
    seedSite(store);
    await sync(store);
    store.seed("site/css/site.css", "body {x}");
    store.resetCounts();
    const logger = captureLogger();
    await sync(store, { logger });
    expect(store.requests.get).toBe(1);
    expect(await readFile(join(target(), "css", "site.css"), "utf8")).toBe("body {x}");
    expect(logger.messages("info")).toContain(
      "download site/css/site.css → css/site.css (size changed, 8 B)",
    );
  });

  it("deletes local files that are not in the store, inside the folder only", async () => {
    const store = new MemoryStore();
    store.seed("site/keep.txt", "keep");
    await writeFiles(folder(), {
      "out/keep.txt": "old",
      "out/stale.txt": "stale",
      "out/deep/stale.txt": "stale",
      "outside.txt": "outside",
      "elsewhere/secret.txt": "secret",
    });
    await symlink(join(folder(), "elsewhere", "secret.txt"), join(target(), "link.txt"));
    await symlink(join(folder(), "elsewhere"), join(target(), "linked-folder"));
    const summary = await sync(store, { delete: true });
    expect(summary.deleted).toBe(4);
    expect(await tree(target())).toEqual(["keep.txt"]);
    expect(await readFile(join(target(), "keep.txt"), "utf8")).toBe("keep");
    expect(await readFile(join(folder(), "outside.txt"), "utf8")).toBe("outside");
    expect(await readFile(join(folder(), "elsewhere", "secret.txt"), "utf8")).toBe("secret");
  });

  it("refuses hostile keys before writing anything at all", async () => {
    for (const hostile of [
      "../x",
      "/etc/x",
      "a/../../x",
      "a\\..\\..\\x",
      "a/./b",
      "a//b",
      "nul\0x",
    ]) {
      const store = new MemoryStore();
      store.seed("site/a-good-file", "good");
      store.seed(`site/${hostile}`, "evil");
      const error = await expectSyncError(sync(store), "E_SYNC_UNSAFE_KEY");
      expect(error.message).toContain(JSON.stringify(`site/${hostile}`));
      expect(store.requests.get).toBe(0);
      expect(await tree(folder())).toEqual([]);
    }
  });

  it("refuses hostile keys with an empty prefix too", async () => {
    const store = new MemoryStore();
    store.seed("/etc/passwd", "evil");
    store.seed("../x", "evil");
    const error = await expectSyncError(sync(store, { source: "" }), "E_SYNC_UNSAFE_KEY");
    expect(error.message).toMatch(/Refusing to download 2 keys/);
    expect(await tree(folder())).toEqual([]);
  });

  it("never writes through a symbolic link in the folder", async () => {
    await mkdir(join(folder(), "elsewhere"), { recursive: true });
    await mkdir(target(), { recursive: true });
    await symlink(join(folder(), "elsewhere"), join(target(), "assets"));
    const store = new MemoryStore();
    store.seed("site/assets/new/app.js", "evil");
    await expectSyncError(sync(store), "E_SYNC_UNSAFE_PATH");
    expect(await tree(join(folder(), "elsewhere"))).toEqual([]);
    expect(await readdir(join(folder(), "elsewhere"))).toEqual([]);
  });

  it("replaces a symbolic link to a file instead of writing through it", async () => {
    await writeFiles(folder(), { "elsewhere/secret.txt": "secret", "out/.keep": "" });
    await symlink(join(folder(), "elsewhere", "secret.txt"), join(target(), "a.txt"));
    const store = new MemoryStore();
    store.seed("site/a.txt", "new");
    await sync(store);
    expect(await readFile(join(target(), "a.txt"), "utf8")).toBe("new");
    expect(await readFile(join(folder(), "elsewhere", "secret.txt"), "utf8")).toBe("secret");
  });

  it("refuses a key that is both a file and a folder", async () => {
    const store = new MemoryStore();
    store.seed("site/a", "file");
    store.seed("site/a/b", "below");
    await expectSyncError(sync(store), "E_SYNC_KEY_CONFLICT");
    expect(await tree(folder())).toEqual([]);
  });

  it("writes nothing for an object whose bytes do not match the announced MD5", async () => {
    const store = new MemoryStore();
    store.seed("site/a.txt", "content", { reportedMd5: "0".repeat(32) });
    const error = await expectSyncError(sync(store), "E_SYNC_INTEGRITY");
    expect(error.message).toContain("site/a.txt");
    expect(await tree(folder())).toEqual([]);
  });

  it("checks an object without MD5 (in parts) by its spotkit-sha256", async () => {
    const store = new MemoryStore();
    const sha256 = createHash("sha256").update("parts").digest("hex");
    store.seed("site/good.bin", "parts", {
      multipart: true,
      metadata: { [sha256MetadataKey]: sha256 },
    });
    store.seed("site/bad.bin", "parts", {
      multipart: true,
      metadata: { [sha256MetadataKey]: "0".repeat(64) },
    });
    const error = await expectSyncError(sync(store), "E_SYNC_INTEGRITY");
    expect(error.message).toContain("site/bad.bin");
    expect(error.message).toContain("spotkit-sha256");
    expect(await tree(target())).not.toContain("bad.bin");
  });

  it("deletes and writes nothing when the listing fails", async () => {
    await writeFiles(folder(), { "out/local.txt": "local" });
    const store = new MemoryStore({ pageSize: 1 });
    store.seed("site/a", "a");
    store.seed("site/b", "b");
    store.fault = (kind, _target, page) =>
      kind === "list" && page === 1 ? new Error("503 SlowDown") : undefined;
    await expectSyncError(sync(store, { delete: true }), "E_SYNC_TRANSFER");
    expect(await tree(target())).toEqual(["local.txt"]);
  });

  it("refuses to empty the folder when the prefix holds nothing", async () => {
    await writeFiles(folder(), { "out/local.txt": "local" });
    await expectSyncError(sync(new MemoryStore(), { delete: true }), "E_SYNC_NO_FILES");
    expect(await tree(target())).toEqual(["local.txt"]);
  });

  it("prints the plan in a dry run and writes nothing", async () => {
    await writeFiles(folder(), { "out/stale.txt": "x" });
    const store = new MemoryStore();
    store.seed("site/a.txt", "a");
    const logger = captureLogger();
    const summary = await sync(store, { dryRun: true, delete: true, logger });
    expect(logger.messages("info")).toEqual([
      "would download site/a.txt → a.txt (new, 1 B)",
      "would delete stale.txt (not in the store)",
      `would download 1 of 1 objects to ${target()} (0 unchanged, 1 to delete)`,
    ]);
    expect(summary).toMatchObject({ dryRun: true, downloaded: 1, deleted: 1 });
    expect(await tree(target())).toEqual(["stale.txt"]);
    expect(store.requests.get).toBe(0);
  });

  it("leaves no partial file behind when aborted mid-download", async () => {
    const store = new MemoryStore();
    const contents = new Map<string, Buffer>();
    for (let index = 0; index < 20; index += 1) {
      const content = randomBytes(300_000);
      contents.set(`f${index}.bin`, content);
      store.seed(`site/f${index}.bin`, content);
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
          if (logger.progressBytes > 1_000_000) controller.abort(new Error("SIGTERM"));
        },
      };
    };
    await expect(
      sync(store, { signal: controller.signal, concurrency: 4, logger }),
    ).rejects.toThrow("SIGTERM");
    const written = await tree(target());
    expect(written.length).toBeLessThan(20);
    for (const name of written) {
      expect(name).not.toMatch(/spotkit-partial/);
      expect((await readFile(join(target(), name))).equals(contents.get(name) as Buffer)).toBe(
        true,
      );
    }
  });

  it("takes a relative target from cwd", async () => {
    const store = new MemoryStore();
    store.seed("site/a.txt", "a");
    await syncDown({ store, source: "/site/", target: "rel/out", cwd: folder() });
    expect(await readFile(join(folder(), "rel", "out", "a.txt"), "utf8")).toBe("a");
  });

  it("keeps the local file when the store writes nothing over it", async () => {
    await writeFile(join(folder(), "marker"), "");
    const store = new MemoryStore();
    store.seed("site/a.txt", "a");
    store.fault = (kind) => (kind === "get" ? new Error("403 Forbidden") : undefined);
    const error = await expectSyncError(sync(store), "E_SYNC_TRANSFER");
    expect(error.message).toContain("Downloading site/a.txt failed");
    expect(await tree(target())).toEqual([]);
  });
});
