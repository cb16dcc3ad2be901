import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { findCacheObject, keyLayout } from "./find-cache-object.js";
import {
  createFilesystemStoreFixture,
  type FilesystemStoreFixture,
} from "./test-support/filesystem-store-fixture.js";

// drone-cache's layout: <remote_root>/<key>/archive.tar.zst
const droneCacheLayout = (key: string) => `repo/${key}/archive.tar.zst`;
// plugins/s3-cache's layout: <path>/<filename>, the path being the key
const s3CacheLayout = (key: string) => `${key}/archive.tar`;

let fixture: FilesystemStoreFixture;
beforeEach(async () => {
  fixture = await createFilesystemStoreFixture();
});
afterEach(async () => {
  await fixture.dispose();
});

/** Saves an archive-like object under a key, last modified `minutesAgo` minutes ago. */
async function save(objectKey: string, minutesAgo: number): Promise<void> {
  await fixture.store.put(objectKey, `archive of ${objectKey}`);
  await fixture.setLastModified(objectKey, new Date(Date.now() - minutesAgo * 60_000));
}

describe("findCacheObject", () => {
  it("takes the exact key first, even when a restore key has a newer archive", async () => {
    await save("repo/main-abc/archive.tar.zst", 60);
    await save("repo/main-xyz/archive.tar.zst", 1);
    const match = await findCacheObject({
      store: fixture.store,
      key: "main-abc",
      restoreKeys: ["main-"],
      objectKey: droneCacheLayout,
    });
    expect(match).toMatchObject({
      key: "main-abc",
      objectKey: "repo/main-abc/archive.tar.zst",
      exact: true,
    });
    expect(match?.info.size).toBe(Buffer.byteLength("archive of repo/main-abc/archive.tar.zst"));
  });

  it("falls back to the newest archive whose key starts with the first restore key that matches", async () => {
    await save("repo/deps-linux-aaa/archive.tar.zst", 30);
    await save("repo/deps-linux-bbb/archive.tar.zst", 5); // newest of deps-linux-
    await save("repo/deps-linux-ccc/archive.tar.zst", 10);
    await save("repo/deps-zzz/archive.tar.zst", 1); // newer, but only matches the second key
    const match = await findCacheObject({
      store: fixture.store,
      key: "deps-linux-missing",
      restoreKeys: ["deps-linux-", "deps-"],
      objectKey: droneCacheLayout,
    });
    expect(match).toMatchObject({
      key: "deps-linux-bbb",
      objectKey: "repo/deps-linux-bbb/archive.tar.zst",
      exact: false,
    });

    const second = await findCacheObject({
      store: fixture.store,
      key: "other",
      restoreKeys: ["nothing-", "deps-"],
      objectKey: droneCacheLayout,
    });
    expect(second?.key).toBe("deps-zzz");
  });

  it("prefers a restore key's own archive to newer ones it is a prefix of", async () => {
    await save("repo/main/archive.tar.zst", 60);
    await save("repo/main-feature/archive.tar.zst", 1);
    const match = await findCacheObject({
      store: fixture.store,
      key: "feature/x",
      restoreKeys: ["main"],
      objectKey: droneCacheLayout,
    });
    expect(match).toMatchObject({ key: "main", exact: false });
  });

  it("ignores other files under a prefix and archives of another format", async () => {
    await save("repo/deps-1/archive.tar.gz", 1); // another archive_format
    await save("repo/deps-2/notes.txt", 1);
    await save("repo/deps-3/archive.tar.zst", 50);
    const match = await findCacheObject({
      store: fixture.store,
      key: "x",
      restoreKeys: ["deps-"],
      objectKey: droneCacheLayout,
    });
    expect(match?.key).toBe("deps-3");
  });

  it("does not let a prefix ending in / match the archive of the key before the slash", async () => {
    await save("repo/a/archive.tar.zst", 1);
    await save("repo/a/b/archive.tar.zst", 10);
    const match = await findCacheObject({
      store: fixture.store,
      key: "x",
      restoreKeys: ["a/"],
      objectKey: droneCacheLayout,
    });
    expect(match?.key).toBe("a/b");
  });

  it("works with plugins/s3-cache's path layout and keys that hold slashes", async () => {
    await save("octo/app/main/archive.tar", 60);
    await save("octo/app/feature/one/archive.tar", 2);
    const exactFallback = await findCacheObject({
      store: fixture.store,
      key: "octo/app/feature/two",
      restoreKeys: ["octo/app/main"],
      objectKey: s3CacheLayout,
    });
    expect(exactFallback).toMatchObject({ key: "octo/app/main", exact: false });

    const byPrefix = await findCacheObject({
      store: fixture.store,
      key: "octo/app/feature/two",
      restoreKeys: ["octo/app/feature/"],
      objectKey: s3CacheLayout,
    });
    expect(byPrefix).toMatchObject({
      key: "octo/app/feature/one",
      objectKey: "octo/app/feature/one/archive.tar",
    });
  });

  it("returns undefined when nothing matches, and skips empty restore keys", async () => {
    await save("repo/other/archive.tar.zst", 1);
    expect(
      await findCacheObject({
        store: fixture.store,
        key: "main",
        restoreKeys: ["", "feature-"],
        objectKey: droneCacheLayout,
      }),
    ).toBeUndefined();
  });

  it("treats restore keys as exact only when the object key does not contain the key", async () => {
    await save("fixed/archive.tar", 1);
    const fixed = () => "fixed/archive.tar";
    expect(keyLayout(fixed)).toBeUndefined();
    const match = await findCacheObject({
      store: fixture.store,
      key: "a",
      restoreKeys: ["b"],
      objectKey: fixed,
    });
    expect(match).toMatchObject({ exact: true });
  });

  it("passes store failures on to the caller", async () => {
    await fixture.dispose(); // the store's root no longer exists
    await expect(
      findCacheObject({ store: fixture.store, key: "main", objectKey: droneCacheLayout }),
    ).rejects.toMatchObject({ name: "StorageError" });
  });
});

describe("keyLayout", () => {
  it("splits an object key around the key", () => {
    expect(keyLayout(droneCacheLayout)).toEqual({ before: "repo/", after: "/archive.tar.zst" });
    expect(keyLayout(s3CacheLayout)).toEqual({ before: "", after: "/archive.tar" });
  });
});
