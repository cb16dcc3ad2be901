import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { digestBytes } from "./digest-file.js";
import { createDigestPool, type DigestPool } from "./digest-pool.js";
import { useTemporaryFolder } from "./test-support/temporary-folder.js";

const folder = useTemporaryFolder("spotkit-digest-pool-");
let pool: DigestPool | undefined;
afterEach(async () => {
  await pool?.close();
  pool = undefined;
});

describe("createDigestPool", () => {
  it("hashes small, empty and large files as digestBytes does, many at once", async () => {
    pool = createDigestPool({ threads: 2 });
    const contents = [
      Buffer.alloc(0),
      Buffer.from("hello"),
      randomBytes(3 * 1024 * 1024 + 17),
      // Exactly the thread's read buffer, and one byte more.
      randomBytes(1024 * 1024),
      randomBytes(1024 * 1024 + 1),
      ...Array.from({ length: 300 }, (_, index) => randomBytes(index * 13)),
    ];
    const paths = await Promise.all(
      contents.map(async (content, index) => {
        const path = join(folder(), `file-${index}`);
        await writeFile(path, content);
        return path;
      }),
    );
    const digests = await Promise.all(
      paths.map((path, index) => pool?.digest(path, contents[index]?.length ?? 0)),
    );
    expect(digests).toEqual(contents.map((content) => digestBytes(content)));
  });

  it("computes only the hashes asked for, for files read in one piece or streamed", async () => {
    pool = createDigestPool({ threads: 2 });
    const contents = [Buffer.from("hello"), randomBytes(2 * 1024 * 1024 + 5)];
    for (const [index, content] of contents.entries()) {
      const path = join(folder(), `file-${index}`);
      await writeFile(path, content);
      for (const hashes of ["md5", "sha256", "both"] as const) {
        expect(await pool.digest(path, content.length, { hashes })).toEqual(
          digestBytes(content, hashes),
        );
      }
    }
    expect(digestBytes("hello", "md5")).toEqual({
      size: 5,
      md5: "5d41402abc4b2a76b9719d911017c592",
    });
    expect(digestBytes("hello", "sha256")).toEqual({
      size: 5,
      sha256: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    });
  });

  it("hands back the bytes it hashed for small files that ask for them, and only those", async () => {
    pool = createDigestPool({ threads: 2 });
    const small = randomBytes(4096);
    const large = randomBytes(128 * 1024);
    await writeFile(join(folder(), "small"), small);
    await writeFile(join(folder(), "large"), large);
    await writeFile(join(folder(), "empty"), "");
    const kept = await pool.digest(join(folder(), "small"), small.length, { keepBytes: true });
    expect(Buffer.from(kept.bytes ?? [])).toEqual(small);
    expect({ ...kept, bytes: undefined }).toEqual({ ...digestBytes(small), bytes: undefined });
    const notAsked = await pool.digest(join(folder(), "small"), small.length);
    expect(notAsked.bytes).toBeUndefined();
    const tooLarge = await pool.digest(join(folder(), "large"), large.length, { keepBytes: true });
    expect(tooLarge.bytes).toBeUndefined();
    expect(tooLarge).toEqual(digestBytes(large));
    const empty = await pool.digest(join(folder(), "empty"), 0, { keepBytes: true });
    expect(empty.bytes?.byteLength).toBe(0);
  });

  it("digests the file as it is now, whatever size it was listed with", async () => {
    pool = createDigestPool({ threads: 1 });
    const path = join(folder(), "grown");
    await writeFile(path, "grown since the walk");
    expect(await pool.digest(path, 3)).toEqual(digestBytes("grown since the walk"));
  });

  it("rejects with the file system's code for a missing file, and goes on with the others", async () => {
    pool = createDigestPool({ threads: 1 });
    const present = join(folder(), "present");
    await writeFile(present, "here");
    const [missing, found] = await Promise.allSettled([
      pool.digest(join(folder(), "missing"), 10),
      pool.digest(present, 4),
    ]);
    expect(missing.status).toBe("rejected");
    expect((missing as PromiseRejectedResult).reason).toMatchObject({ code: "ENOENT" });
    expect(found).toEqual({ status: "fulfilled", value: digestBytes("here") });
  });

  it("rejects what is not hashed yet, and everything after, once closed", async () => {
    pool = createDigestPool({ threads: 1 });
    const path = join(folder(), "a");
    await writeFile(path, "a");
    const unfinished = pool.digest(path, 1);
    await pool.close(new Error("stop"));
    await expect(unfinished).rejects.toThrow("stop");
    await expect(pool.digest(path, 1)).rejects.toThrow("stop");
    await createDigestPool().close();
  });
});
