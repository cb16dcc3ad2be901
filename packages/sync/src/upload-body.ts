import { stat } from "node:fs";
import { pipeline, type Readable, Transform, type TransformCallback } from "node:stream";
import { createChunkPool } from "@spotkit/storage/chunks";
import { createPooledFileStream } from "./pooled-file-stream.js";
import { SyncError } from "./sync-error.js";

/** What the file of an upload must be, as it was when it was hashed. */
export interface ExpectedContent {
  size: number;
  /** The file's `mtime` (ms) before it was hashed; checked at the end when given. */
  modifiedTime?: number | undefined;
  /** The file's `ctime` (ms) before it was hashed; checked at the end when given. */
  changeTime?: number | undefined;
}

/** A body for `ObjectStore.put` and a way to know whether it failed because the file changed. */
export interface UploadBody {
  body: Readable;
  /** True once the body failed because the file no longer had the size it was hashed with. */
  changed(): boolean;
}

/**
 * Streams a file (the local file, or its compressed copy) as an upload body that fails as soon as
 * it holds more bytes than `expected.size`, and at its end (before its last bytes reach the store)
 * when it holds fewer, or when its `mtime` or `ctime` moved since it was hashed.
 *
 * Its content is not hashed again, which would cost as much CPU as hashing it the first time: a
 * write moves `ctime`, which nobody can set back; and where the digest has an MD5 the upload hands
 * it to the store, which checks it (the `ObjectStore` contract; S3 through `Content-MD5`). So no
 * object ends up holding bytes that its MD5 or `spotkit-sha256` does not describe.
 *
 * The file is read into a few buffers of 256 KiB that come back once the store has written them (an
 * S3 PutObject does; see `ChunkPool`), and into fresh 128 KiB chunks for a store that keeps them:
 * each chunk is garbage once sent, and V8 collects it only after some 64 MiB of it piled up, so
 * 16 uploads of large files at once stay under 200 MB of memory.
 *
 * @param onBytes called with the size of each chunk as it is read, for progress.
 */
export function createUploadBody(
  path: string,
  expected: ExpectedContent,
  onBytes?: (bytes: number) => void,
): UploadBody {
  let changed = false;
  const fileChanged = (): SyncError => {
    changed = true;
    return new SyncError(
      "E_SYNC_FILE_CHANGED",
      `${path} changed while it was being uploaded; run the sync again once nothing writes to the source.`,
    );
  };
  let size = 0;
  const verifier = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      size += chunk.length;
      if (size > expected.size) {
        callback(fileChanged());
        return;
      }
      onBytes?.(chunk.length);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (size !== expected.size) {
        callback(fileChanged());
        return;
      }
      if (expected.modifiedTime === undefined && expected.changeTime === undefined) {
        callback();
        return;
      }
      stat(path, (error, stats) => {
        if (error) {
          callback(error);
          return;
        }
        const moved =
          stats.size !== expected.size ||
          (expected.modifiedTime !== undefined && stats.mtimeMs !== expected.modifiedTime) ||
          (expected.changeTime !== undefined && stats.ctimeMs !== expected.changeTime);
        callback(moved ? fileChanged() : undefined);
      });
    },
  });
  // The store reads `verifier`; the callback only keeps a failed pipeline from being unhandled,
  // since the store sees the same error through the stream it reads.
  const body = pipeline(createPooledFileStream(path, createChunkPool()), verifier, () => {});
  return { body, changed: () => changed };
}
