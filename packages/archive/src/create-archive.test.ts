import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { pipeline } from "node:stream/promises";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { isArchiveError } from "./archive-error.js";
import { detectArchiveFormat } from "./archive-format.js";
import { createArchive } from "./create-archive.js";
import { extractArchive } from "./extract-archive.js";
import {
  childPids,
  describeTree,
  leftovers,
  longPath,
  temporaryFolder,
  writeSampleTree,
} from "./test-support/tree.js";

let folder: { path: string; remove: () => Promise<void> };
let source: string;
let target: string;

beforeEach(async () => {
  folder = await temporaryFolder();
  source = join(folder.path, "source");
  target = join(folder.path, "target");
  await writeSampleTree(source, "node_modules");
  await mkdir(join(source, ".m2/repository/org"), { recursive: true });
  await writeFile(join(source, ".m2/repository/org/lib.jar"), "jar");
  await mkdir(join(target, "node_modules/stale"), { recursive: true });
  await writeFile(join(target, "node_modules/stale/old.js"), "old");
});

afterEach(async () => {
  await folder.remove();
});

describe("createArchive + extractArchive", () => {
  test.each(["zstd", "gzip", "none"] as const)("round-trips a real tree as %s", async (format) => {
    await symlink("../../outside", join(source, "node_modules/escaping-link"));
    const warnings: string[] = [];
    const archive = createArchive({
      root: source,
      paths: ["node_modules", ".m2/repository"],
      format,
      onWarning: (message) => warnings.push(message),
    });
    const bytes = await buffer(archive.stream);
    const created = await archive.done;
    expect(detectArchiveFormat(bytes)).toBe(format);
    expect(created.entries).toBeGreaterThan(20);
    expect(created.uncompressedBytes % 512).toBe(0);
    if (format === "none") expect(created.uncompressedBytes).toBe(bytes.length);
    expect(warnings).toEqual([
      expect.stringContaining('symlink "node_modules/escaping-link" → "../../outside"'),
    ]);

    const extracted = await extractArchive({
      body: Readable.from([bytes]),
      root: target,
      mounts: ["node_modules", ".m2/repository"],
    });
    expect(extracted.mounts).toEqual([".m2/repository", "node_modules"]);
    expect(extracted.entries).toBe(created.entries);
    const expected = describeTree(join(source, "node_modules")).filter(
      (line) => !line.startsWith("escaping-link"),
    );
    const restored = describeTree(join(target, "node_modules"));
    expect(restored).toEqual(expected);
    // What the tree holds, spelled out, so the comparison cannot pass on two empty lists.
    expect(restored).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^bin\/run\.sh file 755 18 \w+ 1600000000$/),
        expect.stringMatching(/^empty-folder\/inner-empty\/ dir 755 \d+$/),
        "link-to-file symlink -> a/b/c/nested.txt",
        "bin/link-to-folder symlink -> ../a",
        "dangling symlink -> does-not-exist",
        expect.stringMatching(/^dir with spaces\/fïlé ünïcødé ✓\.txt file 644 8 /),
        expect.stringMatching(/^empty-file file 644 0 \w+ 1600000000$/),
        expect.stringContaining(longPath),
      ]),
    );
    expect(describeTree(join(target, ".m2/repository"))).toEqual(
      describeTree(join(source, ".m2/repository")),
    );
    expect(leftovers(folder.path)).toEqual([]);
  });

  test("streams straight from create into extract", async () => {
    const archive = createArchive({
      root: source,
      paths: ["node_modules"],
      format: "zstd",
      level: 19,
    });
    await extractArchive({ body: archive.stream, root: target, mounts: ["node_modules"] });
    await archive.done;
    expect(describeTree(join(target, "node_modules"))).toEqual(
      describeTree(join(source, "node_modules")),
    );
  });

  test("GNU tar reads the archives (long names as GNU 'L' entries)", async () => {
    const archive = createArchive({ root: source, paths: ["node_modules"], format: "none" });
    const bytes = await buffer(archive.stream);
    const names = execFileSync("tar", ["--list", "--file=-"], { input: bytes })
      .toString()
      .split("\n");
    expect(names).toContain(`node_modules/${longPath}`);
    expect(names).toContain("node_modules/empty-folder/inner-empty/");
    expect(bytes.includes("././@LongLink")).toBe(true);
  });

  test("leaves symlinks out with skipSymlinks, and missing paths with a warning", async () => {
    const warnings: string[] = [];
    const archive = createArchive({
      root: source,
      paths: ["node_modules", "not-there"],
      format: "gzip",
      skipSymlinks: true,
      onWarning: (message) => warnings.push(message),
    });
    await extractArchive({ body: archive.stream, root: target });
    await archive.done;
    expect(warnings).toEqual([
      expect.stringContaining('"not-there" out of the archive: it does not exist'),
    ]);
    const restored = describeTree(join(target, "node_modules"));
    expect(restored.filter((line) => line.includes(" symlink "))).toEqual([]);
    expect(restored).toEqual(
      expect.arrayContaining([expect.stringMatching(/^bin\/run\.sh file 755 18 /)]),
    );
  });

  test("refuses invalid options at once", () => {
    for (const options of [
      { paths: ["/abs"] },
      { paths: ["../up"] },
      { paths: ["x"], level: 0 },
      { paths: ["x"], level: 20 },
    ]) {
      expect(() => createArchive({ root: source, format: "zstd", ...options })).toThrow(
        expect.objectContaining({ code: "E_ARCHIVE_INVALID_OPTIONS" }),
      );
    }
  });

  test("a missing zstd binary says what to install", async () => {
    const archive = createArchive({
      root: source,
      paths: ["node_modules"],
      format: "zstd",
      tools: { zstd: "/nonexistent/zstd" },
    });
    const streamError = await buffer(archive.stream).catch((error: unknown) => error);
    const error = await archive.done.catch((caught: unknown) => caught);
    expect(isArchiveError(error, "E_ARCHIVE_TOOL")).toBe(true);
    expect((error as Error).message).toContain(
      "`/nonexistent/zstd` was not found on PATH: install zstd",
    );
    expect(isArchiveError(streamError)).toBe(true);
  });

  test("a tar that fails after writing errors the stream instead of ending it", async () => {
    const fakeTar = join(folder.path, "failing-tar");
    await writeFile(
      fakeTar,
      '#!/bin/sh\nhead -c 4096 /dev/zero\necho "tar: node_modules/x: Cannot open: Input/output error" >&2\nexit 2\n',
    );
    await chmod(fakeTar, 0o755);
    const archive = createArchive({
      root: source,
      paths: ["node_modules"],
      format: "none",
      tools: { tar: fakeTar },
    });
    let received = 0;
    const consumer = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        callback();
      },
    });
    const error = await pipeline(archive.stream, consumer).catch((caught: unknown) => caught);
    // The bytes pass, but the end never comes: an upload is never completed with them.
    expect(received).toBe(4096);
    expect(consumer.writableFinished).toBe(false);
    expect(isArchiveError(error, "E_ARCHIVE_TOOL")).toBe(true);
    expect((error as Error).message).toContain("Input/output error");
    await expect(archive.done).rejects.toMatchObject({ code: "E_ARCHIVE_TOOL" });
  });

  test("an abort mid-way kills the children and errors the stream", async () => {
    await writeFile(join(source, "node_modules/random.bin"), randomBytes(8_000_000));
    const pids = childPids();
    const controller = new AbortController();
    const archive = createArchive({
      root: source,
      paths: ["node_modules"],
      format: "zstd",
      signal: controller.signal,
    });
    const streamError = new Promise((resolve) => archive.stream.once("error", resolve));
    // Read one chunk, then stop reading: tar and zstd block on full pipes.
    await new Promise((resolve) => archive.stream.once("data", resolve));
    archive.stream.pause();
    // zstd at least (tar may have handed everything over to zstd's buffers already).
    expect(childPids().length).toBeGreaterThan(pids.length);
    controller.abort(new Error("cancelled by the build"));
    const error = await archive.done.catch((caught: unknown) => caught);
    expect(isArchiveError(error, "E_ARCHIVE_ABORTED")).toBe(true);
    expect(isArchiveError(await streamError, "E_ARCHIVE_ABORTED")).toBe(true);
    expect(childPids()).toEqual(pids);
  });

  test("a reader that closes the stream early stops the children", async () => {
    await writeFile(join(source, "node_modules/random.bin"), randomBytes(8_000_000));
    const pids = childPids();
    const archive = createArchive({ root: source, paths: ["node_modules"], format: "gzip" });
    archive.stream.on("error", () => {});
    await new Promise((resolve) => archive.stream.once("data", resolve));
    archive.stream.destroy();
    await expect(archive.done).rejects.toMatchObject({ code: "E_ARCHIVE_ABORTED" });
    expect(childPids()).toEqual(pids);
  });
});
