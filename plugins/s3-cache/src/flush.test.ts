import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { flushCache } from "./flush.js";
import {
  createFilesystemStoreFixture,
  type FilesystemStoreFixture,
} from "./test-support/filesystem-store-fixture.js";
import { createMemoryLogger } from "./test-support/memory-logger.js";

const day = 24 * 60 * 60 * 1000;
const now = new Date("2026-11-20T12:00:00Z");

let fixture: FilesystemStoreFixture;
beforeEach(async () => {
  fixture = await createFilesystemStoreFixture();
});
afterEach(async () => {
  await fixture.dispose();
});

async function save(key: string, daysOld: number, content = "x"): Promise<void> {
  await fixture.store.put(key, content);
  await fixture.setLastModified(key, new Date(now.getTime() - daysOld * day));
}

async function keys(): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of fixture.store.list()) {
    if (entry.type === "object") found.push(entry.key);
  }
  return found.sort();
}

describe("flushCache", () => {
  it("deletes objects under the prefix older than the age, and nothing else", async () => {
    await save("octo/app/old/archive.tar", 45, "12345");
    await save("octo/app/older/archive.tar", 31, "123");
    await save("octo/app/fresh/archive.tar", 29);
    await save("octo/app-fork/old/archive.tar", 90); // not under octo/app/
    await save("other/old/archive.tar", 90);
    const { logger, text } = createMemoryLogger();

    const result = await flushCache({
      store: fixture.store,
      prefix: "octo/app",
      maxAgeDays: 30,
      now,
      logger,
      signal: new AbortController().signal,
    });

    expect(result).toMatchObject({ deleted: 2, bytes: 8, kept: 1, completed: true });
    expect(await keys()).toEqual([
      "octo/app-fork/old/archive.tar",
      "octo/app/fresh/archive.tar",
      "other/old/archive.tar",
    ]);
    expect(text()).toContain("flushed 2 objects");
  });

  it("considers the whole store when the prefix is empty", async () => {
    await save("a/archive.tar", 10);
    await save("b/archive.tar", 1);
    const result = await flushCache({
      store: fixture.store,
      prefix: "/",
      maxAgeDays: 7,
      now,
      logger: createMemoryLogger().logger,
      signal: new AbortController().signal,
    });
    expect(result).toMatchObject({ deleted: 1, kept: 1 });
    expect(await keys()).toEqual(["b/archive.tar"]);
  });

  it("warns and reports an incomplete flush when the store fails, or throws with failOnError", async () => {
    await fixture.dispose();
    const { logger, text } = createMemoryLogger();
    const options = {
      store: fixture.store,
      prefix: "octo/app",
      maxAgeDays: 30,
      now,
      logger,
      signal: new AbortController().signal,
    };
    const result = await flushCache(options);
    expect(result).toMatchObject({ deleted: 0, completed: false });
    expect(text()).toContain("flushing the cache failed");

    await expect(flushCache({ ...options, failOnError: true })).rejects.toMatchObject({
      code: "E_CACHE_FLUSH_FAILED",
    });
  });

  it("throws when the step is cancelled", async () => {
    await save("octo/app/old/archive.tar", 45);
    const controller = new AbortController();
    controller.abort(new Error("cancelled"));
    await expect(
      flushCache({
        store: fixture.store,
        prefix: "octo/app",
        maxAgeDays: 30,
        now,
        logger: createMemoryLogger().logger,
        signal: controller.signal,
      }),
    ).rejects.toThrow();
    expect(await keys()).toEqual(["octo/app/old/archive.tar"]);
  });
});
