import { mkdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { Duplex, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { ArchiveError, isArchiveError } from "./archive-error.js";
import { detectArchiveFormat, formatMagicLength } from "./archive-format.js";
import { normalizeMounts, parentOf } from "./archive-path.js";
import { ExtractSink, fromLatin1 } from "./extract-sink.js";
import { moveIntoPlace } from "./move-into-place.js";
import { readHead } from "./read-head.js";
import { removeTree } from "./remove-tree.js";
import { failedOnItsOwn, startTool, type ToolProcess, toolError } from "./tool-process.js";

/** Default of {@link ExtractArchiveOptions.maxEntryBytes} and `maxTotalBytes`: 64 GiB. */
export const defaultMaxBytes = 64 * 1024 ** 3;

/** Options of {@link extractArchive}. */
export interface ExtractArchiveOptions {
  /** The archive: zstd, gzip or plain tar, told apart by its first bytes. */
  body: Readable;
  /** Absolute folder the entries are relative to. Created when missing. */
  root: string;
  /**
   * The top-level roots entries may lie in, relative to `root` (`node_modules`, `.m2/repository`);
   * an entry anywhere else refuses the archive. Folders above a mount are skipped.
   * @default any relative path (each entry's first segment is its mount)
   */
  mounts?: readonly string[];
  /**
   * Largest size of one entry, in bytes.
   * @default 64 GiB
   */
  maxEntryBytes?: number;
  /**
   * Largest total size of all entries, in bytes.
   * @default 64 GiB
   */
  maxTotalBytes?: number;
  /** Stops the extraction: children killed, private folders removed, mounts untouched. */
  signal?: AbortSignal;
  /** Told about leftovers that could not be removed after a successful extraction. */
  onWarning?: (message: string) => void;
  /**
   * The `tar` and `zstd` binaries to run.
   * @default { tar: "tar", zstd: "zstd" } (found on PATH)
   */
  tools?: { tar?: string; zstd?: string };
}

/** What {@link extractArchive} resolves to. */
export interface ExtractArchiveResult {
  /** Entries extracted (files, folders, links). */
  entries: number;
  /** Bytes of file content extracted. */
  bytes: number;
  /** The mounts that were replaced, as given in `mounts` (or the top-level names found). */
  mounts: string[];
}

/**
 * Reads an archive stream (zstd, gzip or plain tar, detected from the magic bytes), validates every
 * entry, extracts into a private temporary folder next to each mount, and only when the WHOLE
 * archive was read and valid (and the decompressor and every `tar` succeeded) moves each mount into
 * place. A mount in the archive is replaced as a whole; mounts not in the archive are left alone.
 * On any failure the temporary folders are removed and the mounts are untouched.
 *
 * @throws ArchiveError `E_ARCHIVE_HOSTILE` (an entry outside the mounts, a link that escapes, a
 * device, a size above the limits), `E_ARCHIVE_CORRUPT`, `E_ARCHIVE_TRUNCATED`, `E_ARCHIVE_TOOL`,
 * `E_ARCHIVE_DESTINATION` (a mount or a folder above it is a symlink), `E_ARCHIVE_ABORTED`,
 * `E_ARCHIVE_INVALID_OPTIONS`; an error of `body` is thrown as it is.
 */
export async function extractArchive(
  options: ExtractArchiveOptions,
): Promise<ExtractArchiveResult> {
  const { body, signal } = options;
  const mounts =
    options.mounts === undefined ? undefined : normalizeMounts(options.mounts, "mounts");
  const maxEntryBytes = checkLimit(options.maxEntryBytes, "maxEntryBytes");
  const maxTotalBytes = checkLimit(options.maxTotalBytes, "maxTotalBytes");
  const tarCommand = options.tools?.tar ?? "tar";
  const zstdCommand = options.tools?.zstd ?? "zstd";
  const warn = options.onWarning ?? (() => {});
  const aborted = () =>
    new ArchiveError(
      "E_ARCHIVE_ABORTED",
      "Extracting the archive was aborted; nothing was changed.",
      {
        cause: signal?.reason,
      },
    );

  // The body may fail while the folders are prepared, before anything reads it: that error is kept
  // (readHead reports it from `body.errored`) instead of going unhandled.
  body.on("error", () => {});

  let decompressor: ToolProcess | undefined;
  let sink: ExtractSink | undefined;
  let createdRoot: string | undefined;
  let succeeded = false;
  try {
    if (signal?.aborted) throw aborted();
    createdRoot = await mkdir(options.root, { recursive: true });
    if (!(await stat(options.root)).isDirectory()) {
      throw new ArchiveError("E_ARCHIVE_DESTINATION", `The root ${options.root} is not a folder.`);
    }
    // Mounts as Latin-1 strings of their UTF-8 bytes: the form the validator reads names in.
    const latin1Mounts = mounts?.map((mount) => Buffer.from(mount, "utf8").toString("latin1"));
    sink = new ExtractSink({
      root: options.root,
      tarCommand,
      maxEntryBytes,
      maxTotalBytes,
      ...(latin1Mounts === undefined ? {} : { mounts: latin1Mounts }),
      explainTruncation: async () => {
        if (decompressor === undefined) return undefined;
        const exit = await decompressor.exited;
        return failedOnItsOwn(decompressor, exit)
          ? zstdError(decompressor, exit, zstdCommand)
          : undefined;
      },
    });
    for (const mount of latin1Mounts ?? []) await sink.checkDestination(mount);

    const head = await readHead(body, formatMagicLength, signal);
    if (head.length < formatMagicLength) {
      throw new ArchiveError(
        "E_ARCHIVE_TRUNCATED",
        `The archive is ${head.length} bytes long, too short to be an archive. Recreate the cache.`,
      );
    }
    const format = detectArchiveFormat(head);
    let decompress: Duplex | undefined;
    if (format === "zstd") {
      decompressor = startTool(zstdCommand, ["-d", "-c", "-q"], "zstd -d", [
        "pipe",
        "pipe",
        "pipe",
      ]);
      const { stdin, stdout } = decompressor.child;
      if (stdin === null || stdout === null) throw new Error("zstd was started without pipes");
      decompress = Duplex.from({ writable: stdin, readable: stdout });
    } else if (format === "gzip") {
      decompress = createGunzip();
    }
    try {
      await runPipeline(decompress === undefined ? [body, sink] : [body, decompress, sink], signal);
    } catch (error) {
      // A zstd that exited early breaks its pipes; its exit status says why.
      const code = (error as NodeJS.ErrnoException).code;
      if (
        decompressor !== undefined &&
        (code === "EPIPE" || code === "ERR_STREAM_PREMATURE_CLOSE")
      ) {
        const exit = await decompressor.exited;
        if (failedOnItsOwn(decompressor, exit)) throw zstdError(decompressor, exit, zstdCommand);
      }
      throw error;
    }
    if (decompressor !== undefined) {
      const exit = await decompressor.exited;
      if (failedOnItsOwn(decompressor, exit)) throw zstdError(decompressor, exit, zstdCommand);
    }
    if (signal?.aborted) throw aborted();

    const validator = sink.validator;
    const moves = [...validator.mounts].map((mount) => {
      const group = sink?.groups.get(parentOf(mount));
      if (group === undefined) throw new Error(`no extraction folder for ${mount}`);
      const path = fromLatin1(mount);
      return { from: join(group.temporary, path), to: join(options.root, path) };
    });
    await moveIntoPlace(moves, warn);
    succeeded = true;
    return {
      entries: validator.entries,
      bytes: validator.bytes,
      mounts: [...validator.mounts].map(fromLatin1),
    };
  } catch (error) {
    body.destroy();
    if (signal?.aborted) throw aborted();
    throw classify(error);
  } finally {
    decompressor?.stop();
    await decompressor?.exited;
    await sink?.cleanUp();
    if (!succeeded) {
      // Nothing was moved into place: the folders created for the extraction go again.
      for (const folder of [...(sink?.createdFolders ?? []), createdRoot]) {
        if (folder !== undefined) await removeTree(folder).catch(() => {});
      }
    }
  }
}

function runPipeline(
  streams: (NodeJS.ReadableStream | NodeJS.WritableStream | NodeJS.ReadWriteStream)[],
  signal: AbortSignal | undefined,
): Promise<void> {
  return pipeline(streams, signal === undefined ? {} : { signal });
}

function checkLimit(value: number | undefined, name: string): number {
  if (value === undefined) return defaultMaxBytes;
  if (!Number.isFinite(value) || value < 0) {
    throw new ArchiveError(
      "E_ARCHIVE_INVALID_OPTIONS",
      `${name} is ${value}: give a number of bytes, 0 or more.`,
    );
  }
  return value;
}

/** A failed `zstd -d`: truncated or corrupt input, from what it printed. */
function zstdError(
  tool: ToolProcess,
  exit: Parameters<typeof toolError>[1],
  command: string,
): ArchiveError {
  if (exit.spawnError !== undefined) return toolError(tool, exit, command);
  const said = tool.stderr();
  if (/premature end|truncated|incomplete/i.test(said)) {
    return new ArchiveError(
      "E_ARCHIVE_TRUNCATED",
      `The zstd stream ends early (${said}). The upload or download was probably cut off; recreate the cache.`,
    );
  }
  return new ArchiveError(
    "E_ARCHIVE_CORRUPT",
    `The zstd stream is damaged (${said || `zstd exited with ${exit.code ?? exit.signal}`}). Recreate the cache.`,
  );
}

/** Errors of zlib become archive errors; archive errors and the body's own errors stay as they are. */
function classify(error: unknown): unknown {
  if (isArchiveError(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "Z_BUF_ERROR") {
    return new ArchiveError(
      "E_ARCHIVE_TRUNCATED",
      "The gzip stream ends early. The upload or download was probably cut off; recreate the cache.",
      { cause: error },
    );
  }
  if (code === "Z_DATA_ERROR" || code === "Z_NEED_DICT") {
    return new ArchiveError(
      "E_ARCHIVE_CORRUPT",
      `The gzip stream is damaged (${(error as Error).message}). Recreate the cache.`,
      { cause: error },
    );
  }
  return error;
}
