/** Options of {@link createChunkPool}. */
export interface ChunkPoolOptions {
  /**
   * Bytes of each buffer once its chunks are known to come back (see {@link ChunkPool.take}).
   * Larger buffers cost no less CPU once they are reused, only more memory.
   * @default 256 KiB
   */
  chunkSize?: number;
  /**
   * Bytes of each buffer while no chunk has come back yet: such chunks become garbage, and many
   * large ones pile up in memory before V8 collects them.
   * @default 128 KiB
   */
  firstChunkSize?: number;
  /** Returned buffers kept for reuse, at most; more are left to the garbage collector. @default 4 */
  maxIdle?: number;
}

/**
 * Buffers for the chunks of streamed bodies, used again once their consumer has written them.
 *
 * Reading a large file in fresh chunks costs more CPU than the reading itself (new memory is
 * zeroed and mapped page by page, and collected later); reading into buffers that come back costs
 * almost nothing. A chunk may only be used again once nothing refers to it any more, which only
 * the code that wrote it knows: it calls {@link returnChunk} from the write's callback (see
 * `pipeReturningChunks`). A chunk nobody returns is simply garbage, as a fresh one would be.
 */
export interface ChunkPool {
  /**
   * A buffer nobody refers to: a returned one when there is one, else a new one — of
   * `chunkSize` bytes once some chunk of this pool came back, of `firstChunkSize` before.
   */
  take(): Buffer;
  /**
   * Lends the first `length` bytes of a buffer from {@link take}: returns them as the chunk to
   * hand on. The buffer comes back to the pool once all of those bytes were returned.
   */
  lend(buffer: Buffer, length: number): Buffer;
  /** Puts back a buffer from {@link take} that was not lent (nothing was read into it). */
  release(buffer: Buffer): void;
  /** Buffers waiting in the pool to be taken again. */
  readonly idle: number;
}

/** Creates a {@link ChunkPool}. */
export function createChunkPool(options: ChunkPoolOptions = {}): ChunkPool {
  const chunkSize = options.chunkSize ?? 256 * 1024;
  const firstChunkSize = Math.min(options.firstChunkSize ?? 128 * 1024, chunkSize);
  const maxIdle = options.maxIdle ?? 4;
  const idle: Buffer[] = [];
  let anyReturned = false;
  const keep = (buffer: Buffer) => {
    // A buffer taken before the pool knew chunks come back is smaller: let it go.
    if (buffer.length === chunkSize && idle.length < maxIdle) idle.push(buffer);
  };
  const pool: ChunkPool & PoolSink = {
    take() {
      // allocUnsafeSlow: a buffer of its own, never a slice of Node's shared pool, so that the
      // ArrayBuffer behind a chunk identifies the lease.
      return idle.pop() ?? Buffer.allocUnsafeSlow(anyReturned ? chunkSize : firstChunkSize);
    },
    lend(buffer, length) {
      leases.set(buffer.buffer, { pool, buffer, outstanding: length });
      return buffer.subarray(0, length);
    },
    release: keep,
    get idle() {
      return idle.length;
    },
    giveBack(buffer) {
      anyReturned = true;
      keep(buffer);
    },
  };
  return pool;
}

/**
 * Gives back a chunk (or any part of one) that a {@link ChunkPool} lent, once nothing refers to it
 * any more; its buffer is used again when every lent byte came back. Any other bytes are ignored,
 * so a writer may call it for every chunk it wrote.
 */
export function returnChunk(chunk: Uint8Array): void {
  const lease = leases.get(chunk.buffer);
  if (lease === undefined) return;
  lease.outstanding -= chunk.byteLength;
  if (lease.outstanding > 0) return;
  leases.delete(chunk.buffer);
  lease.pool.giveBack(lease.buffer);
}

// --- internal ---

interface PoolSink {
  giveBack(buffer: Buffer): void;
}

interface Lease {
  pool: PoolSink;
  buffer: Buffer;
  /** Lent bytes not returned yet. */
  outstanding: number;
}

/**
 * The buffers lent out, by their memory. Keyed weakly: a chunk nobody returns is collected with
 * its lease.
 */
const leases = new WeakMap<ArrayBufferLike, Lease>();
