import { Readable } from "node:stream";

/** What {@link createResumableDownload} needs. */
export interface ResumableDownloadOptions {
  /** The body of the first response, already open. */
  first: NodeJS.ReadableStream;
  /** How many bytes the whole download must deliver (the first response's length). */
  length: number;
  /**
   * Opens the rest of the download after `received` bytes arrived: a ranged request for the same
   * version of the object (an ETag or generation condition), with its own retries.
   */
  reopen: (received: number) => Promise<NodeJS.ReadableStream>;
  /** How many times a broken download is resumed before its error is passed on. */
  maxResumes: number;
  /** Stops the download; the stream then fails with the signal's reason. */
  signal?: AbortSignal;
  /** Turns the error that ends the download into the one the consumer sees. */
  mapError?: (error: unknown) => unknown;
}

/**
 * A readable that delivers a download and, when the connection drops or the body ends short,
 * asks for the missing bytes with `reopen` and goes on where it stopped, up to `maxResumes` times.
 * The consumer sees one uninterrupted stream; destroying it closes the current response.
 *
 * Written by hand because neither SDK resumes reliably: @azure/storage-blob treats the `aborted`
 * event Node.js emits on a dropped response as a cancellation, and @google-cloud/storage's read
 * stream does not resume at all.
 */
export function createResumableDownload(options: ResumableDownloadOptions): Readable {
  const { first, length, reopen, maxResumes, signal, mapError = (error) => error } = options;
  async function* deliver(): AsyncGenerator<Buffer> {
    let body = first;
    let received = 0;
    let resumes = 0;
    try {
      for (;;) {
        let failure: unknown;
        try {
          for await (const chunk of body as AsyncIterable<Buffer | string>) {
            const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
            received += buffer.length;
            yield buffer;
          }
        } catch (error) {
          failure = error;
        }
        if (signal?.aborted) {
          throw signal.reason;
        }
        if (received >= length) {
          return;
        }
        failure ??= new Error(
          `The download ended after ${received} of ${length} bytes without an error.`,
        );
        if (resumes >= maxResumes) {
          throw failure;
        }
        resumes++;
        destroy(body);
        body = await reopen(received);
      }
    } catch (error) {
      throw signal?.aborted ? signal.reason : mapError(error);
    } finally {
      destroy(body);
    }
  }
  return Readable.from(deliver(), { objectMode: false });
}

function destroy(stream: NodeJS.ReadableStream): void {
  const readable = stream as Partial<Readable>;
  if (typeof readable.destroy === "function" && !readable.destroyed) {
    readable.destroy();
  }
}
