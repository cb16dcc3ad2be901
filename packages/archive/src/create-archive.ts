import { pipeline, type Readable, Transform, type TransformCallback } from "node:stream";
import { createGzip } from "node:zlib";
import { ArchiveError, isArchiveError } from "./archive-error.js";
import { type ArchiveFormat, resolveCompressionLevel } from "./archive-format.js";
import { normalizeMounts } from "./archive-path.js";
import { failedOnItsOwn, startTool, type ToolProcess, toolError } from "./tool-process.js";
import { walkMounts } from "./walk-mounts.js";

/** Options of {@link createArchive}. */
export interface CreateArchiveOptions {
  /** Absolute folder the paths are relative to; entry names in the archive are relative to it. */
  root: string;
  /**
   * Folders or files to archive, relative to `root` (folders with all their content). A path that
   * does not exist is left out with a warning.
   */
  paths: readonly string[];
  /** How to compress the tar stream. */
  format: ArchiveFormat;
  /**
   * Compression level: zstd 1–19, gzip 1–9; ignored for `none`.
   * @default 3 for zstd, 6 for gzip
   */
  level?: number;
  /**
   * Leave every symlink out (symlinks that point outside their mount are always left out).
   * @default false
   */
  skipSymlinks?: boolean;
  /** Stops the archive: the children are killed, the stream errors and `done` rejects. */
  signal?: AbortSignal;
  /** Told about each entry left out, and about files that changed while they were read. */
  onWarning?: (message: string) => void;
  /**
   * The `tar` and `zstd` binaries to run.
   * @default { tar: "tar", zstd: "zstd" } (found on PATH)
   */
  tools?: { tar?: string; zstd?: string };
}

/** What {@link createArchive}'s `done` resolves to. */
export interface CreateArchiveResult {
  /** Entries in the archive (files, folders, symlinks). */
  entries: number;
  /** Size of the tar stream before compression, in bytes. */
  uncompressedBytes: number;
}

/** A running {@link createArchive}. */
export interface ArchiveStream {
  /**
   * The archive bytes. It ends only once `tar` (and `zstd`) exited successfully, and errors
   * otherwise, so a store that commits an upload at the end never commits a broken archive.
   */
  stream: Readable;
  /** Settles once the archive is complete (or failed, with the same error as the stream). */
  done: Promise<CreateArchiveResult>;
}

/** Arguments of `tar --create` that read NUL-separated names on stdin and write the archive to stdout. */
export function tarCreateArguments(root: string): string[] {
  return [
    "--create",
    "--file=-",
    `--directory=${root}`,
    // GNU format: long names as 'L' entries and base-256 sizes, read by every tar.
    "--format=gnu",
    "--numeric-owner",
    // A hard link to a file of another mount could not be restored; store the content instead.
    "--hard-dereference",
    // Prints "Total bytes written: N" on stderr: the uncompressed size, without counting in Node.
    "--totals",
    // These four change how --files-from reads names, so they must come before it.
    "--no-recursion",
    "--null",
    "--verbatim-files-from",
    "--no-unquote",
    "--files-from=-",
  ];
}

/**
 * Streams a tar of `paths` (relative to `root`; folders with their content) compressed as asked,
 * without a temporary file. GNU tar writes the archive, `zstd -T0` compresses it on all cores (the
 * two are connected by a pipe, so the data never passes through Node), gzip uses `node:zlib`.
 *
 * @throws ArchiveError `E_ARCHIVE_INVALID_OPTIONS` at once for a level out of range or an absolute
 * or `..` path. Later failures (`E_ARCHIVE_TOOL`, `E_ARCHIVE_ABORTED`) reach both the stream and
 * `done`.
 */
