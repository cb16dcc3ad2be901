/**
 * Cuts a byte stream into blocks of exactly `blockSize` bytes (the last one shorter, never empty).
 * Holds at most one block plus one incoming chunk in memory; a chunk larger than a block is cut
 * without copying. Stopping early (`break`, `return()`) closes the source, which destroys a Node.js
 * readable.
 */
export async function* readBlocks(
  source: AsyncIterable<Uint8Array | string>,
  blockSize: number,
): AsyncGenerator<Buffer, void, undefined> {
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new RangeError(
      `readBlocks: the block size must be a whole number of bytes, got ${blockSize}.`,
    );
  }
  let pending: Buffer[] = [];
  let pendingLength = 0;
  for await (const chunk of source) {
    let buffer = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : toBuffer(chunk);
    while (pendingLength + buffer.length >= blockSize) {
      const needed = blockSize - pendingLength;
      pending.push(buffer.subarray(0, needed));
      buffer = buffer.subarray(needed);
      const block =
        pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, blockSize);
      pending = [];
      pendingLength = 0;
      yield block;
    }
    if (buffer.length > 0) {
      pending.push(buffer);
      pendingLength += buffer.length;
    }
  }
  if (pendingLength > 0) {
    yield pending.length === 1 ? (pending[0] as Buffer) : Buffer.concat(pending, pendingLength);
  }
}

/** A Buffer view of the same memory (no copy). */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
