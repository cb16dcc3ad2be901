import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { MemoryStore } from "./memory-store.js";

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe("MemoryStore", () => {
  it("lists in key order, page by page, counting one request per page", async () => {
    const store = new MemoryStore({ pageSize: 2 });
    for (const key of ["b", "a", "c", "x/1", "d"]) store.seed(key, key);
    const entries = await collect(store.list({ prefix: "" }));
    expect(entries.map((entry) => (entry.type === "object" ? entry.key : entry.prefix))).toEqual([
      "a",
      "b",
      "c",
      "d",
      "x/1",
    ]);
    expect(store.requests.list).toBe(3);
  });

  it("groups by delimiter and filters by prefix", async () => {
    const store = new MemoryStore();
    for (const key of ["a/1", "a/b/2", "a/b/3", "ab"]) store.seed(key, "");
    const entries = await collect(store.list({ prefix: "a/", delimiter: "/" }));
    expect(entries).toEqual([
      expect.objectContaining({ type: "object", key: "a/1" }),
      { type: "prefix", prefix: "a/b/" },
    ]);
  });

  it("lists like S3 by default: MD5 for single-part objects only, no metadata or headers", async () => {
    const store = new MemoryStore({ multipartThreshold: 4 });
    await store.put("small", "abc", { metadata: { K: "v" }, contentType: "text/plain" });
    await store.put("large", "abcdef");
    const [large, small] = await collect(store.list({ includeMetadata: true }));
    expect(small).toMatchObject({ key: "small", md5: "900150983cd24fb0d6963f7d28e17f72" });
    expect(small).not.toHaveProperty("metadata");
    expect(small).not.toHaveProperty("contentType");
    expect(large).not.toHaveProperty("md5");
    expect(large).toMatchObject({ etag: expect.stringMatching(/-2$/) });
    expect(await store.head("small")).toMatchObject({
      metadata: { k: "v" },
      contentType: "text/plain",
    });
  });

  it("lists metadata and headers like Azure when asked to", async () => {
    const store = new MemoryStore({ listingCarriesMetadata: true });
    await store.put("a", "x", { metadata: { k: "v" }, cacheControl: "no-cache" });
    const [entry] = await collect(store.list({ includeMetadata: true }));
    expect(entry).toMatchObject({ metadata: { k: "v" }, cacheControl: "no-cache" });
  });

  it("stores nothing when the body fails or the put is aborted", async () => {
    const store = new MemoryStore();
    const failing = new Readable({
      read() {
        this.destroy(new Error("disk gone"));
      },
    });
    await expect(store.put("a", failing)).rejects.toThrow(/disk gone/);
    const controller = new AbortController();
    store.onPutChunk = () => {
      controller.abort(new Error("stop"));
      return new Promise(() => {});
    };
    await expect(
      store.put("b", Readable.from([Buffer.from("x")]), { signal: controller.signal }),
    ).rejects.toThrow("stop");
    expect(store.objects.size).toBe(0);
    expect(store.failedPuts).toBe(1);
    expect(store.abortedPuts).toBe(1);
  });

  it("verifies an announced MD5", async () => {
    const store = new MemoryStore();
    await expect(store.put("a", "x", { md5: "00" })).rejects.toMatchObject({
      code: "E_STORAGE_INTEGRITY",
    });
  });

  it("answers head of a missing key with undefined and get with E_STORAGE_NOT_FOUND", async () => {
    const store = new MemoryStore();
    expect(await store.head("missing")).toBeUndefined();
    await expect(store.get("missing")).rejects.toMatchObject({ code: "E_STORAGE_NOT_FOUND" });
    await store.delete(["missing"]);
  });

  it("deletes in batches of 1000", async () => {
    const store = new MemoryStore();
    const keys = Array.from({ length: 2500 }, (_, index) => `k${index}`);
    for (const key of keys) store.seed(key, "");
    await store.delete(keys);
    expect(store.requests.delete).toBe(3);
    expect(store.objects.size).toBe(0);
  });

  it("fails requests a test injects", async () => {
    const store = new MemoryStore();
    store.fault = (kind) => (kind === "head" ? new Error("injected") : undefined);
    await expect(store.head("a")).rejects.toThrow("injected");
  });
});