export function createArchive(options: CreateArchiveOptions): ArchiveStream {
  const mounts = normalizeMounts(options.paths, "paths");
  const level = resolveCompressionLevel(options.format, options.level);
  const tarCommand = options.tools?.tar ?? "tar";
  const zstdCommand = options.tools?.zstd ?? "zstd";
  const warn = options.onWarning ?? (() => {});

  let failure: Error | undefined;
  let entries = 0;
  const tools: ToolProcess[] = [];
  const fail = (error: Error) => {
    failure ??= error;
    for (const tool of tools) tool.stop();
    if (!output.destroyed) output.destroy(failure);
  };

  const tar = startTool(tarCommand, tarCreateArguments(options.root), "tar --create", [
    "pipe",
    "pipe",
    "pipe",
  ]);
  tools.push(tar);
  let zstd: ToolProcess | undefined;
  let source: Readable = tar.child.stdout as Readable;
  if (options.format === "zstd") {
    // zstd reads tar's stdout pipe directly; Node's copy of that pipe is closed so that zstd is its
    // only reader.
    zstd = startTool(zstdCommand, ["-T0", `-${level}`, "-c", "-q"], "zstd", [
      tar.child.stdout,
      "pipe",
      "pipe",
    ]);
    tools.push(zstd);
    tar.child.stdout?.destroy();
    source = zstd.child.stdout as Readable;
  }

  let toolsFinished: Promise<void> | undefined;
  const waitForTools = async (): Promise<void> => {
    // The walk settles once tar took every name or stopped reading (see writeName).
    await walked;
    const [tarExit, zstdExit] = await Promise.all([tar.exited, zstd?.exited]);
    if (zstd !== undefined && zstdExit !== undefined && failedOnItsOwn(zstd, zstdExit)) {
      throw toolError(zstd, zstdExit, zstdCommand);
    }
    if (tarExit.code === 1 && tarExit.spawnError === undefined) {
      // Exit code 1 of `tar --create`: a file changed or shrank while it was read. The archive is
      // still whole (tar pads what is missing), so it is kept and the change reported.
      for (const line of tar.stderr().split("\n")) {
        if (line.startsWith("tar: ") && !line.includes("Exiting with failure")) warn(line);
      }
    } else if (failedOnItsOwn(tar, tarExit)) {
      throw toolError(tar, tarExit, tarCommand);
    }
    if (failure !== undefined) throw failure;
    if (walkCutShort) {
      throw new ArchiveError(
        "E_ARCHIVE_TOOL",
        `\`tar --create\` stopped reading the list of files early${tar.stderr() === "" ? "" : `: ${tar.stderr()}`}`,
      );
    }
  };

  // Holds the end of the stream back until the children exited, and errors if one failed.
  const output = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      toolsFinished ??= waitForTools();
      toolsFinished.then(() => callback(), callback);
    },
  });

  const onAbort = () =>
    fail(
      new ArchiveError("E_ARCHIVE_ABORTED", "Creating the archive was aborted.", {
        cause: options.signal?.reason,
      }),
    );
  if (options.signal?.aborted) queueMicrotask(onAbort);
  options.signal?.addEventListener("abort", onAbort, { once: true });

  const onPipelineEnd = (error: Error | null | undefined) => {
    if (error === null || error === undefined) return;
    if (isArchiveError(error)) fail(error);
    else if (failure === undefined) {
      // The reader closed the stream early, or a pipe broke: stop everything.
      fail(
        new ArchiveError(
          "E_ARCHIVE_ABORTED",
          `The archive stream was closed before it was complete (${error.message}).`,
          { cause: error },
        ),
      );
    }
  };
  if (options.format === "gzip") {
    pipeline(source, createGzip({ level }), output, onPipelineEnd);
  } else {
    pipeline(source, output, onPipelineEnd);
  }

  // tar may exit (missing binary, bad root) while names are still being written: the exit status
  // says why, so a broken pipe on its stdin is not an error of its own.
  const stdin = tar.child.stdin;
  stdin?.on("error", () => {});
  // Thrown into the walk when tar no longer reads names; tar's exit status then tells why.
  const stdinClosed = new Error("tar stopped reading names");
  let walkCutShort = false;
  // Names are sent in batches: one pipe write per name would cost a system call each.
  let batch: Buffer[] = [];
  let batchBytes = 0;
  const sendBatch = async () => {
    if (failure !== undefined) throw failure;
    if (stdin === null || stdin.destroyed || !stdin.writable) throw stdinClosed;
    const data = batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch);
    batch = [];
    batchBytes = 0;
    if (!stdin.write(data)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          stdin.off("drain", done);
          stdin.off("close", done);
          resolve();
        };
        stdin.on("drain", done);
        stdin.on("close", done);
      });
    }
  };
  const writeName = (name: Buffer): Promise<void> | undefined => {
    batch.push(name);
    batchBytes += name.length;
    return batchBytes >= 64 * 1024 ? sendBatch() : undefined;
  };
  const walked = (async () => {
    try {
      entries = await walkMounts({
        root: options.root,
        mounts,
        skipSymlinks: options.skipSymlinks ?? false,
        onWarning: warn,
        onEntry: writeName,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      if (batch.length > 0) await sendBatch();
      stdin?.end();
    } catch (error) {
      stdin?.destroy();
      if (error === stdinClosed) walkCutShort = true;
      // A failed walk after a failure is that failure; one of its own is reported as it is.
      else if (failure === undefined)
        fail(error instanceof Error ? error : new Error(String(error)));
    }
  })();

  const done = (async () => {
    await walked;
    try {
      toolsFinished ??= waitForTools();
      await toolsFinished;
    } catch (error) {
      fail(error as Error);
    }
    // Whatever ended the children, wait for them, so that no child outlives a settled `done`.
    await Promise.all(tools.map((tool) => tool.exited));
    options.signal?.removeEventListener("abort", onAbort);
    if (failure !== undefined) throw failure;
    return { entries, uncompressedBytes: readTotalBytes(tar.stderr()) };
  })();
  // Callers that only watch the stream must not see an unhandled rejection.
  done.catch(() => {});
  return { stream: output, done };
}

/** The size GNU tar reports with `--totals`. */
function readTotalBytes(stderr: string): number {
  const match = /Total bytes written: (\d+)/.exec(stderr);
  return match === null ? 0 : Number(match[1]);
}
