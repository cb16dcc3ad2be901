import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { digestBytes, digestFile } from "./digest-file.js";
import { createGzipStages, GzipHeaderNormalizer } from "./gzip-stages.js";
import { useTemporaryFolder } from "./test-support/temporary-folder.js";

const folder = useTemporaryFolder("spotkit-digest-");

async function gzipChunks(chunks: Buffer[]): Promise<Buffer> {
  const output: Buffer[] = [];
  await pipeline(Readable.from(chunks), ...createGzipStages(), async (source) => {
    for await (const chunk of source) output.push(chunk as Buffer);
  });
  return Buffer.concat(output);
}

describe("createGzipStages", () => {
  it("writes a header with mtime 0, no name, level-6 flags and the Unix OS byte", async () => {
    const gzip = await gzipChunks([Buffer.from("hello ".repeat(100))]);
    expect([...gzip.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    expect(gunzipSync(gzip).toString()).toBe("hello ".repeat(100));
  });

  it("gives the same bytes for the same content however it is chunked", async () => {
    const content = Buffer.from(
      Array.from({ length: 5000 }, (_, index) => `line ${index}\n`).join(""),
    );
    const whole = await gzipChunks([content]);
    const pieces = await gzipChunks([
      content.subarray(0, 7),
      content.subarray(7, 3000),
      content.subarray(3000),
    ]);
    expect(pieces.equals(whole)).toBe(true);
  });
});

describe("GzipHeaderNormalizer", () => {
  it("sets the OS byte to Unix wherever the chunk boundaries fall", async () => {
    const windowsHeader = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 10, 0xaa, 0xbb]);
    for (const cut of [1, 9, 10, 11]) {
      const output: Buffer[] = [];
      await pipeline(
        Readable.from([windowsHeader.subarray(0, cut), windowsHeader.subarray(cut)]),
        new GzipHeaderNormalizer(),
        async (source) => {
          for await (const chunk of source) output.push(chunk as Buffer);
        },
      );
      expect([...Buffer.concat(output)], `cut at ${cut}`).toEqual([
        0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xaa, 0xbb,
      ]);
    }
  });
});

describe("digestFile", () => {
  it("returns the size, MD5 and SHA-256 of a file", async () => {
    const path = join(folder(), "a.txt");
    await writeFile(path, "hello");
    expect(await digestFile(path)).toEqual({
      size: 5,
      md5: "5d41402abc4b2a76b9719d911017c592",
      sha256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    });
  });

  it("gives the same digest whether the file is read at once (small) or streamed", async () => {
    const path = join(folder(), "a.txt");
    await writeFile(path, "small content");
    expect(await digestFile(path, { size: 13 })).toEqual(await digestFile(path));
  });

  it("digests the whole file when it grew past the size it was listed with", async () => {
    const path = join(folder(), "grown.txt");
    const content = "x".repeat(100_000);
    await writeFile(path, content);
    expect(await digestFile(path, { size: 10 })).toEqual(digestBytes(content));
  });

  it("digests an empty file", async () => {
    const path = join(folder(), "empty");
    await writeFile(path, "");
    expect(await digestFile(path)).toEqual(digestBytes(""));
  });

  it("digests the gzip bytes and saves them when asked, the same on every run", async () => {
    const path = join(folder(), "app.js");
    const content = "function f() { return 1; }\n".repeat(2000);
    await writeFile(path, content);
    const saveTo = join(folder(), "app.js.gz");
    const first = await digestFile(path, { gzip: true, saveTo });
    const saved = await readFile(saveTo);
    expect(first.size).toBe(saved.length);
    expect(first.size).toBeLessThan(content.length);
    expect(first.sha256).toBe(createHash("sha256").update(saved).digest("hex"));
    expect(gunzipSync(saved).toString()).toBe(content);
    expect(await digestFile(path, { gzip: true })).toEqual(first);
  });

  it("refuses to overwrite an existing copy", async () => {
    const path = join(folder(), "a.txt");
    await writeFile(path, "x");
    await expect(digestFile(path, { gzip: true, saveTo: path })).rejects.toThrow(/EEXIST/);
  });

  it("fails for a missing file", async () => {
    await expect(digestFile(join(folder(), "missing"))).rejects.toThrow(/ENOENT/);
  });
});
