import { mkdir, mkdtemp, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { PluginEntryOptions } from "@spotkit/runtime/testing";
import { createObjectStore, type ObjectStore } from "@spotkit/storage";
import {
  type AzurePeer,
  createAzuriteContainer,
  createGcsFakeBucket,
  type GcsPeer,
  loopbackOnlyPreloadPath,
  startAzurite,
  startGcsFake,
} from "@spotkit/test-peers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshotTree, writeCacheTree } from "./test-support/cache-tree.js";
import { runCachePlugin } from "./test-support/run-cache-plugin.js";

// The cache plugin from its built entry against azurite (a real Azure Blob emulator), the in-repo
// FAKE of the GCS JSON API (no GCS emulator runs here) and the filesystem backend.

/** Fails any lookup or connection off loopback in the plugin process (GCS auth, metadata server). */
const loopbackOnly = {
  NODE_OPTIONS: `--import ${loopbackOnlyPreloadPath()}`,
};

let scratch: string;
let folderCount = 0;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "spotkit-s3-cache-backends-"));
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function workspace(): Promise<string> {
  folderCount += 1;
  const folder = join(scratch, String(folderCount), "workspace");
  await mkdir(folder, { recursive: true });
  return folder;
}

async function keysUnder(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of store.list({ prefix })) {
    if (entry.type === "object") keys.push(entry.key);
  }
  return keys.sort();
}

type Run = (
  cwd: string,
  settings: Record<string, unknown>,
  options?: Omit<PluginEntryOptions, "cwd" | "settings">,
) => ReturnType<typeof runCachePlugin>;

/**
 * The behaviour every backend shares: a round trip of a real tree, restore_keys, override false.
 * `run` adds the backend's own settings; `store` reads what the plugin wrote.
 */
function describeBackendRoundTrip(name: string, setup: () => { run: Run; store: ObjectStore }) {
  describe(`${name}: rebuild and restore`, () => {
    it("round-trips a tree of a few thousand files with symlinks, empty folders and exec bits", async () => {
      const { run, store } = setup();
      const source = await workspace();
      await writeCacheTree(source, "node_modules", { files: 2500 });
      const settings = { remote_root: "app", cache_key: "deps-1", mount: ["node_modules"] };

      const saved = await run(source, { ...settings, rebuild: true });
      expect(saved.exitCode, saved.output).toBe(0);
      expect(saved.outputs).toMatchObject({ cache_key: "deps-1", cache_saved: "true" });
      expect(await keysUnder(store, "app/deps-1/")).toEqual(["app/deps-1/archive.tar.zst"]);

      const target = await workspace();
      await writeCacheTree(target, "node_modules", { files: 3, salt: "stale" });
      const restored = await run(target, { ...settings, restore: true });
      expect(restored.exitCode, restored.output).toBe(0);
      expect(restored.outputs).toMatchObject({ cache_hit: "exact", cache_key: "deps-1" });
      expect(await snapshotTree(target, "node_modules")).toEqual(
        await snapshotTree(source, "node_modules"),
      );
    });

    it("falls back to the newest cache of a restore key, and keeps a cache with override false", async () => {
      const { run } = setup();
      const settings = { remote_root: "keys", mount: ["node_modules"] };
      for (const [key, salt] of [
        ["deps-a", "a"],
        ["deps-b", "b"],
      ] as const) {
        const cwd = await workspace();
        await writeCacheTree(cwd, "node_modules", { files: 3, salt });
        const saved = await run(cwd, { ...settings, cache_key: key, rebuild: true });
        expect(saved.exitCode, saved.output).toBe(0);
        await new Promise((resolve) => setTimeout(resolve, 1100));
      }
      const kept = await workspace();
      await writeCacheTree(kept, "node_modules", { files: 3, salt: "not saved" });
      const skipped = await run(kept, {
        ...settings,
        cache_key: "deps-a",
        override: false,
        rebuild: true,
      });
      expect(skipped.outputs, skipped.output).toMatchObject({ cache_saved: "false" });

      const target = await workspace();
      const restored = await run(target, {
        ...settings,
        cache_key: "deps-c",
        restore_keys: ["deps-"],
        restore: true,
      });
      expect(restored.outputs, restored.output).toMatchObject({
        cache_hit: "partial",
        cache_key: "deps-b",
      });
      const spelled = (folder: string) =>
        readFile(join(folder, "node_modules", "ünï cödé", "file with spaces.txt"), "utf8");
      expect(await spelled(target)).toBe("unicode b\n");
      const againTarget = await workspace();
      const again = await run(againTarget, { ...settings, cache_key: "deps-a", restore: true });
      expect(again.outputs.cache_hit, again.output).toBe("exact");
      expect(await spelled(againTarget)).toBe("unicode a\n");
    });
  });
}

