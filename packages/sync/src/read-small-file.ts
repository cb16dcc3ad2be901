import { close, open, read } from "node:fs";

/**
 * Files up to this size are read in one call instead of streamed: a stream reads 64 KiB chunks
 * anyway, so memory stays the same, and skipping the stream machinery makes hashing thousands of
 * small files several times faster. It also gives stores a body they can resend on a retry.
 */
export const smallFileLimit = 64 * 1024;

/**
 * Reads a whole file when it holds at most `expectedSize` bytes (itself at most
 * {@link smallFileLimit}); returns undefined, having read no further, when it holds more: the file
 * grew since it was listed, and the caller streams it instead.
 *
 * Uses the callback API of `node:fs` rather than `FileHandle`: for thousands of small files the
 * promise-based handle costs about three times the CPU of the read itself.
 */
export function readSmallFile(
  path: string,
  expectedSize: number = smallFileLimit,
): Promise<Buffer | undefined> {
  const capacity = Math.min(expectedSize, smallFileLimit) + 1;
  return new Promise((resolve, reject) => {
    open(path, "r", (openError, descriptor) => {
      if (openError) {
        reject(openError);
        return;
      }
      const buffer = Buffer.allocUnsafe(capacity);
      const finish = (error: Error | null, data?: Buffer) => {
        close(descriptor, (closeError) => {
          const failure = error ?? closeError;
          if (failure) reject(failure);
          else resolve(data);
        });
      };
      const readFrom = (length: number) => {
        read(descriptor, buffer, length, capacity - length, null, (readError, bytesRead) => {
          if (readError) {
            finish(readError);
            return;
          }
          if (bytesRead === 0) {
            finish(null, buffer.subarray(0, length));
            return;
          }
          const total = length + bytesRead;
          // One byte more than expected means the file grew: stop reading, let the caller stream.
          if (total >= capacity) finish(null);
          else readFrom(total);
        });
      };
      readFrom(0);
    });
  });
}
