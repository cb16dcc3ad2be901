import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { readBlocks } from "./read-blocks.js";

async function blocksOf(chunks: (Buffer | string)[], size: number): Promise<string[]> {
  const result: string[] = [];
  for await (const block of readBlocks(Readable.from(chunks), size)) {
    result.push(block.toString());
  }
  return result;
}

describe("readBlocks", () => {
  it("joins small chunks into blocks of exactly the block size, the last one shorter", async () => {
    expect(await blocksOf(["ab", "cd", "e", "fgh", "ij"], 4)).toEqual(["abcd", "efgh", "ij"]);
  });

  it("cuts a chunk larger than a block into several blocks", async () => {
    expect(await blocksOf([Buffer.from("abcdefghij")], 3)).toEqual(["abc", "def", "ghi", "j"]);
  });

  it("gives no block for an empty source and no empty last block", async () => {
    expect(await blocksOf([], 4)).toEqual([]);
    expect(await blocksOf(["abcd", "efgh"], 4)).toEqual(["abcd", "efgh"]);
  });

  it("closes the source when the consumer stops early", async () => {
    const source = Readable.from(["aaaa", "bbbb", "cccc"]);
    for await (const block of readBlocks(source, 4)) {
      expect(block.toString()).toBe("aaaa");
      break;
    }
    expect(source.destroyed).toBe(true);
  });

  it("refuses a block size that is not a positive whole number", async () => {
    await expect(blocksOf(["a"], 0)).rejects.toThrow(RangeError);
  });
});
