import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import type { SourceKind } from "./s3-sync-config.js";

/**
 * Tells whether an upload source names an existing folder or file. Anything else (a glob, a
 * path that does not exist) is `other`, left for the sync to read as a glob or report as missing.
 */
export async function inspectSource(cwd: string, source: string): Promise<SourceKind> {
  try {
    const stats = await stat(resolve(cwd, source));
    if (stats.isDirectory()) return "directory";
    if (stats.isFile()) return "file";
    return "other";
  } catch {
    return "other";
  }
}
