import { createHash } from "node:crypto";
import {
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  symlink,
  writeFile,
} from "node:fs/promises";
import { dirname, join } from "node:path";

/** Options of {@link writeCacheTree}. */
export interface CacheTreeOptions {
  /** Regular files in the tree (besides the special ones). @default 2000 */
  files?: number;
  /** Text that makes this tree's content differ from another's. @default "" */
  salt?: string;
}

/**
 * Writes a node_modules-like tree under `root/<mount>`: packages with nested folders and
 * JavaScript-like files, executables, empty files and folders, relative symbolic links inside the
 * mount (to a file and to a folder), a unicode and space name and a path longer than 100
 * characters (which needs a GNU or pax long-name header in tar).
 */
export async function writeCacheTree(
  root: string,
  mount: string,
  options: CacheTreeOptions = {},
): Promise<void> {
  const count = options.files ?? 2000;
  const salt = options.salt ?? "";
  const base = join(root, mount);
  const perPackage = 20;
  for (let index = 0; index < count; index++) {
    const packageName = `package-${Math.floor(index / perPackage)}`;
    const folder = index % 3 === 0 ? "lib/internal" : index % 3 === 1 ? "lib" : "dist";
    const path = join(base, packageName, folder, `module-${index}.js`);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(
      path,
      `// ${salt} module ${index}\nexport function f${index}(value) {\n  return value * ${index};\n}\n`.repeat(
        1 + (index % 5),
      ),
    );
  }
  await mkdir(join(base, ".bin"), { recursive: true });
  await writeFile(join(base, "package-0", "cli.js"), `#!/usr/bin/env node\n// ${salt}\n`, {
    mode: 0o755,
  });
  await chmod(join(base, "package-0", "cli.js"), 0o755);
  await symlink("../package-0/cli.js", join(base, ".bin", "cli"));
  await symlink("package-1", join(base, "package-link"));
  await mkdir(join(base, "empty", "nested-empty"), { recursive: true });
  await writeFile(join(base, "package-0", "empty.txt"), "");
  await mkdir(join(base, "ünï cödé"), { recursive: true });
  await writeFile(join(base, "ünï cödé", "file with spaces.txt"), `unicode ${salt}\n`);
  const longFolder = join(base, "long", "a".repeat(60), "b".repeat(60));
  await mkdir(longFolder, { recursive: true });
  await writeFile(join(longFolder, `${"c".repeat(40)}.js`), `long ${salt}\n`);
}

/** One entry of a {@link snapshotTree}: what must survive a round trip. */
export type TreeEntry =
  | { type: "file"; mode: number; size: number; sha256: string; mtimeSeconds: number }
  | { type: "directory"; mode: number }
  | { type: "symlink"; target: string };

/**
 * Describes every entry under `root/<mount>` (relative path → type, permission bits, content
 * hash, whole-second mtime of files, link target), to compare a tree before and after a round trip.
 */
export async function snapshotTree(root: string, mount: string): Promise<Map<string, TreeEntry>> {
  const entries = new Map<string, TreeEntry>();
  async function walk(relative: string): Promise<void> {
    const path = join(root, relative);
    const stats = await lstat(path);
    if (stats.isSymbolicLink()) {
      entries.set(relative, { type: "symlink", target: await readlink(path) });
    } else if (stats.isDirectory()) {
      entries.set(relative, { type: "directory", mode: stats.mode & 0o7777 });
      for (const name of (await readdir(path)).sort()) await walk(join(relative, name));
    } else if (stats.isFile()) {
      const content = await readFile(path);
      entries.set(relative, {
        type: "file",
        mode: stats.mode & 0o7777,
        size: stats.size,
        sha256: createHash("sha256").update(content).digest("hex"),
        mtimeSeconds: Math.floor(stats.mtimeMs / 1000),
      });
    }
  }
  await walk(mount);
  return entries;
}
