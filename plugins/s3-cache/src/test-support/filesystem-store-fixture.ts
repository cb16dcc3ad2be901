import { mkdtemp, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ObjectStore } from "@spotkit/storage";
import { createFilesystemStore } from "@spotkit/storage/filesystem";

/** A filesystem store over a fresh temporary folder, and a way to age its objects. */
export interface FilesystemStoreFixture {
  /** The folder that plays the bucket. */
  root: string;
  store: ObjectStore;
  /** Sets an object's last modified time (the file's mtime), to test ages and ordering. */
  setLastModified(key: string, time: Date): Promise<void>;
  /** Removes the folder. */
  dispose(): Promise<void>;
}

/** Creates a {@link FilesystemStoreFixture}. */
export async function createFilesystemStoreFixture(): Promise<FilesystemStoreFixture> {
  const root = await mkdtemp(join(tmpdir(), "spotkit-s3-cache-store-"));
  const store = createFilesystemStore({ root });
  return {
    root,
    store,
    async setLastModified(key, time) {
      await utimes(join(root, ...key.split("/")), time, time);
    },
    dispose: () => rm(root, { recursive: true, force: true }),
  };
}
