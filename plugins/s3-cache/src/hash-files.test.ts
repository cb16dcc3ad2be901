import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checksumFile, HashFilesError, hashFiles } from "./hash-files.js";

let workspace = "";

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), "spotkit-hash-files-"));
  await mkdir(join(workspace, "packages/b"), { recursive: true });
  await mkdir(join(workspace, "packages/a/node_modules/dep"), { recursive: true });
  await writeFile(join(workspace, "package-lock.json"), "root lock");
  await writeFile(join(workspace, "packages/b/package-lock.json"), "b lock");
  await writeFile(join(workspace, "packages/a/package-lock.json"), "a lock");
  await writeFile(join(workspace, "packages/a/node_modules/dep/package-lock.json"), "dep lock");
});

afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

/** actions/cache's algorithm, written out: SHA-256 over each file's SHA-256 digest, in path order. */
function expectedHash(contents: string[]): string {
  const combined = createHash("sha256");
  for (const content of contents) combined.update(createHash("sha256").update(content).digest());
  return combined.digest("hex");
}

describe("hashFiles", () => {
  it("hashes every match, sorted by path, as actions/cache does", async () => {
    const hash = await hashFiles(["**/package-lock.json"], { cwd: workspace });
    // By code point: package-lock.json < packages/a/node_modules/… < packages/a/package-lock.json.
    expect(hash).toBe(expectedHash(["root lock", "dep lock", "a lock", "b lock"]));
  });

  it("leaves out what a !pattern matches and merges several patterns", async () => {
    const hash = await hashFiles(
      ["packages/*/package-lock.json", "package-lock.json", "!**/node_modules/**"],
      { cwd: workspace },
    );
    expect(hash).toBe(expectedHash(["root lock", "a lock", "b lock"]));
  });

  it("changes when a file changes", async () => {
    const before = await hashFiles(["**/package-lock.json"], { cwd: workspace });
    await writeFile(join(workspace, "packages/b/package-lock.json"), "b lock v2");
    expect(await hashFiles(["**/package-lock.json"], { cwd: workspace })).not.toBe(before);
  });

  it("returns an empty text when nothing matches", async () => {
    expect(await hashFiles(["**/yarn.lock"], { cwd: workspace })).toBe("");
  });

  it("hashes a symbolic link to a file by its target's content", async () => {
    await symlink(join(workspace, "package-lock.json"), join(workspace, "linked.lock"));
    expect(await hashFiles(["*.lock"], { cwd: workspace })).toBe(expectedHash(["root lock"]));
  });

  it("accepts an absolute pattern inside the workspace and refuses one outside", async () => {
    expect(await hashFiles([join(workspace, "package-lock.json")], { cwd: workspace })).toBe(
      expectedHash(["root lock"]),
    );
    await expect(hashFiles(["/etc/passwd"], { cwd: workspace })).rejects.toBeInstanceOf(
      HashFilesError,
    );
    await expect(hashFiles(["../*.json"], { cwd: workspace })).rejects.toThrow(/\.\." segment/);
  });
});

describe("checksumFile", () => {
  it("is the MD5 of the file, as drone-cache's checksum", async () => {
    const expected = createHash("md5").update("root lock").digest("hex");
    expect(await checksumFile("package-lock.json", { cwd: workspace })).toBe(expected);
  });

  it("is undefined for a file that cannot be read", async () => {
    expect(await checksumFile("missing.lock", { cwd: workspace })).toBeUndefined();
    expect(await checksumFile("packages", { cwd: workspace })).toBeUndefined();
  });
});
