import { createHash } from "node:crypto";
import { pipeline, type Readable, Transform, type TransformCallback } from "node:stream";
import { pipeReturningChunks } from "./pipe-returning-chunks.js";
import { checkMd5, sizeMismatch } from "./s3-write-checks.js";

/** What a body sent in one request must be. */
export interface ExpectedBody {
  /** Its exact size in bytes (the request's Content-Length). */
  size: number;
  /** Its hex MD5, when the caller knows it. */
  md5?: string;
}

/**
 * Passes a body through while counting its bytes (and hashing them with MD5 when one is expected)
 * and holds its last chunk back until the source ended and both checks passed.
 *
 * A request with a Content-Length is complete once its last byte is sent, and the server then
 * stores what it got. Holding that byte back means that a body that turns out wrong — another
 * size, another MD5, a source that failed or was destroyed — never completes its request: the
 * server stores nothing, whether or not it checks `Content-MD5` itself. Holds one chunk at most.
 *
 * Piped into a request (as the SDK does), it gives each chunk back to its `ChunkPool` once the
 * request has written it (see {@link pipeReturningChunks}).
 *
 * @param onBytes called with the total of bytes passed on so far.
 */
export function createCheckedBody(
  source: Readable,
  expected: ExpectedBody,
  onBytes?: (bytesSoFar: number) => void,
): Readable {
  const hash = expected.md5 === undefined ? undefined : createHash("md5");
  let bytes = 0;
  let held: Buffer | undefined;
  const check = new ChunkReturningTransform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      bytes += chunk.length;
      if (bytes > expected.size) {
        callback(sizeMismatch(expected.size, expected.size, true));
        return;
      }
      hash?.update(chunk);
      const previous = held;
      held = chunk;
      if (previous !== undefined) onBytes?.(bytes - chunk.length);
      callback(null, previous);
    },
    flush(callback: TransformCallback) {
      if (bytes !== expected.size) {
        callback(sizeMismatch(expected.size, bytes));
        return;
      }
      try {
        checkMd5(expected.md5, hash?.digest("hex"));
      } catch (error) {
        callback(error as Error);
        return;
      }
      onBytes?.(bytes);
      callback(null, held);
    },
  });
  // The callback only keeps a failed pipeline from being unhandled: the reader of `check` sees
  // the same error through it.
  return pipeline(source, check, () => {});
}

/** A Transform whose `pipe` gives each chunk back to its pool once the destination wrote it. */
class ChunkReturningTransform extends Transform {
  override pipe<Destination extends NodeJS.WritableStream>(
    destination: Destination,
    options?: { end?: boolean },
  ): Destination {
    return pipeReturningChunks(this, destination, options);
  }
}
