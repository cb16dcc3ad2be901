import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type ArchiveErrorCode, isArchiveError } from "./archive-error.js";
import type { ArchiveFormat } from "./archive-format.js";
import { createArchive } from "./create-archive.js";
import { type ExtractArchiveOptions, extractArchive } from "./extract-archive.js";
import { type CraftedEntry, craftTar } from "./test-support/tar-builder.js";
import {
  childPids,
  describeTree,
  leftovers,
  longPath,
  temporaryFolder,
  writeSampleTree,
} from "./test-support/tree.js";

let folder: { path: string; remove: () => Promise<void> };
let root: string;
let outside: string;

beforeEach(async () => {
  folder = await temporaryFolder();
  root = join(folder.path, "workspace");
  outside = join(folder.path, "outside");
  await mkdir(join(root, "m"), { recursive: true });
  await writeFile(join(root, "m/keep.txt"), "old content\n");
  await mkdir(outside);
});

afterEach(async () => {
  await folder.remove();
});

async function refusal(
  options: Partial<ExtractArchiveOptions> & { body: Readable },
): Promise<ArchiveErrorCode> {
  const before = describeTree(folder.path, false);
  const pids = childPids();
  try {
    await extractArchive({ root, mounts: ["m"], ...options });
  } catch (error) {
    if (!isArchiveError(error)) throw error;
    // Nothing changed anywhere, nothing left behind, no child left running.
    expect(describeTree(folder.path, false)).toEqual(before);
    expect(leftovers(folder.path)).toEqual([]);
    expect(childPids()).toEqual(pids);
    return error.code;
  }
  throw new Error("the extraction succeeded");
}

async function archiveOf(
  sourceRoot: string,
  paths: string[],
  format: ArchiveFormat,
): Promise<Buffer> {
  const archive = createArchive({ root: sourceRoot, paths, format });
  const bytes = await buffer(archive.stream);
  await archive.done;
  return bytes;
}

