import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { expandGlobs, GlobLimitError, hasGlobSyntax } from "./expand-globs.js";

let root = "";

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "spotkit-expand-globs-"));
  for (const folder of [
    "node_modules/x",
    "packages/a/node_modules/y",
    "packages/b/node_modules",
    "packages/c/src",
    ".gradle/caches",
  ]) {
    await mkdir(join(root, folder), { recursive: true });
  }
  await writeFile(join(root, "packages/a/node_modules/y/index.js"), "y");
  await symlink(join(root, "packages"), join(root, "loop"));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("expandGlobs", () => {
  it("matches folders and stops at a match (paths)", async () => {
    expect(await expandGlobs(["**/node_modules"], { root, match: "paths" })).toEqual([
      "node_modules",
      "packages/a/node_modules",
      "packages/b/node_modules",
    ]);
  });

  it("matches one level per *", async () => {
    expect(await expandGlobs(["packages/*/node_modules"], { root, match: "paths" })).toEqual([
      "packages/a/node_modules",
      "packages/b/node_modules",
    ]);
  });

  it("matches dot folders and plain paths that exist", async () => {
    expect(await expandGlobs([".gradle", "*/caches", "missing"], { root, match: "paths" })).toEqual(
      [".gradle", ".gradle/caches"],
    );
  });

  it("never enters a symbolic link to a folder", async () => {
    const files = await expandGlobs(["**/*.js"], { root, match: "files" });
    expect(files).toEqual(["packages/a/node_modules/y/index.js"]);
  });

  it("stops a walk that reads too many entries", async () => {
    await expect(
      expandGlobs(["**/nothing"], { root, match: "paths", maxEntries: 3 }),
    ).rejects.toBeInstanceOf(GlobLimitError);
  });

  it("tells globs from plain paths", () => {
    expect(hasGlobSyntax("packages/*/node_modules")).toBe(true);
    expect(hasGlobSyntax("src/{a,b}")).toBe(true);
    expect(hasGlobSyntax(".m2/repository")).toBe(false);
  });
});
