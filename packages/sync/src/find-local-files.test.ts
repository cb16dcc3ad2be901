import { chmod, mkdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findLocalFiles } from "./find-local-files.js";
import { SyncError } from "./sync-error.js";
import { useTemporaryFolder } from "./test-support/temporary-folder.js";
import { writeFiles } from "./test-support/write-files.js";

const folder = useTemporaryFolder("spotkit-walk-");

async function names(
  options: Omit<Parameters<typeof findLocalFiles>[0], "cwd">,
  warnings: string[] = [],
): Promise<string[]> {
  const files = await findLocalFiles({
    cwd: folder(),
    onWarning: (message) => warnings.push(message),
    ...options,
  });
  return files.map((file) => file.name);
}

describe("findLocalFiles", () => {
  it("takes everything under a plain folder, dotfiles and empty files included, sorted", async () => {
    await writeFiles(folder(), {
      "dist/index.html": "<html>",
      "dist/.well-known/security.txt": "x",
      "dist/a/b/c/deep.js": "deep",
      "dist/empty": "",
      "other.txt": "no",
    });
    const files = await findLocalFiles({ cwd: folder(), source: "dist" });
    expect(files.map((file) => file.name)).toEqual([
      "dist/.well-known/security.txt",
      "dist/a/b/c/deep.js",
      "dist/empty",
      "dist/index.html",
    ]);
    expect(files.find((file) => file.name === "dist/empty")?.size).toBe(0);
    expect(files[0]?.path).toBe(join(folder(), "dist", ".well-known", "security.txt"));
  });

  it("matches globs against names relative to the working folder", async () => {
    await writeFiles(folder(), {
      "dist/index.html": "",
      "dist/app.js": "",
      "dist/sub/page.html": "",
      "top.html": "",
    });
    expect(await names({ source: "dist/**/*.html" })).toEqual([
      "dist/index.html",
      "dist/sub/page.html",
    ]);
    expect(await names({ source: "*.html" })).toEqual(["top.html"]);
    expect(await names({ source: "./dist/*.js" })).toEqual(["dist/app.js"]);
  });

  it("takes several sources, each file once, and a single file", async () => {
    await writeFiles(folder(), { "dist/a.js": "", "dist/b.css": "", "README.md": "" });
    expect(await names({ source: ["dist/**", "dist/*.js", "README.md"] })).toEqual([
      "README.md",
      "dist/a.js",
      "dist/b.css",
    ]);
  });

  it("names files under the working folder `.` without a prefix", async () => {
    await writeFiles(folder(), { "a.txt": "", "sub/b.txt": "" });
    expect(await names({ source: "." })).toEqual(["a.txt", "sub/b.txt"]);
    expect(await names({ source: "**" })).toEqual(["a.txt", "sub/b.txt"]);
  });

  it("keeps absolute names for absolute sources", async () => {
    await writeFiles(folder(), { "dist/a.js": "" });
    const absolute = join(folder(), "dist").replaceAll("\\", "/");
    expect(await names({ source: `${absolute}/**` })).toEqual([`${absolute}/a.js`]);
  });

  it("keeps unicode and space names as they are", async () => {
    await writeFiles(folder(), { "dist/dossier été/fi le ü.txt": "x", "dist/日本.txt": "y" });
    expect(await names({ source: "dist" })).toEqual([
      "dist/dossier été/fi le ü.txt",
      "dist/日本.txt",
    ]);
  });

  it("leaves out excluded files: base-name globs at any depth, path globs, pruned folders", async () => {
    await writeFiles(folder(), {
      "dist/app.js": "",
      "dist/app.js.map": "",
      "dist/deep/x.map": "",
      "dist/node_modules/m.js": "",
      "dist/private/secret.txt": "",
    });
    expect(
      await names({ source: "dist", exclude: ["*.map", "dist/node_modules/**", "**/private/*"] }),
    ).toEqual(["dist/app.js"]);
  });

  it("does not walk into a pruned folder at all", async () => {
    await writeFiles(folder(), { "dist/app.js": "", "dist/vendor/x.js": "" });
    // A broken link warns when walked: no warning proves the folder was never read.
    await symlink(join(folder(), "missing"), join(folder(), "dist", "vendor", "broken"));
    const warnings: string[] = [];
    expect(await names({ source: "dist", exclude: ["dist/vendor/**"] }, warnings)).toEqual([
      "dist/app.js",
    ]);
    expect(warnings).toEqual([]);
    await names({ source: "dist", exclude: ["dist/vendor/*.js"] }, warnings);
    expect(warnings).toHaveLength(1);
  });

  it("throws for a missing plain path, before anything else", async () => {
    const error = await findLocalFiles({ cwd: folder(), source: "missing-folder" }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).code).toBe("E_SYNC_SOURCE_NOT_FOUND");
    expect((error as SyncError).message).toContain('"missing-folder"');
  });

  it("warns when a glob matches nothing", async () => {
    const warnings: string[] = [];
    expect(await names({ source: "nothing/**" }, warnings)).toEqual([]);
    expect(warnings).toEqual(['The source "nothing/**" matched no file.']);
  });

  it("refuses an empty source list", async () => {
    await expect(findLocalFiles({ cwd: folder(), source: [] })).rejects.toThrow(/No source given/);
  });

  // Root reads every folder whatever its mode, so this needs an ordinary user.
  it.skipIf(process.getuid?.() === 0)(
    "fails when a folder cannot be read, so that nothing is deleted on a partial walk",
    async () => {
      await writeFiles(folder(), { "dist/a.js": "", "dist/locked/x.js": "" });
      await chmod(join(folder(), "dist", "locked"), 0o000);
      try {
        await expect(findLocalFiles({ cwd: folder(), source: "dist" })).rejects.toThrow(/EACCES/);
      } finally {
        await chmod(join(folder(), "dist", "locked"), 0o755);
      }
    },
  );
});

