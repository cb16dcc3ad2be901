import { randomBytes } from "node:crypto";
import { readdir, readlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { createChunkPool, returnChunk } from "@spotkit/storage/chunks";
import { describe, expect, it } from "vitest";
import { createPooledFileStream } from "./pooled-file-stream.js";
import { useTemporaryFolder } from "./test-support/temporary-folder.js";

const folder = useTemporaryFolder("spotkit-pooled-file-");

/** Reads a stream to its end, copying each chunk and then giving it back as a writer does. */
async function readReturning(stream: Readable): Promise<{ bytes: Buffer; buffers: number }> {
  const copies: Buffer[] = [];
  const buffers = new Set<ArrayBufferLike>();
  for await (const chunk of stream) {
    buffers.add((chunk as Buffer).buffer);
    copies.push(Buffer.from(chunk as Buffer));
    returnChunk(chunk as Buffer);
  }
  return { bytes: Buffer.concat(copies), buffers: buffers.size };
}

/** How many of this process's open file descriptors point at `path` (Linux). */
async function descriptorsOf(path: string): Promise<number> {
  let count = 0;
  for (const descriptor of await readdir("/proc/self/fd")) {
    const target = await readlink(`/proc/self/fd/${descriptor}`).catch(() => "");
    if (target === path) count += 1;
  }
  return count;
}

describe("createPooledFileStream", () => {
  it.each([0, 1, 1023, 1024, 1025, 10 * 1024 + 7])(
    "reads a file of %i bytes exactly",
    async (size) => {
      const path = join(folder(), `file-${size}`);
      const content = randomBytes(size);
      await writeFile(path, content);
      const pool = createChunkPool({ chunkSize: 1024, firstChunkSize: 512 });
      const { bytes } = await readReturning(createPooledFileStream(path, pool));
      expect(bytes.equals(content)).toBe(true);
    },
  );

  it("reads a large file into a few buffers when its chunks come back", async () => {
    const path = join(folder(), "large");
    const content = randomBytes(1024 * 1024);
    await writeFile(path, content);
    const pool = createChunkPool({ chunkSize: 16 * 1024, firstChunkSize: 16 * 1024 });
    const { bytes, buffers } = await readReturning(createPooledFileStream(path, pool));
    expect(bytes.equals(content)).toBe(true);
    // 64 chunks of 16 KiB; the stream reads one ahead of the chunk being consumed.
    expect(buffers).toBeLessThanOrEqual(4);
  });

  it("fails with the file system's error when the file cannot be opened", async () => {
    const stream = createPooledFileStream(join(folder(), "missing"), createChunkPool());
    await expect(readReturning(stream)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("closes the file when destroyed, also during a read", async () => {
    const path = join(folder(), "destroyed");
    await writeFile(path, randomBytes(256 * 1024));
    const stream = createPooledFileStream(path, createChunkPool());
    stream.once("data", () => stream.destroy());
    const closed = new Promise((resolve) => stream.on("close", resolve));
    stream.resume();
    await closed;
    expect(await descriptorsOf(path)).toBe(0);
  });
});
