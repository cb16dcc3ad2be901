import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFilesystemStore } from "@spotkit/storage/filesystem";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rebuildCache } from "./rebuild.js";
import { restoreCache } from "./restore.js";
import {
  createFilesystemStoreFixture,
  type FilesystemStoreFixture,
} from "./test-support/filesystem-store-fixture.js";
import { createMemoryLogger } from "./test-support/memory-logger.js";

let fixture: FilesystemStoreFixture;
let source: string;
let target: string;
const objectKey = (key: string) => `app/${key}/archive.tar.zst`;

beforeEach(async () => {
  fixture = await createFilesystemStoreFixture();
  source = await mkdtemp(join(tmpdir(), "spotkit-s3-cache-source-"));
  target = await mkdtemp(join(tmpdir(), "spotkit-s3-cache-target-"));
  for (const mount of ["node_modules", "src"]) {
    await mkdir(join(source, mount), { recursive: true });
    await writeFile(join(source, mount, "file.js"), `cached ${mount}\n`);
  }
  await mkdir(join(target, "src"), { recursive: true });
  await writeFile(join(target, "src", "file.js"), "the workspace's own source\n");
});
afterEach(async () => {
  await fixture.dispose();
  await rm(source, { recursive: true, force: true });
  await rm(target, { recursive: true, force: true });
});

async function save(key: string, mounts: string[]): Promise<void> {
  const result = await rebuildCache({
    store: fixture.store,
    key,
    objectKey: objectKey(key),
    localRoot: source,
    mounts,
    format: "zstd",
    logger: createMemoryLogger().logger,
    signal: new AbortController().signal,
  });
  expect(result.status).toBe("saved");
}

function restore(overrides: Partial<Parameters<typeof restoreCache>[0]> = {}) {
  const memory = createMemoryLogger();
  const result = restoreCache({
    store: fixture.store,
    key: "k",
    objectKey,
    localRoot: target,
    mounts: ["node_modules"],
    logger: memory.logger,
    signal: new AbortController().signal,
    ...overrides,
  });
  return { memory, result };
}

describe("restoreCache", () => {
  it("restores an exact hit into the local root", async () => {
    await save("k", ["node_modules"]);
    const { result } = restore();
    expect(await result).toMatchObject({ hit: "exact", key: "k", mounts: ["node_modules"] });
    expect(await readFile(join(target, "node_modules", "file.js"), "utf8")).toBe(
      "cached node_modules\n",
    );
  });

  it("restores through a restore key as a partial hit", async () => {
    await save("k-old", ["node_modules"]);
    const { result } = restore({ key: "k-new", restoreKeys: ["k-"] });
    expect(await result).toMatchObject({ hit: "partial", key: "k-old" });
  });

  it("never lets an archive replace a folder the mount setting does not name", async () => {
    await save("k", ["node_modules", "src"]);
    const { result, memory } = restore();
    expect(await result).toMatchObject({ hit: "miss" });
    expect(memory.text()).toContain('also holds "src"');
    expect(await readFile(join(target, "src", "file.js"), "utf8")).toBe(
      "the workspace's own source\n",
    );
  });

  it("warns on a miss, and throws E_CACHE_MISS with failOnError", async () => {
    const { result, memory } = restore();
    expect(await result).toMatchObject({ hit: "miss", bytes: 0 });
    expect(memory.text()).toContain('cache miss: no archive for "k"');
    await expect(restore({ failOnError: true }).result).rejects.toMatchObject({
      code: "E_CACHE_MISS",
    });
  });

  it("is a miss when the store fails, and throws on cancellation", async () => {
    await save("k", ["node_modules"]);
    const controller = new AbortController();
    controller.abort(new Error("SIGTERM"));
    await expect(restore({ signal: controller.signal }).result).rejects.toThrow();

    const { result, memory } = restore({
      store: createFilesystemStore({ root: join(fixture.root, "no-such-folder") }),
    });
    expect(await result).toMatchObject({ hit: "miss" });
    expect(memory.text()).toContain("restoring the cache failed");
  });
});