describe("findLocalFiles and symbolic links", () => {
  async function linkedTree(): Promise<void> {
    await writeFiles(folder(), {
      "site/v1/app.js": "v1",
      "site/index.html": "i",
      "outside/secret.txt": "secret",
      "outside/dir/x.txt": "x",
    });
    await symlink(join(folder(), "site", "v1"), join(folder(), "site", "latest"));
    await symlink(join(folder(), "site", "index.html"), join(folder(), "site", "home.html"));
    await symlink(join(folder(), "outside", "secret.txt"), join(folder(), "site", "secret.txt"));
    await symlink(join(folder(), "outside", "dir"), join(folder(), "site", "dir"));
    await symlink(join(folder(), "missing"), join(folder(), "site", "broken"));
    await symlink(join(folder(), "site"), join(folder(), "site", "v1", "loop"));
  }

  it("follows links that stay inside the source and skips the others with a warning (default)", async () => {
    await linkedTree();
    const warnings: string[] = [];
    expect(await names({ source: "site" }, warnings)).toEqual([
      "site/home.html",
      "site/index.html",
      "site/latest/app.js",
      "site/v1/app.js",
    ]);
    expect(warnings.join("\n")).toMatch(/site\/secret\.txt: the symbolic link points to .*outside/);
    expect(warnings.join("\n")).toMatch(/site\/dir: the symbolic link points to .*outside/);
    expect(warnings.join("\n")).toMatch(/site\/broken: the symbolic link is broken/);
    expect(warnings.join("\n")).toMatch(/site\/v1\/loop: .*cycle/);
  });

  it("follows every link with follow, still never around a cycle", async () => {
    await linkedTree();
    expect(await names({ source: "site", symlinks: "follow" })).toEqual([
      "site/dir/x.txt",
      "site/home.html",
      "site/index.html",
      "site/latest/app.js",
      "site/secret.txt",
      "site/v1/app.js",
    ]);
  });

  it("ignores every link with skip", async () => {
    await linkedTree();
    expect(await names({ source: "site", symlinks: "skip" })).toEqual([
      "site/index.html",
      "site/v1/app.js",
    ]);
  });

  it("reads a file named directly as a source even through a link", async () => {
    await writeFiles(folder(), { "outside/secret.txt": "secret" });
    await mkdir(join(folder(), "site"));
    await symlink(join(folder(), "outside", "secret.txt"), join(folder(), "site", "named.txt"));
    const files = await findLocalFiles({ cwd: folder(), source: "site/named.txt" });
    expect(files).toEqual([
      { path: join(folder(), "site", "named.txt"), name: "site/named.txt", size: 6 },
    ]);
  });

  it("treats a glob's base as the root links must stay in", async () => {
    await writeFiles(folder(), { "site/a/x.js": "x", "site/b/y.js": "y" });
    await symlink(join(folder(), "site", "b", "y.js"), join(folder(), "site", "a", "y.js"));
    const warnings: string[] = [];
    expect(await names({ source: "site/a/**" }, warnings)).toEqual(["site/a/x.js"]);
    expect(warnings).toHaveLength(1);
    expect(await names({ source: "site/**" })).toEqual([
      "site/a/x.js",
      "site/a/y.js",
      "site/b/y.js",
    ]);
  });

  it("skips a linked file when exclude leaves it out, without warning", async () => {
    await writeFiles(folder(), { "site/a.js": "", "outside/b.map": "" });
    await symlink(join(folder(), "outside", "b.map"), join(folder(), "site", "b.map"));
    const warnings: string[] = [];
    await writeFile(join(folder(), "site", "c.js"), "");
    expect(await names({ source: "site", exclude: ["*.map"] }, warnings)).toEqual([
      "site/a.js",
      "site/c.js",
    ]);
    expect(warnings).toEqual([]);
  });
});
