import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/** Writes files below `folder` from a map of `/`-separated relative path → content. */
export async function writeFiles(
  folder: string,
  files: Readonly<Record<string, string | Uint8Array>>,
): Promise<void> {
  const entries = Object.entries(files).map(([relativePath, content]) => ({
    path: join(folder, ...relativePath.split("/")),
    content,
  }));
  for (const parent of new Set(entries.map((entry) => dirname(entry.path)))) {
    await mkdir(parent, { recursive: true });
  }
  // A few writes at a time: thousands of small files are written quickly, without running out of
  // file descriptors.
  for (let offset = 0; offset < entries.length; offset += 32) {
    await Promise.all(
      entries.slice(offset, offset + 32).map((entry) => writeFile(entry.path, entry.content)),
    );
  }
}
