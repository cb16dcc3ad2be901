import { stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { digestBytes } from "./digest-file.js";
import { SyncError } from "./sync-error.js";
import { useTemporaryFolder } from "./test-support/temporary-folder.js";
import { createUploadBody } from "./upload-body.js";

const folder = useTemporaryFolder("spotkit-body-");

async function readAll(body: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe("createUploadBody", () => {
  it("streams the file when it matches what was hashed, reporting bytes", async () => {
    const path = join(folder(), "a.txt");
    await writeFile(path, "content");
    let reported = 0;
    const upload = createUploadBody(path, digestBytes("content"), (bytes) => {
      reported += bytes;
    });
    expect(await readAll(upload.body)).toBe("content");
    expect(reported).toBe(7);
    expect(upload.changed()).toBe(false);
  });

  it("fails when the file grew or shrank", async () => {
    const path = join(folder(), "a.txt");
    await writeFile(path, "content plus more");
    const grown = createUploadBody(path, digestBytes("content"));
    const error = await readAll(grown.body).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).code).toBe("E_SYNC_FILE_CHANGED");
    expect((error as SyncError).message).toMatch(/changed while it was being uploaded/);
    expect(grown.changed()).toBe(true);
    await writeFile(path, "con");
    const shrunk = createUploadBody(path, digestBytes("content"));
    await expect(readAll(shrunk.body)).rejects.toThrow(/changed/);
    expect(shrunk.changed()).toBe(true);
  });

  it("fails at the end when the file was rewritten with the same size, even with its mtime set back", async () => {
    const path = join(folder(), "a.txt");
    await writeFile(path, "content");
    const before = await stat(path);
    const expected = { size: 7, modifiedTime: before.mtimeMs, changeTime: before.ctimeMs };
    expect(await readAll(createUploadBody(path, expected).body)).toBe("content");
    // Past the file system's timestamp granularity, so that the write moves ctime.
    await new Promise((resolve) => setTimeout(resolve, 50));
    await writeFile(path, "CONTENT");
    await utimes(path, before.atime, before.mtime);
    const upload = createUploadBody(path, expected);
    const error = await readAll(upload.body).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).code).toBe("E_SYNC_FILE_CHANGED");
    expect(upload.changed()).toBe(true);
  });

  it("fails as soon as a large file outgrows its size, before reading the rest", async () => {
    const path = join(folder(), "big.bin");
    await writeFile(path, Buffer.alloc(4 * 1024 * 1024));
    let reported = 0;
    const upload = createUploadBody(path, { size: 1024 * 1024 }, (bytes) => {
      reported += bytes;
    });
    await expect(readAll(upload.body)).rejects.toThrow(/changed/);
    expect(reported).toBeLessThanOrEqual(1024 * 1024);
  });

  it("fails when the file is gone", async () => {
    const upload = createUploadBody(join(folder(), "missing"), digestBytes(""));
    await expect(readAll(upload.body)).rejects.toThrow(/ENOENT/);
    expect(upload.changed()).toBe(false);
  });
});
