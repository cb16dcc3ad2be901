import { PassThrough, Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { describe, expect, test } from "vitest";
import { readHead } from "./read-head.js";

describe("readHead", () => {
  test("reads at least the first bytes, across chunks, and puts them back", async () => {
    const stream = Readable.from([Buffer.from("ab"), Buffer.from("cdef")]);
    expect((await readHead(stream, 4)).subarray(0, 4).toString()).toBe("abcd");
    expect((await buffer(stream)).toString()).toBe("abcdef");
  });

  test("resolves with fewer bytes when the stream is shorter", async () => {
    expect((await readHead(Readable.from([Buffer.from("ab")]), 4)).toString()).toBe("ab");
  });

  test("rejects with an error the stream had before the call", async () => {
    const stream = new PassThrough();
    stream.on("error", () => {});
    stream.destroy(new Error("connection reset by peer"));
    await new Promise((resolve) => setImmediate(resolve));
    await expect(readHead(stream, 4)).rejects.toThrow("connection reset by peer");
  });

  test("rejects when the stream is destroyed without an error", async () => {
    const stream = new PassThrough();
    const reading = readHead(stream, 4);
    stream.destroy();
    await expect(reading).rejects.toThrow("closed before its end");
  });

  test("rejects with the signal's reason on abort", async () => {
    const controller = new AbortController();
    const reading = readHead(new PassThrough(), 4, controller.signal);
    controller.abort(new Error("cancelled"));
    await expect(reading).rejects.toThrow("cancelled");
  });
});
