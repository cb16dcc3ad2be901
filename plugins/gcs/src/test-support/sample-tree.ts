import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * A small site: nested folders, names with spaces and non-ASCII letters, an empty file, and one
 * file large enough (3 MiB) to be sent in blocks with a 1 MiB part size.
 */
export const sampleTree: Record<string, string | Buffer> = {
  "index.html": "<!doctype html><title>spotkit</title>",
  "css/site.css": "body { color: #333 }",
  "js/app.js": "console.log('hello');",
  "docs/guide/getting started.md": "# Getting started\n",
  "docs/ünïcödé/naïve café.txt": "crème brûlée\n",
  "empty.txt": "",
  "assets/big.bin": Buffer.alloc(3 * 1024 * 1024, 7),
};

/** Writes `tree` (relative path → content) below `folder`. */
export async function writeTree(
  folder: string,
  tree: Record<string, string | Buffer>,
): Promise<void> {
  for (const [path, content] of Object.entries(tree)) {
    const file = join(folder, path);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  }
}
