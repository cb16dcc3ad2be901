import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFilesystemStore } from "./filesystem-store.js";
import {
  collect,
  describeObjectStoreContract,
  expectStorageError,
  md5,
  objectKeys,
  readAll,
} from "./object-store-contract.js";

describeObjectStoreContract("filesystem", async () => {
  const root = await mkdtemp(join(tmpdir(), "spotkit-fs-contract-"));
  return {
    createStore: (prefix) => createFilesystemStore({ root, prefix }),
    createMissingBucketStore: () => createFilesystemStore({ root: join(root, "no-such-folder") }),
    teardown: () => rm(root, { recursive: true, force: true }),
  };
});

describe("createFilesystemStore", () => {
  let root = "";
  let outside = "";
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "spotkit-fs-store-"));
    outside = await mkdtemp(join(tmpdir(), "spotkit-fs-outside-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(outside, { recursive: true, force: true });
  });

  it("stores objects as plain files under root/prefix, metadata out of sight", async () => {
    const store = createFilesystemStore({ root, prefix: "/site//v1/" });
    expect(store.url).toBe(`file://${root}/site/v1`);
    await store.put("index.html", "<h1>hi</h1>", { metadata: { Owner: "ci" } });
    expect(await readFile(join(root, "site", "v1", "index.html"), "utf8")).toBe("<h1>hi</h1>");
    expect((await store.head("index.html"))?.metadata).toEqual({ owner: "ci" });
    // The sidecar folder never shows up, not even in a listing of the whole root.
    const whole = createFilesystemStore({ root });
    expect(await collect(whole.list({ delimiter: "/" }))).toEqual([
      { type: "prefix", prefix: "site/" },
    ]);
    expect(objectKeys(await collect(whole.list()))).toEqual(["site/v1/index.html"]);
  });

  it("refuses reserved names and writes through links that leave the root", async () => {
    const store = createFilesystemStore({ root });
    await expectStorageError(store.put(".spotkit-meta/x.json", "{}"), "E_STORAGE_INVALID_KEY");
    await expectStorageError(store.put("a/.spotkit-tmp-1", "x"), "E_STORAGE_INVALID_KEY");

    await symlink(outside, join(root, "escape"));
    await writeFile(join(outside, "secret.txt"), "outside");
    await expectStorageError(store.put("escape/planted.txt", "x"), "E_STORAGE_INVALID_KEY");
    await expectStorageError(store.get("escape/secret.txt"), "E_STORAGE_INVALID_KEY");
    await expectStorageError(store.delete(["escape/secret.txt"]), "E_STORAGE_INVALID_KEY");
    expect(await readdir(outside)).toEqual(["secret.txt"]);
    // Links are not objects: the listing skips them.
    expect(await collect(store.list())).toEqual([]);
  });

  it("never shows a partial object and leaves no temporary file behind", async () => {
    const store = createFilesystemStore({ root });
    await store.put("slow.bin", "old content");
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const writing = store.put(
      "slow.bin",
      Readable.from(
        (async function* () {
          yield Buffer.from("new ");
          await gate;
          yield Buffer.from("content");
        })(),
      ),
    );
    // Half-written: readers still get the old object, whole.
    await new Promise((resolve) => setImmediate(resolve));
    expect((await readAll((await store.get("slow.bin")).body)).toString()).toBe("old content");
    release();
    await writing;
    expect((await readAll((await store.get("slow.bin")).body)).toString()).toBe("new content");

    const controller = new AbortController();
    const aborted = store.put(
      "never.bin",
      Readable.from(
        (async function* () {
          yield Buffer.from("partial");
          controller.abort();
          await new Promise((resolve) => setTimeout(resolve, 50));
          yield Buffer.from("rest");
        })(),
      ),
      { signal: controller.signal },
    );
    await expect(aborted).rejects.toMatchObject({ name: "AbortError" });
    expect(await readdir(root)).toEqual([".spotkit-meta", "slow.bin"]);
  });

  it("lets exactly one of many concurrent ifNotExists puts win", async () => {
    const store = createFilesystemStore({ root });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 12 }, (_, index) =>
        store.put("lock", `writer ${index}`, { ifNotExists: true }),
      ),
    );
    const winners = outcomes.filter((outcome) => outcome.status === "fulfilled");
    expect(winners).toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === "rejected") {
        expect(outcome.reason).toMatchObject({ code: "E_STORAGE_PRECONDITION" });
      }
    }
    const content = (await readAll((await store.get("lock")).body)).toString();
    expect((await store.head("lock"))?.md5).toBe(md5(Buffer.from(content)));
    expect((await readdir(root)).filter((name) => name.includes("tmp"))).toEqual([]);
  });

  it("does not believe a sidecar once the file was changed behind its back", async () => {
    const store = createFilesystemStore({ root });
    await store.put("page.html", "v1", { metadata: { version: "1" }, contentType: "text/html" });
    expect((await store.head("page.html"))?.md5).toBe(md5(Buffer.from("v1")));
    await rm(join(root, "page.html"));
    await writeFile(join(root, "page.html"), "edited by hand");
    const info = await store.head("page.html");
    expect(info).toMatchObject({ size: 14, metadata: {} });
    expect(info?.md5).toBeUndefined();
    expect(info?.contentType).toBeUndefined();
  });

  it("reports a key that collides with a folder, and prunes emptied folders", async () => {
    const store = createFilesystemStore({ root });
    await store.put("a", "file");
    await expectStorageError(store.put("a/b", "x"), "E_STORAGE_REQUEST");
    await store.put("deep/er/leaf.txt", "x");
    await expectStorageError(store.put("deep", "x"), "E_STORAGE_REQUEST");
    await store.delete(["deep/er/leaf.txt", "deep"]);
    expect((await readdir(root)).sort()).toEqual([".spotkit-meta", "a"]);
    expect(await readdir(join(root, ".spotkit-meta"))).toEqual(["a.json"]);
  });

  it("says which folder is missing", async () => {
    const store = createFilesystemStore({ root: join(root, "missing") });
    const error = await expectStorageError(store.put("x", "y"), "E_STORAGE_BUCKET_NOT_FOUND");
    expect(error.message).toContain(join(root, "missing"));
    await writeFile(join(root, "file"), "not a folder");
    await expectStorageError(
      createFilesystemStore({ root: join(root, "file") }).check(),
      "E_STORAGE_BUCKET_NOT_FOUND",
    );
  });

  it("checks the announced size", async () => {
    const store = createFilesystemStore({ root });
    await mkdir(join(root, "sized"));
    await expectStorageError(store.put("sized/x", "four", { size: 5 }), "E_STORAGE_INTEGRITY");
    expect(await store.head("sized/x")).toBeUndefined();
  });
});
