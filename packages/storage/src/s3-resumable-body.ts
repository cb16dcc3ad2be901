import { Readable } from "node:stream";
import { sleep } from "@spotkit/runtime";
import { isRetryableS3Error } from "./s3-errors.js";

/** What {@link createResumableBody} needs. */
export interface ResumableBodyOptions {
  /** The body of the first response. */
  first: Readable;
  /** Absolute offset of the first byte of `first` in the object. */
  start: number;
  /** Bytes `first` announced (its Content-Length); a shorter body counts as a dropped connection. */
  expectedLength?: number;
  /**
   * Opens the rest of the object from an absolute offset. The S3 store sends a ranged GetObject
   * with `If-Match` on the first response's ETag, so a changed object fails instead of splicing.
   */
  reopen: (offset: number) => Promise<Readable>;
  /** Consecutive failures without progress before giving up. @default 5 */
  attempts?: number;
  /** Maps the error that ends the body (the stream is destroyed with it). */
  toError: (error: unknown) => unknown;
  signal?: AbortSignal;
}

/**
 * A response body that survives dropped connections: when the stream breaks with a retryable
 * error (reset, timeout, premature end), it waits with backoff and continues from the byte where
 * it stopped, so the reader sees one continuous, correct stream. The SDK cannot do this itself: it
 * hands the body over once the headers arrived, and retries only requests.
 */
export function createResumableBody(options: ResumableBodyOptions): Readable {
  const { first, start, expectedLength, reopen, toError, signal } = options;
  const attempts = options.attempts ?? 5;

  async function* chunks(): AsyncGenerator<Buffer> {
    let source = first;
    let received = 0;
    let failures = 0;
    const onAbort = () => source.destroy(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      for (;;) {
        const receivedBefore = received;
        try {
          for await (const chunk of source as AsyncIterable<Buffer>) {
            received += chunk.byteLength;
            yield chunk;
          }
          if (expectedLength !== undefined && received < expectedLength) {
            throw Object.assign(new Error("Premature close"), {
              code: "ERR_STREAM_PREMATURE_CLOSE",
            });
          }
          return;
        } catch (error) {
          source.destroy();
          signal?.throwIfAborted();
          // Progress since the last failure resets the count: a long download on a flaky link goes on.
          failures = received > receivedBefore ? 1 : failures + 1;
          if (!isRetryableS3Error(error) || failures >= attempts) {
            throw toError(error);
          }
          await sleep(Math.min(200 * 2 ** (failures - 1), 5_000), signal);
          try {
            source = await reopen(start + received);
          } catch (reopenError) {
            throw toError(reopenError);
          }
        }
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
      source.destroy();
    }
  }

  return Readable.from(chunks(), { objectMode: false });
}
