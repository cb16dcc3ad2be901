import { describe, expect, it } from "vitest";
import { createChunkPool, returnChunk } from "./chunk-pool.js";

describe("createChunkPool", () => {
  it("hands out small fresh buffers until a chunk comes back, then buffers of chunkSize", () => {
    const pool = createChunkPool({ chunkSize: 1024, firstChunkSize: 256 });
    const first = pool.take();
    expect(first.length).toBe(256);
    returnChunk(pool.lend(first, 100));
    // The small buffer is not kept: buffers in the pool all have chunkSize.
    expect(pool.idle).toBe(0);
    expect(pool.take().length).toBe(1024);
  });

  it("uses a buffer again only once every lent byte came back, in whatever pieces", () => {
    const pool = createChunkPool({ chunkSize: 1024, firstChunkSize: 1024 });
    const buffer = pool.take();
    const chunk = pool.lend(buffer, 600);
    expect(chunk.length).toBe(600);
    expect(chunk.buffer).toBe(buffer.buffer);
    returnChunk(chunk.subarray(0, 200));
    expect(pool.idle).toBe(0);
    expect(pool.take()).not.toBe(buffer);
    returnChunk(chunk.subarray(200));
    expect(pool.idle).toBe(1);
    expect(pool.take()).toBe(buffer);
    expect(pool.idle).toBe(0);
  });

  it("ignores bytes it did not lend, and a chunk given back twice", () => {
    const pool = createChunkPool({ chunkSize: 64, firstChunkSize: 64 });
    returnChunk(Buffer.alloc(64));
    returnChunk(new Uint8Array(8));
    expect(pool.idle).toBe(0);
    const chunk = pool.lend(pool.take(), 64);
    returnChunk(chunk);
    returnChunk(chunk);
    expect(pool.idle).toBe(1);
  });

  it("keeps at most maxIdle buffers", () => {
    const pool = createChunkPool({ chunkSize: 64, firstChunkSize: 64, maxIdle: 2 });
    const chunks = [1, 2, 3].map(() => pool.lend(pool.take(), 64));
    for (const chunk of chunks) returnChunk(chunk);
    expect(pool.idle).toBe(2);
  });

  it("takes back a buffer that was not lent", () => {
    const pool = createChunkPool({ chunkSize: 64, firstChunkSize: 64 });
    const buffer = pool.take();
    pool.release(buffer);
    expect(pool.take()).toBe(buffer);
  });

  it("keeps the chunks of two pools apart", () => {
    const one = createChunkPool({ chunkSize: 64, firstChunkSize: 64 });
    const other = createChunkPool({ chunkSize: 64, firstChunkSize: 64 });
    returnChunk(one.lend(one.take(), 10));
    expect(one.idle).toBe(1);
    expect(other.idle).toBe(0);
  });
});
