import { open } from "node:fs/promises";

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
 */
export async function readSmallFile(
  path: string,
  expectedSize: number = smallFileLimit,
): Promise<Buffer | undefined> {
  const capacity = Math.min(expectedSize, smallFileLimit) + 1;
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(capacity);
    let length = 0;
    while (length < capacity) {
      const { bytesRead } = await handle.read(buffer, length, capacity - length, null);
      if (bytesRead === 0) return buffer.subarray(0, length);
      length += bytesRead;
    }
    return undefined;
  } finally {
    await handle.close();
  }
}