describe("azure (azurite)", () => {
  let azure: AzurePeer;
  let store: ObjectStore;
  const container = "caches";
  beforeAll(async () => {
    azure = await startAzurite();
    await createAzuriteContainer(azure, container);
    store = createObjectStore({
      type: "azure",
      container,
      account: azure.accountName,
      accountKey: azure.accountKey,
      endpoint: azure.endpoint,
    });
  }, 120_000);
  afterAll(async () => {
    await azure?.stop();
  });

  const run: Run = async (cwd, settings, options = {}) => {
    const result = await runCachePlugin(cwd, {
      ...options,
      settings: {
        backend: "azure",
        account_name: azure.accountName,
        account_key: { from_secret: "azure_key" },
        container,
        azure_blob_storage_url: azure.endpoint,
        ...settings,
      },
      secrets: { azure_key: azure.accountKey, ...options.secrets },
    });
    expect(result.output).not.toContain(azure.accountKey);
    return result;
  };
  describeBackendRoundTrip("azure", () => ({ run, store }));

  it("warns about a wrong account key without printing it, and fails with exit_code", async () => {
    const wrongKey = Buffer.from("wrong-key-wrong-key-wrong-key-00").toString("base64");
    const cwd = await workspace();
    await writeCacheTree(cwd, "node_modules", { files: 3 });
    const settings = {
      remote_root: "wrong",
      cache_key: "k",
      mount: ["node_modules"],
      account_key: { from_secret: "wrong_key" },
    };
    const saved = await run(
      cwd,
      { ...settings, rebuild: true },
      { secrets: { wrong_key: wrongKey } },
    );
    expect(saved.exitCode, saved.output).toBe(0);
    expect(saved.outputs).toMatchObject({ cache_saved: "false" });
    expect(saved.output).not.toContain(wrongKey);
    const failed = await run(
      cwd,
      { ...settings, restore: true, exit_code: true },
      { secrets: { wrong_key: wrongKey } },
    );
    expect(failed.exitCode).toBe(1);
    expect(failed.output).not.toContain(wrongKey);
  });
});

describe("gcs (the in-repo GCS fake)", () => {
  let gcs: GcsPeer;
  let store: ObjectStore;
  const bucket = "caches";
  beforeAll(async () => {
    // No token: the store sends unauthenticated requests to a custom endpoint when it has no
    // credentials, as with an emulator; signing in with a key would reach Google for a token.
    gcs = await startGcsFake();
    await createGcsFakeBucket(gcs.endpoint, bucket);
    store = createObjectStore({ type: "gcs", bucket, apiEndpoint: gcs.endpoint });
  });
  afterAll(async () => {
    await gcs?.stop();
  });

  const run: Run = (cwd, settings, options = {}) =>
    runCachePlugin(cwd, {
      ...options,
      settings: { backend: "gcs", bucket, endpoint: gcs.endpoint, ...settings },
      env: { ...loopbackOnly, ...options.env },
    });
  describeBackendRoundTrip("gcs", () => ({ run, store }));

  it("leaves no open resumable upload when the archive cannot be made", async () => {
    const cwd = await workspace();
    await writeCacheTree(cwd, "node_modules", { files: 3 });
    const result = await run(cwd, {
      remote_root: "broken",
      cache_key: "k",
      mount: ["node_modules"],
      compression_level: 99,
      rebuild: true,
    });
    // Either the setting is refused before any work, or the save fails: never an object.
    expect(result.outputs.cache_saved ?? "false").toBe("false");
    expect(gcs.openUploads()).toBe(0);
    expect(await keysUnder(store, "broken/")).toEqual([]);
  });
});

