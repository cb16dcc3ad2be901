import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createResumableDownload } from "./resumable-download.js";

const content = Buffer.from("0123456789abcdefghij");

/** A response body that delivers `content[from…]` but breaks after `breakAfter` bytes. */
function body(from: number, breakAfter?: number): Readable {
  const part = content.subarray(from, breakAfter === undefined ? undefined : from + breakAfter);
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(part);
      } else if (breakAfter === undefined) {
        this.push(null);
      } else {
        // Only once the consumer took the part, like a connection reset mid-body.
        this.destroy(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
      }
    },
  });
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString();
}

describe("createResumableDownload", () => {
  it("asks for the rest after a broken connection and delivers everything once", async () => {
    const offsets: number[] = [];
    const download = createResumableDownload({
      first: body(0, 7),
      length: content.length,
      maxResumes: 3,
      reopen: async (received) => {
        offsets.push(received);
        return received === 7 ? body(7, 5) : body(received);
      },
    });
    expect(await readAll(download)).toBe(content.toString());
    expect(offsets).toEqual([7, 12]);
  });

  it("resumes a body that ends short without an error", async () => {
    const short = Readable.from([content.subarray(0, 4)]);
    const download = createResumableDownload({
      first: short,
      length: content.length,
      maxResumes: 1,
      reopen: async (received) => body(received),
    });
    expect(await readAll(download)).toBe(content.toString());
  });

  it("passes the last error on, mapped, once the resumes are used up", async () => {
    const download = createResumableDownload({
      first: body(0, 2),
      length: content.length,
      maxResumes: 2,
      reopen: async (received) => body(received, 1),
      mapError: (error) => new Error(`mapped: ${(error as Error).message}`),
    });
    await expect(readAll(download)).rejects.toThrow("mapped: socket hang up");
  });

  it("fails with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    const stalled = new PassThrough();
    const download = createResumableDownload({
      first: stalled,
      length: content.length,
      maxResumes: 5,
      signal: controller.signal,
      reopen: async () => {
        throw new Error("must not resume after an abort");
      },
    });
    const reading = readAll(download);
    setImmediate(() => {
      controller.abort();
      stalled.destroy(new Error("aborted by the client"));
    });
    await expect(reading).rejects.toMatchObject({ name: "AbortError" });
  });

  it("closes the current response when the consumer stops early", async () => {
    const first = body(0);
    const download = createResumableDownload({
      first,
      length: content.length,
      maxResumes: 1,
      reopen: async () => body(0),
    });
    for await (const _chunk of download) {
      break;
    }
    // Closing the generator behind the stream takes a turn of the event loop.
    for (let turn = 0; turn < 10 && !first.destroyed; turn++) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(first.destroyed).toBe(true);
  });
});
