import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { chmod, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A fresh folder under the system temp folder; removed by the returned function. */
export async function temporaryFolder(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "spotkit-archive-test-"));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** A path 100+ characters long, deeper than the 100-byte tar name field. */
export const longPath = `deep/${"a-rather-long-folder-name/".repeat(5)}and-a-file-with-a-long-name-too.txt`;

/**
 * Writes the tree the round-trip tests archive, under `root/<mount>`: nested and empty folders,
 * empty files, an executable, fixed mtimes, symlinks inside the mount (file and folder), names with
 * unicode and spaces, and a path longer than 100 bytes.
 */
export async function writeSampleTree(root: string, mount: string): Promise<void> {
  const base = join(root, mount);
  const file = async (path: string, content: string | Buffer, mode = 0o644) => {
    await mkdir(join(base, path, ".."), { recursive: true });
    await writeFile(join(base, path), content);
    await chmod(join(base, path), mode);
  };
  await file("a/b/c/nested.txt", "nested\n");
  await file("empty-file", "");
  await file("bin/run.sh", "#!/bin/sh\necho hi\n", 0o755);
  await file("dir with spaces/fïlé ünïcødé ✓.txt", "unicode\n");
  await file(longPath, "long\n");
  await file(
    "big.bin",
    createHash("sha256").update("seed").digest().toString("hex").repeat(20_000),
  );
  await mkdir(join(base, "empty-folder/inner-empty"), { recursive: true });
  await symlink("a/b/c/nested.txt", join(base, "link-to-file"));
  await symlink("../a", join(base, "bin/link-to-folder"));
  await symlink("does-not-exist", join(base, "dangling"));
  // Fixed mtimes, so the round trip can compare them (whole seconds: the GNU format keeps those).
  for (const path of ["a/b/c/nested.txt", "empty-file", "bin/run.sh", "a/b", "empty-folder"]) {
    await utimes(join(base, path), 1_600_000_000, 1_600_000_000);
  }
}

/**
 * One line per entry under `folder`: type, mode, size, content hash or link target, mtime.
 *
 * @param folderTimes include folders' mtimes (creating and removing a temporary folder in a
 * folder changes its mtime, so "untouched" checks leave them out).
 */
export function describeTree(folder: string, folderTimes = true): string[] {
  const lines: string[] = [];
  const visit = (relative: string) => {
    const path = join(folder, relative);
    const stats = lstatSync(path);
    const mode = (stats.mode & 0o7777).toString(8);
    const mtime = Math.floor(stats.mtimeMs / 1000);
    if (stats.isSymbolicLink()) {
      lines.push(`${relative} symlink -> ${readlinkSync(path)}`);
    } else if (stats.isDirectory()) {
      if (relative !== "") lines.push(`${relative}/ dir ${mode}${folderTimes ? ` ${mtime}` : ""}`);
      for (const name of readdirSync(path).sort())
        visit(relative === "" ? name : `${relative}/${name}`);
    } else {
      const hash = createHash("sha256").update(readFileSync(path)).digest("hex").slice(0, 16);
      lines.push(`${relative} file ${mode} ${stats.size} ${hash} ${mtime}`);
    }
  };
  if (existsSync(folder)) visit("");
  return lines;
}

/** Names directly in `folder` that extraction leaves behind when it fails to clean up. */
export function leftovers(folder: string): string[] {
  const found: string[] = [];
  const visit = (path: string) => {
    if (!existsSync(path)) return;
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.name.startsWith(".spotkit-")) found.push(join(path, entry.name));
      if (entry.isDirectory()) visit(join(path, entry.name));
    }
  };
  visit(folder);
  return found;
}

/** The pids of this process's living children (read from /proc, Linux only). */
export function childPids(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      // Fields after the command name (which may hold spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[1]) === process.pid && fields[0] !== "Z") pids.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
