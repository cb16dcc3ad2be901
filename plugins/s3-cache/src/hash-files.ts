import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { SpotkitError } from "@spotkit/runtime";
import { expandGlobs } from "./expand-globs.js";

/** A pattern or file of a key template that points outside the workspace. */
export class HashFilesError extends SpotkitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("E_HASH_FILES", message, options);
    this.name = "HashFilesError";
  }
}

/** Options of {@link hashFiles}. */
export interface HashFilesOptions {
  /** The workspace: patterns are relative to it and only files inside it are hashed. */
  cwd: string;
  /** Folder entries read at most while matching; see `expandGlobs`. @default 1_000_000 */
  maxEntries?: number;
  signal?: AbortSignal;
}

/**
 * actions/cache's `hashFiles`: the SHA-256 of the files the patterns match, as hex. Each file's
 * own SHA-256 digest is fed, in path order, into one SHA-256, so the result changes when any
 * file's content, name or the set of files changes. Patterns are globs relative to `cwd` (`**`
 * spans folders, dot files match, `!pattern` leaves files out). Returns `""` when nothing matches,
 * as GitHub does.
 *
 * @throws {HashFilesError} for a pattern that leaves the workspace.
 * @throws {GlobLimitError} for a pattern that reads too many entries.
 */
export async function hashFiles(
  patterns: readonly string[],
  options: HashFilesOptions,
): Promise<string> {
  const relativePatterns = patterns.map((pattern) => toWorkspacePattern(pattern, options.cwd));
  const files = await expandGlobs(relativePatterns, {
    root: options.cwd,
    match: "files",
    ...(options.maxEntries === undefined ? {} : { maxEntries: options.maxEntries }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  if (files.length === 0) return "";
  const combined = createHash("sha256");
  for (const file of files) {
    combined.update(await digestFile(join(options.cwd, file), "sha256", options.signal));
  }
  return combined.digest("hex");
}

/**
 * drone-cache's `checksum`: the MD5 of one file, as hex. `path` is relative to `cwd` (or
 * absolute). Returns undefined when the file cannot be read, so that the caller can warn and go
 * on with an empty text, as drone-cache does.
 */
export async function checksumFile(
  path: string,
  options: { cwd: string; signal?: AbortSignal },
): Promise<string | undefined> {
  try {
    const digest = await digestFile(resolve(options.cwd, path), "md5", options.signal);
    return digest.toString("hex");
  } catch (error) {
    options.signal?.throwIfAborted();
    if (error instanceof Error && "code" in error) return undefined;
    throw error;
  }
}

// --- internal ---

/** A pattern relative to the workspace with `/` separators; refuses patterns that leave it. */
function toWorkspacePattern(pattern: string, cwd: string): string {
  const negated = pattern.startsWith("!");
  let body = negated ? pattern.slice(1) : pattern;
  if (isAbsolute(body)) {
    const inside = relative(cwd, body);
    if (inside.startsWith("..") || isAbsolute(inside)) {
      throw new HashFilesError(
        `hashFiles pattern ${JSON.stringify(pattern)} is outside the workspace ${cwd}: use a pattern relative to the workspace`,
      );
    }
    body = inside.split(sep).join("/");
  }
  body = body.replace(/^(?:\.\/)+/, "");
  if (body.split("/").includes("..")) {
    throw new HashFilesError(
      `hashFiles pattern ${JSON.stringify(pattern)} has a ".." segment: only files inside the workspace are hashed, so write the pattern relative to it`,
    );
  }
  if (body === "" || body === ".") body = "**";
  return negated ? `!${body}` : body;
}

async function digestFile(
  path: string,
  algorithm: "sha256" | "md5",
  signal: AbortSignal | undefined,
): Promise<Buffer> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(path, signal ? { signal } : {})) {
    hash.update(chunk as Buffer);
  }
  return hash.digest();
}