describe("filesystem", () => {
  let cacheRoot: string;
  let store: ObjectStore;
  beforeAll(async () => {
    cacheRoot = await mkdtemp(join(tmpdir(), "spotkit-s3-cache-fs-"));
    store = createObjectStore({ type: "filesystem", root: cacheRoot });
  });
  afterAll(async () => {
    if (cacheRoot) await rm(cacheRoot, { recursive: true, force: true });
  });

  const run: Run = (cwd, settings, options = {}) =>
    runCachePlugin(cwd, {
      ...options,
      settings: { backend: "filesystem", filesystem_cache_root: cacheRoot, ...settings },
    });
  describeBackendRoundTrip("filesystem", () => ({ run, store }));

  it("flushes the caches under flush_path older than flush_age days", async () => {
    const cwd = await workspace();
    await writeCacheTree(cwd, "node_modules", { files: 3 });
    for (const key of ["old", "older", "fresh"]) {
      const saved = await run(cwd, {
        remote_root: "flush",
        cache_key: key,
        mount: ["node_modules"],
        rebuild: true,
      });
      expect(saved.exitCode, saved.output).toBe(0);
    }
    const day = 24 * 60 * 60 * 1000;
    for (const [key, days] of [
      ["old", 31],
      ["older", 90],
      ["fresh", 29],
    ] as const) {
      const time = new Date(Date.now() - days * day);
      await utimes(join(cacheRoot, "flush", key, "archive.tar.zst"), time, time);
    }

    const flushed = await run(cwd, { flush: true, flush_path: "flush", flush_age: 30 });
    expect(flushed.exitCode, flushed.output).toBe(0);
    expect(flushed.outputs).toMatchObject({ deleted: "2" });
    expect(await keysUnder(store, "flush/")).toEqual(["flush/fresh/archive.tar.zst"]);
  });

  it("is a warning and a miss when filesystem_cache_root does not exist (drone-cache #168)", async () => {
    const cwd = await workspace();
    await writeCacheTree(cwd, "node_modules", { files: 3 });
    const before = await snapshotTree(cwd, "node_modules");
    const result = await run(cwd, {
      filesystem_cache_root: join(scratch, "no-such-folder"),
      cache_key: "k",
      mount: ["node_modules"],
      restore: true,
    });
    expect(result.exitCode, result.output).toBe(0);
    expect(result.outputs).toMatchObject({ cache_hit: "miss" });
    expect(await snapshotTree(cwd, "node_modules")).toEqual(before);
    await expect(stat(join(scratch, "no-such-folder"))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("saves and restores mounts given as globs, and leaves other folders alone", async () => {
    const source = await workspace();
    await writeCacheTree(source, "packages/a/node_modules", { files: 5, salt: "a" });
    await writeCacheTree(source, "packages/b/node_modules", { files: 5, salt: "b" });
    await writeFile(join(source, "packages", "a", "index.js"), "source a");
    const settings = {
      remote_root: "globs",
      cache_key: "k",
      mount: ["packages/*/node_modules"],
    };
    const saved = await run(source, { ...settings, rebuild: true });
    expect(saved.exitCode, saved.output).toBe(0);

    const target = await workspace();
    await mkdir(join(target, "packages", "a"), { recursive: true });
    await writeFile(join(target, "packages", "a", "index.js"), "source a, changed");
    const restored = await run(target, { ...settings, restore: true });
    expect(restored.outputs.cache_hit, restored.output).toBe("exact");
    for (const mount of ["packages/a/node_modules", "packages/b/node_modules"]) {
      expect(await snapshotTree(target, mount)).toEqual(await snapshotTree(source, mount));
    }
    expect(await readFile(join(target, "packages", "a", "index.js"), "utf8")).toBe(
      "source a, changed",
    );
  });
});
