import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSmallFile, smallFileLimit } from "./read-small-file.js";
import { useTemporaryFolder } from "./test-support/temporary-folder.js";

const folder = useTemporaryFolder("spotkit-small-");

describe("readSmallFile", () => {
  it("reads a file of at most the expected size", async () => {
    const path = join(folder(), "a");
    await writeFile(path, "hello");
    expect((await readSmallFile(path, 5))?.toString()).toBe("hello");
    expect((await readSmallFile(path, 10))?.toString()).toBe("hello");
    await writeFile(path, "");
    expect((await readSmallFile(path, 0))?.length).toBe(0);
  });

  it("gives undefined for a file larger than expected or than the limit", async () => {
    const path = join(folder(), "a");
    await writeFile(path, "hello world");
    expect(await readSmallFile(path, 5)).toBeUndefined();
    await writeFile(path, Buffer.alloc(smallFileLimit + 1));
    expect(await readSmallFile(path)).toBeUndefined();
    expect(await readSmallFile(path, smallFileLimit * 4)).toBeUndefined();
  });
});
