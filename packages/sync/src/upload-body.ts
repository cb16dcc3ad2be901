import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { pipeline, type Readable, Transform, type TransformCallback } from "node:stream";
import { SyncError } from "./sync-error.js";

/** What the bytes of an upload must be, as hashed before the upload started. */
export interface ExpectedContent {
  size: number;
  sha256: string;
}

/** A body for `ObjectStore.put` and a way to know whether it failed because the file changed. */
export interface UploadBody {
  body: Readable;
  /** True once the body failed because the file no longer matched its hash. */
  changed(): boolean;
}

/**
 * Streams a file (the local file, or its compressed copy) as an upload body that fails before it
 * ends when its bytes differ from `expected`. The object's `spotkit-sha256` was computed before;
 * failing the stream makes the store abandon the upload, so no object is stored with a hash that
 * does not match its content.
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
  const hash = createHash("sha256");
  let size = 0;
  const verifier = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      size += chunk.length;
      if (size > expected.size) {
        callback(fileChanged());
        return;
      }
      hash.update(chunk);
      onBytes?.(chunk.length);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (size !== expected.size || hash.digest("hex") !== expected.sha256) {
        callback(fileChanged());
        return;
      }
      callback();
    },
  });
  // The store reads `verifier`; the callback only keeps a failed pipeline from being unhandled,
  // since the store sees the same error through the stream it reads.
  const body = pipeline(createReadStream(path), verifier, () => {});
  return { body, changed: () => changed };
}