describe("extractArchive", () => {
  test("replaces a mount as a whole and leaves other folders alone", async () => {
    await mkdir(join(root, "other"));
    await writeFile(join(root, "other/file"), "untouched");
    const archive = craftTar([
      { name: "m/", type: "dir" },
      { name: "m/new.txt", content: "new" },
    ]);
    const result = await extractArchive({
      body: Readable.from([archive]),
      root,
      mounts: ["m", "never-in-archive"],
    });
    expect(result).toEqual({ entries: 2, bytes: 3, mounts: ["m"] });
    expect(existsSync(join(root, "m/keep.txt"))).toBe(false);
    expect(await readFile(join(root, "m/new.txt"), "utf8")).toBe("new");
    expect(await readFile(join(root, "other/file"), "utf8")).toBe("untouched");
    expect(leftovers(folder.path)).toEqual([]);
  });

  test("extracts a nested mount and creates its missing parent folders", async () => {
    const archive = craftTar([
      { name: ".m2/", type: "dir" },
      { name: ".m2/repository/a.jar", content: "jar" },
    ]);
    const result = await extractArchive({
      body: Readable.from([archive]),
      root,
      mounts: [".m2/repository"],
    });
    expect(result.mounts).toEqual([".m2/repository"]);
    expect(await readFile(join(root, ".m2/repository/a.jar"), "utf8")).toBe("jar");
    expect(leftovers(folder.path)).toEqual([]);
  });

  test("without mounts, each top-level name is a mount", async () => {
    const archive = craftTar([
      { name: "./x/f", content: "1" },
      { name: "top.txt", content: "2" },
    ]);
    const result = await extractArchive({ body: Readable.from([archive]), root });
    expect(result.mounts).toEqual(["x", "top.txt"]);
    expect(await readFile(join(root, "top.txt"), "utf8")).toBe("2");
    expect(await readFile(join(root, "m/keep.txt"), "utf8")).toBe("old content\n");
  });

  test("creates a missing root", async () => {
    const fresh = join(folder.path, "fresh/root");
    await extractArchive({
      body: Readable.from([craftTar([{ name: "m/f", content: "1" }])]),
      root: fresh,
    });
    expect(await readFile(join(fresh, "m/f"), "utf8")).toBe("1");
  });

  test.each(["posix", "ustar", "gnu", "v7"])(
    "extracts what GNU tar writes in %s format",
    async (tarFormat) => {
      const source = join(folder.path, "source");
      const name =
        tarFormat === "ustar" || tarFormat === "v7" ? "nested/short-enough.txt" : longPath;
      await mkdir(join(source, "m", name, ".."), { recursive: true });
      await writeFile(join(source, "m", name), "content");
      await symlink("nested", join(source, "m/nested-link"));
      const archive = execFileSync("tar", [
        "--create",
        `--format=${tarFormat}`,
        "--directory",
        source,
        "m",
      ]);
      await extractArchive({ body: Readable.from([archive]), root, mounts: ["m"] });
      expect(await readFile(join(root, "m", name), "utf8")).toBe("content");
    },
  );

  test("reads a zstd stream of several frames, with a skippable frame between them", async () => {
    const tar = craftTar([
      { name: "m/a", content: "first frame" },
      { name: "m/b", content: randomBytes(300_000) },
    ]);
    const split = 1024;
    const skippable = Buffer.alloc(8 + 5);
    skippable.writeUInt32LE(0x184d2a5e, 0);
    skippable.writeUInt32LE(5, 4);
    const body = Buffer.concat([
      execFileSync("zstd", ["-c", "-q", "--no-check"], { input: tar.subarray(0, split) }),
      skippable,
      execFileSync("zstd", ["-c", "-q"], { input: tar.subarray(split) }),
    ]);
    const result = await extractArchive({ body: Readable.from([body]), root, mounts: ["m"] });
    expect(result.entries).toBe(2);
    expect(await readFile(join(root, "m/a"), "utf8")).toBe("first frame");
  });

  describe("refuses hostile archives and writes nothing", () => {
    const cases: [string, CraftedEntry[]][] = [
      [
        "tar slip ../x",
        [
          { name: "m/ok", content: "1" },
          { name: "m/../../outside/x", content: "pwned" },
        ],
      ],
      ["an absolute path", [{ name: "/tmp/spotkit-archive-test-absolute", content: "pwned" }]],
      [
        "a symlink escape, then a file through it",
        [
          { name: "m/link", type: "symlink", linkName: "../../outside" },
          { name: "m/link/x", content: "pwned" },
        ],
      ],
      ["a hard link escape", [{ name: "m/h", type: "hardlink", linkName: "../outside/secret" }]],
      ["a character device", [{ name: "m/null", type: "char" }]],
      [
        "a huge size field",
        [{ name: "m/f", sizeField: Buffer.from([0x80, ...Array(11).fill(0xff)]) }],
      ],
      [
        "a pax path override to ..",
        [{ name: "m/harmless", pax: { path: "../outside/x" }, content: "pwned" }],
      ],
      [
        "an entry outside the mounts",
        [
          { name: "m/ok", content: "1" },
          { name: "elsewhere/x", content: "1" },
        ],
      ],
    ];
    test.each(cases)("%s", async (_name, entries) => {
      expect(await refusal({ body: Readable.from([craftTar(entries)]) })).toBe("E_ARCHIVE_HOSTILE");
      expect(existsSync("/tmp/spotkit-archive-test-absolute")).toBe(false);
    });

    test("a hostile entry deep in a compressed archive", async () => {
      const withEvil = Buffer.concat([
        craftTar([{ name: "m/big", content: randomBytes(3_000_000) }], { end: false }),
        craftTar([{ name: "m/../../outside/x", content: "pwned" }]),
      ]);
      const compressed = execFileSync("zstd", ["-c", "-q"], {
        input: withEvil,
        maxBuffer: 64 * 1024 * 1024,
      });
      expect(await refusal({ body: Readable.from([compressed]) })).toBe("E_ARCHIVE_HOSTILE");
    });
  });

  describe("leaves the destination untouched when the archive is broken", () => {
    let archives: Record<ArchiveFormat, Buffer>;
    beforeEach(async () => {
      const source = join(folder.path, "source");
      await writeSampleTree(source, "m");
      archives = {
        zstd: await archiveOf(source, ["m"], "zstd"),
        gzip: await archiveOf(source, ["m"], "gzip"),
        none: await archiveOf(source, ["m"], "none"),
      };
    });

    test.each(["zstd", "gzip", "none"] as const)("truncated %s", async (format) => {
      const archive = archives[format];
      for (const cut of [0.3, 0.9]) {
        const body = Readable.from([archive.subarray(0, Math.floor(archive.length * cut))]);
        expect(await refusal({ body })).toBe("E_ARCHIVE_TRUNCATED");
      }
    });

    test.each(["zstd", "gzip", "none"] as const)("corrupted %s", async (format) => {
      const archive = Buffer.from(archives[format]);
      // Plain tar has no checksum over file data, only over headers: damage the first header.
      const at = format === "none" ? 10 : Math.floor(archive.length / 2);
      for (let index = at; index < at + 16; index += 1)
        archive[index] = (archive[index] as number) ^ 0x5a;
      expect(await refusal({ body: Readable.from([archive]) })).toBe("E_ARCHIVE_CORRUPT");
    });

    test("a zstd archive cut after its last block, before the frame's checksum", async () => {
      // Every decompressed byte is there; only the checksum's 4 bytes are missing.
      const archive = archives.zstd;
      const body = Readable.from([archive.subarray(0, archive.length - 4)]);
      expect(await refusal({ body })).toBe("E_ARCHIVE_TRUNCATED");
    });

    test("a zstd archive with garbage after its last frame", async () => {
      const body = Readable.from([Buffer.concat([archives.zstd, Buffer.from("garbage!")])]);
      expect(await refusal({ body })).toBe("E_ARCHIVE_CORRUPT");
    });

    test("a zstd archive with garbage after its only header", async () => {
      const garbage = Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), Buffer.alloc(100, 7)]);
      expect(await refusal({ body: Readable.from([garbage]) })).toBe("E_ARCHIVE_CORRUPT");
    });

    test("an archive too short to have a format", async () => {
      expect(await refusal({ body: Readable.from([Buffer.from("ab")]) })).toBe(
        "E_ARCHIVE_TRUNCATED",
      );
    });

    test("a body that fails keeps its own error", async () => {
      const body = new PassThrough();
      body.write(archives.none.subarray(0, 5000));
      setTimeout(() => body.destroy(new Error("connection reset by peer")), 50);
      await expect(extractArchive({ body, root, mounts: ["m"] })).rejects.toThrow(
        "connection reset by peer",
      );
      expect(leftovers(folder.path)).toEqual([]);
      expect(await readFile(join(root, "m/keep.txt"), "utf8")).toBe("old content\n");
    });

    test("a body that fails while the first entry's folder is being made", async () => {
      // The pipeline rejects at once; the write that is creating the private folder and starting
      // tar is still under way and must not leave them behind.
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const body = new PassThrough();
        body.write(archives.none.subarray(0, 5000));
        setImmediate(() => body.destroy(new Error("connection reset by peer")));
        await expect(extractArchive({ body, root, mounts: ["m"] })).rejects.toThrow(
          "connection reset by peer",
        );
        expect(leftovers(folder.path)).toEqual([]);
      }
      expect(await readFile(join(root, "m/keep.txt"), "utf8")).toBe("old content\n");
    });
  });

  describe("refuses a destination that is or lies under a symlink", () => {
    test("the mount is a symlink", async () => {
      await symlink(outside, join(root, "linked"));
      const body = Readable.from([craftTar([{ name: "linked/x", content: "1" }])]);
      expect(await refusal({ body, mounts: ["linked"] })).toBe("E_ARCHIVE_DESTINATION");
    });

    test("a folder above the mount is a symlink", async () => {
      await symlink(outside, join(root, "up"));
      const body = Readable.from([craftTar([{ name: "up/m/x", content: "1" }])]);
      expect(await refusal({ body, mounts: ["up/m"] })).toBe("E_ARCHIVE_DESTINATION");
    });

    test("without mounts, a top-level name that is a symlink", async () => {
      await symlink(outside, join(root, "linked"));
      const body = Readable.from([craftTar([{ name: "linked/x", content: "1" }])]);
      expect(await refusal({ body, mounts: undefined as unknown as string[] })).toBe(
        "E_ARCHIVE_DESTINATION",
      );
    });
  });

  test("an abort mid-way leaves no temporary folder and no child process", async () => {
    const source = join(folder.path, "source");
    await writeSampleTree(source, "m");
    await writeFile(join(source, "m/random.bin"), randomBytes(4_000_000));
    const archive = await archiveOf(source, ["m"], "zstd");
    const pids = childPids();
    const body = new PassThrough();
    body.write(archive.subarray(0, Math.floor(archive.length / 2)));
    const controller = new AbortController();
    const extracting = extractArchive({ body, root, mounts: ["m"], signal: controller.signal });
    // Abort once zstd and tar run and the private folder exists.
    for (
      let attempt = 0;
      attempt < 200 && (childPids().length < pids.length + 2 || leftovers(root).length === 0);
      attempt += 1
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(leftovers(root)).toHaveLength(1);
    controller.abort(new Error("cancelled by the build"));
    const error = await extracting.catch((caught: unknown) => caught);
    expect(isArchiveError(error, "E_ARCHIVE_ABORTED")).toBe(true);
    expect(leftovers(folder.path)).toEqual([]);
    expect(childPids()).toEqual(pids);
    expect(await readFile(join(root, "m/keep.txt"), "utf8")).toBe("old content\n");
  });

  test("an aborted signal stops it before anything", async () => {
    const code = await refusal({
      body: Readable.from([craftTar([{ name: "m/f" }])]),
      signal: AbortSignal.abort(),
    });
    expect(code).toBe("E_ARCHIVE_ABORTED");
  });

  test("a missing zstd binary says what to install", async () => {
    const compressed = execFileSync("zstd", ["-c", "-q"], { input: craftTar([{ name: "m/f" }]) });
    const body = Readable.from([compressed]);
    let message = "";
    expect(
      await refusal({ body, tools: { zstd: "/nonexistent/zstd" } }).catch((error: unknown) => {
        throw error;
      }),
    ).toBe("E_ARCHIVE_TOOL");
    try {
      await extractArchive({
        body: Readable.from([compressed]),
        root,
        tools: { zstd: "/nonexistent/zstd" },
      });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("install zstd");
  });

  test("a missing tar binary says what to install", async () => {
    const body = Readable.from([craftTar([{ name: "m/f" }])]);
    let message = "";
    try {
      await extractArchive({ body, root, mounts: ["m"], tools: { tar: "/nonexistent/tar" } });
    } catch (error) {
      expect(isArchiveError(error, "E_ARCHIVE_TOOL")).toBe(true);
      message = (error as Error).message;
    }
    expect(message).toContain("install GNU tar");
    expect(await readFile(join(root, "m/keep.txt"), "utf8")).toBe("old content\n");
  });

  test("refuses invalid options", async () => {
    const body = Readable.from([craftTar([{ name: "m/f" }])]);
    await expect(extractArchive({ body, root, mounts: ["../m"] })).rejects.toMatchObject({
      code: "E_ARCHIVE_INVALID_OPTIONS",
    });
    await expect(extractArchive({ body, root, maxEntryBytes: -1 })).rejects.toMatchObject({
      code: "E_ARCHIVE_INVALID_OPTIONS",
    });
  });
});
