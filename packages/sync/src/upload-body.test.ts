import { writeFile } from "node:fs/promises";
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

  it("fails before the end when the content changed but kept its size", async () => {
    const path = join(folder(), "a.txt");
    await writeFile(path, "CONTENT");
    const upload = createUploadBody(path, digestBytes("content"));
    const error = await readAll(upload.body).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).code).toBe("E_SYNC_FILE_CHANGED");
    expect(upload.changed()).toBe(true);
  });

  it("fails when the file grew or shrank", async () => {
    const path = join(folder(), "a.txt");
    await writeFile(path, "content plus more");
    const grown = createUploadBody(path, digestBytes("content"));
    await expect(readAll(grown.body)).rejects.toThrow(/changed while it was being uploaded/);
    await writeFile(path, "con");
    const shrunk = createUploadBody(path, digestBytes("content"));
    await expect(readAll(shrunk.body)).rejects.toThrow(/changed/);
  });

  it("fails when the file is gone", async () => {
    const upload = createUploadBody(join(folder(), "missing"), digestBytes(""));
    await expect(readAll(upload.body)).rejects.toThrow(/ENOENT/);
    expect(upload.changed()).toBe(false);
  });
});
