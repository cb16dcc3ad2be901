import { createHash, randomFillSync } from "node:crypto";
import { once } from "node:events";
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable, Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { type ChunkPool, createChunkPool } from "./chunk-pool.js";
import { pipeReturningChunks } from "./pipe-returning-chunks.js";

/**
 * `count` chunks of random bytes read into `pool`'s buffers, as a file is; `hash` is the SHA-256
 * of the bytes as they were when each chunk was handed on.
 */
function pooledSource(pool: ChunkPool, count: number, readAhead = 0) {
  const hash = createHash("sha256");
  const buffers = new Set<ArrayBufferLike>();
  let made = 0;
  const source = new Readable({
    highWaterMark: readAhead,
    read() {
      if (made === count) {
        this.push(null);
        return;
      }
      made += 1;
      const buffer = pool.take();
      buffers.add(buffer.buffer);
      randomFillSync(buffer);
      hash.update(buffer);
      this.push(pool.lend(buffer, buffer.length));
    },
  });
  return { source, digest: () => hash.digest("hex"), buffersUsed: () => buffers.size };
}

describe("pipeReturningChunks", () => {
  it("gives a chunk back only once the destination called back for it", async () => {
    const pool = createChunkPool({ chunkSize: 1024, firstChunkSize: 1024 });
    const { source } = pooledSource(pool, 1);
    const callbacks: Array<() => void> = [];
    const destination = new Writable({
      write(_chunk, _encoding, callback) {
        callbacks.push(callback);
      },
    });
    pipeReturningChunks(source, destination);
    await new Promise((resolve) => setImmediate(resolve));
    expect(callbacks).toHaveLength(1);
    expect(pool.idle).toBe(0);
    callbacks[0]?.();
    await new Promise((resolve) => setImmediate(resolve));
    expect(pool.idle).toBe(1);
  });

  it("sends a body through an HTTP request intact while its buffers are used again", async () => {
    // The server reads slowly, so the socket holds chunks that are written later: a buffer
    // reused before its write ended would change the bytes the server gets.
    let received: { digest: string; bytes: number } | undefined;
    const server = createServer((incoming, response) => {
      const hash = createHash("sha256");
      let bytes = 0;
      incoming.on("data", (chunk: Buffer) => {
        hash.update(chunk);
        bytes += chunk.length;
        incoming.pause();
        setTimeout(() => incoming.resume(), 1);
      });
      incoming.on("end", () => {
        received = { digest: hash.digest("hex"), bytes };
        response.end("ok");
      });
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const { port } = server.address() as AddressInfo;
      const pool = createChunkPool({ chunkSize: 64 * 1024, firstChunkSize: 64 * 1024 });
      const chunks = 200;
      // Reading ahead takes buffers while earlier chunks still wait in the socket.
      const { source, digest, buffersUsed } = pooledSource(pool, chunks, 8 * 64 * 1024);
      const outgoing = request({
        host: "127.0.0.1",
        port,
        method: "PUT",
        headers: { "content-length": chunks * 64 * 1024 },
      });
      const answered = once(outgoing, "response");
      pipeReturningChunks(source, outgoing);
      const [response] = await answered;
      response.resume();
      expect(received).toEqual({ digest: digest(), bytes: chunks * 64 * 1024 });
      expect(buffersUsed()).toBeLessThan(chunks / 4);
    } finally {
      server.close();
    }
  });

  it("keeps a chunk whose write failed, and stops the source when the destination is destroyed", async () => {
    const pool = createChunkPool({ chunkSize: 1024, firstChunkSize: 1024 });
    const { source } = pooledSource(pool, 10);
    const destination = new Writable({
      highWaterMark: 1,
      write(_chunk, _encoding, callback) {
        setImmediate(() => callback(new Error("socket hang up")));
      },
    });
    destination.on("error", () => {});
    const closed = new Promise((resolve) => destination.on("close", resolve));
    pipeReturningChunks(source, destination);
    await closed;
    await new Promise((resolve) => setImmediate(resolve));
    expect(pool.idle).toBe(0);
    expect(source.isPaused()).toBe(true);
    expect(source.listenerCount("data")).toBe(0);
  });

  it("throws a destination's error that nothing else handles, as pipe does", async () => {
    const pool = createChunkPool();
    const { source } = pooledSource(pool, 1);
    const destination = new Writable({
      write(_chunk, _encoding, callback) {
        callback(new Error("refused"));
      },
    });
    const uncaught = new Promise<unknown>((resolve) => {
      const original = destination.emit.bind(destination);
      destination.emit = ((event: string, ...args: unknown[]) => {
        if (event === "error" && destination.listenerCount("error") === 0) {
          resolve(args[0]);
          return true;
        }
        return original(event, ...args);
      }) as typeof destination.emit;
    });
    pipeReturningChunks(source, destination);
    expect(await uncaught).toMatchObject({ message: "refused" });
  });

  it("ends the destination when the source has already ended", async () => {
    const source = Readable.from([]);
    source.resume();
    await once(source, "end");
    const destination = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    pipeReturningChunks(source, destination);
    await once(destination, "finish");
  });
});
