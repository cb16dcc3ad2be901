import type { Dirent } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import { sep } from "node:path";
import type { LocalEntry } from "./plan-download.js";

/**
 * Lists what the download folder holds, without following any symbolic link: a link (to a file
 * or a folder) is reported as a non-file entry, so a download replaces the link itself and
 * `delete` removes the link, never what it points to. A missing folder holds nothing.
 */
export async function findTargetFiles(folder: string, signal?: AbortSignal): Promise<LocalEntry[]> {
  const entries: LocalEntry[] = [];
  await walk(folder, "", entries, signal);
  return entries;
}

async function walk(
  folder: string,
  relativeFolder: string,
  entries: LocalEntry[],
  signal: AbortSignal | undefined,
): Promise<void> {
  signal?.throwIfAborted();
  let children: Dirent[];
  try {
    children = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return;
    throw error;
  }
  await Promise.all(
    children.map(async (child) => {
      const path = `${folder}${sep}${child.name}`;
      const relativePath = relativeFolder === "" ? child.name : `${relativeFolder}/${child.name}`;
      if (child.isDirectory()) {
        await walk(path, relativePath, entries, signal);
      } else if (child.isFile()) {
        const stats = await lstat(path).catch(() => undefined);
        if (stats?.isFile()) entries.push({ path, relativePath, size: stats.size, isFile: true });
      } else {
        entries.push({ path, relativePath, size: 0, isFile: false });
      }
    }),
  );
}
