import { chmod, readdir, rm } from "node:fs/promises";
import { join } from "node:path";

/**
 * Removes a folder and everything in it. Read-only folders (Go's module cache makes its folders
 * 0555) block a plain recursive removal for users other than root, so on a permission error the
 * folders are made writable and the removal is tried once more.
 */
export async function removeTree(path: string): Promise<void> {
  try {
    await rm(path, { recursive: true, force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EACCES" && code !== "EPERM") throw error;
    await makeWritable(path);
    await rm(path, { recursive: true, force: true });
  }
}

async function makeWritable(folder: string): Promise<void> {
  await chmod(folder, 0o700).catch(() => {});
  const children = await readdir(folder, { withFileTypes: true }).catch(() => []);
  for (const child of children) {
    if (child.isDirectory()) await makeWritable(join(folder, child.name));
  }
}
