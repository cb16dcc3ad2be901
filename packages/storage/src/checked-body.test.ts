import { createHash } from "node:crypto";
import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createCheckedBody } from "./checked-body.js";
import { StorageError } from "./storage-error.js";

const md5 = (text: string) => createHash("md5").update(text).digest("hex");

async function readAll(body: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe("createCheckedBody", () => {
  it("passes a body of the expected size and MD5 through, reporting bytes", async () => {
    const seen: number[] = [];
    const body = createCheckedBody(
      Readable.from([Buffer.from("hello "), Buffer.from("world")]),
      { size: 11, md5: md5("hello world") },
      (bytes) => seen.push(bytes),
    );
    expect(await readAll(body)).toBe("hello world");
    expect(seen).toEqual([6, 11]);
  });

  it("passes an empty body", async () => {
    expect(await readAll(createCheckedBody(Readable.from([]), { size: 0 }))).toBe("");
  });

  it("fails on another size or MD5, with E_STORAGE_INTEGRITY", async () => {
    for (const [chunks, expected] of [
      [["hello", " world!"], { size: 11 }],
      [["hello"], { size: 11 }],
      [["hello world"], { size: 11, md5: md5("other stuff") }],
    ] as const) {
      const error = await readAll(
        createCheckedBody(Readable.from(chunks.map((chunk) => Buffer.from(chunk))), expected),
      ).catch((caught: unknown) => caught);
      expect(StorageError.isInstance(error), String(error)).toBe(true);
      expect((error as StorageError).code).toBe("E_STORAGE_INTEGRITY");
    }
  });

  it("holds the last chunk back until the source ended well", async () => {
    const source = new PassThrough();
    const body = createCheckedBody(source, { size: 6 });
    const received: string[] = [];
    body.on("data", (chunk: Buffer) => received.push(chunk.toString()));
    const failed = new Promise((resolve) => body.on("error", resolve));
    source.write("abc");
    source.write("def");
    await new Promise((resolve) => setImmediate(resolve));
    // All six bytes arrived, but the last chunk waits for the end of the source.
    expect(received).toEqual(["abc"]);
    source.destroy(new Error("disk gone"));
    expect(String(await failed)).toContain("disk gone");
    expect(received).toEqual(["abc"]);
  });
});
