import { lstat, mkdir, mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import { Writable } from "node:stream";
import { ArchiveError, isArchiveError } from "./archive-error.js";
import { parentOf } from "./archive-path.js";
import { removeTree } from "./remove-tree.js";
import { TarValidator, type TarValidatorOptions } from "./tar-validator.js";
import { failedOnItsOwn, startTool, type ToolProcess, toolError } from "./tool-process.js";

/** Prefix of the private folders entries are extracted into before they are moved into place. */
export const extractFolderPrefix = ".spotkit-extract-";

/** Two zero blocks: the end-of-archive marker each `tar --extract` gets after its last entry. */
const endOfArchive = Buffer.alloc(1024);

/** Options of an {@link ExtractSink}. */
export interface ExtractSinkOptions extends TarValidatorOptions {
  /** Absolute folder the entries are relative to. */
  root: string;
  /** The `tar` binary. */
  tarCommand: string;
  /**
   * Called when the tar stream ends early, before that is reported: a decompressor that failed
   * (and so ended its output early) names the real problem.
   */
  explainTruncation?: () => Promise<Error | undefined>;
}

/**
 * One `tar --extract` and its private folder. There is one per folder that holds mounts, placed in
 * that folder, so that moving a mount into place is a rename within one file system.
 */
export interface ExtractGroup {
  /** The private folder (absolute): entries land in `<temporary>/<mount path>`. */
  temporary: string;
  tar: ToolProcess;
  /** The `tar` binary, for messages. */
  command: string;
}

/** What lies at a destination path. */
type DestinationKind = "missing" | "folder" | "symlink" | "other";

/** `tar --extract` arguments: modes and mtimes kept, owners not (the build user owns the cache). */
export function tarExtractArguments(directory: string): string[] {
  return [
    "--extract",
    "--file=-",
    `--directory=${directory}`,
    "--no-same-owner",
    "--preserve-permissions",
    "--warning=no-timestamp",
    "--warning=no-unknown-keyword",
  ];
}

/**
 * The end of the extraction pipeline: validates the tar stream ({@link TarValidator}) and writes
 * each mount's bytes to the `tar --extract` of the folder that holds it, in that folder's private
 * temporary folder. It finishes only once every `tar` exited successfully; nothing is moved into
 * place here.
 */
export class ExtractSink extends Writable {
  readonly validator: TarValidator;
  /** Groups by the folder that holds their mounts (relative, Latin-1 form; `` for the root). */
  readonly groups = new Map<string, ExtractGroup>();
  /** The first folder each group had to create (so that a failure can remove it again). */
  readonly createdFolders: string[] = [];

  readonly #options: ExtractSinkOptions;
  readonly #checkedMounts = new Set<string>();
  /** The write in progress: a failed pipeline does not wait for it, {@link cleanUp} does. */
  #writing: Promise<void> = Promise.resolve();
  /** Set once destroyed or cleaned up: no `tar` may be started after that. */
  #closed = false;

  constructor(options: ExtractSinkOptions) {
    super({ highWaterMark: 1 });
    this.#options = options;
    this.validator = new TarValidator(options);
  }

  /**
   * Refuses a mount whose destination is a symlink, or whose parent folders include a symlink or a
   * file: writing there would land outside the root (or fail half-way).
   *
   * @throws ArchiveError `E_ARCHIVE_DESTINATION`.
   */
  async checkDestination(mount: string): Promise<void> {
    if (this.#checkedMounts.has(mount)) return;
    const segments = mount.split("/");
    for (let index = 1; index <= segments.length; index += 1) {
      const path = segments.slice(0, index).join("/");
      const kind = await destinationKind(join(this.#options.root, fromLatin1(path)));
      if (kind === "missing") break;
      const isMount = index === segments.length;
      if (kind === "symlink" || (kind === "other" && !isMount)) {
        throw new ArchiveError(
          "E_ARCHIVE_DESTINATION",
          `Cannot restore ${JSON.stringify(fromLatin1(mount))}: ${JSON.stringify(fromLatin1(path))} under ${this.#options.root} is ${kind === "symlink" ? "a symlink" : "not a folder"}. Remove it, or mount the folder it points to instead.`,
        );
      }
    }
    this.#checkedMounts.add(mount);
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    const writing = this.#writePieces(chunk);
    this.#writing = writing.catch(() => {});
    writing.then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#finish().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#closed = true;
    for (const group of this.groups.values()) group.tar.stop();
    callback(error);
  }

  /** Stops every `tar`, waits for them, and removes the private folders (and folders created). */
  async cleanUp(): Promise<void> {
    this.#closed = true;
    for (const group of this.groups.values()) group.tar.stop();
    // A write still under way may be creating a group (it then finds #closed and stops).
    await this.#writing;
    await Promise.all([...this.groups.values()].map((group) => group.tar.exited));
    for (const group of this.groups.values()) await removeTree(group.temporary);
  }

  async #writePieces(chunk: Buffer): Promise<void> {
    for (const piece of this.validator.write(chunk)) {
      const group = await this.#groupOf(piece.mount);
      await writeTo(group, piece.data);
    }
  }

  async #finish(): Promise<void> {
    try {
      this.validator.end();
    } catch (error) {
      if (isArchiveError(error, "E_ARCHIVE_TRUNCATED")) {
        const explained = await this.#options.explainTruncation?.();
        if (explained !== undefined) throw explained;
      }
      throw error;
    }
    for (const group of this.groups.values()) {
      await writeTo(group, endOfArchive);
      group.tar.child.stdin?.end();
    }
    for (const group of this.groups.values()) {
      const exit = await group.tar.exited;
      if (failedOnItsOwn(group.tar, exit))
        throw toolError(group.tar, exit, this.#options.tarCommand);
    }
  }

  async #groupOf(mount: string): Promise<ExtractGroup> {
    await this.checkDestination(mount);
    const key = parentOf(mount);
    const existing = this.groups.get(key);
    if (existing !== undefined) return existing;
    const folder = join(this.#options.root, fromLatin1(key));
    const created = await mkdir(folder, { recursive: true });
    if (created !== undefined) this.createdFolders.push(created);
    const temporary = await mkdtemp(join(folder, extractFolderPrefix));
    if (this.#closed) {
      await removeTree(temporary);
      throw new ArchiveError("E_ARCHIVE_ABORTED", "The extraction was stopped.");
    }
    const tar = startTool(
      this.#options.tarCommand,
      tarExtractArguments(temporary),
      "tar --extract",
      ["pipe", "ignore", "pipe"],
    );
    // A broken pipe means tar exited; its exit status says why (see writeTo).
    tar.child.stdin?.on("error", () => {});
    const group = { temporary, tar, command: this.#options.tarCommand };
    this.groups.set(key, group);
    return group;
  }
}

/** Writes to a group's tar, waiting while its pipe is full; a tar that exited explains why. */
async function writeTo(group: ExtractGroup, data: Buffer): Promise<void> {
  const stdin = group.tar.child.stdin;
  if (stdin !== null && !stdin.destroyed && !stdin.writableEnded) {
    if (stdin.write(data)) return;
    const open = await new Promise<boolean>((resolve) => {
      const settle = (value: boolean) => () => {
        stdin.off("drain", onDrain);
        stdin.off("close", onClose);
        resolve(value);
      };
      const onDrain = settle(true);
      const onClose = settle(false);
      stdin.on("drain", onDrain);
      stdin.on("close", onClose);
    });
    if (open) return;
  }
  const exit = await group.tar.exited;
  throw failedOnItsOwn(group.tar, exit)
    ? toolError(group.tar, exit, group.command)
    : new ArchiveError("E_ARCHIVE_TOOL", "`tar --extract` stopped reading the archive early.");
}

/** A path from its Latin-1 form (raw bytes) back to the string Node's file functions take. */
export function fromLatin1(path: string): string {
  return Buffer.from(path, "latin1").toString("utf8");
}

async function destinationKind(path: string): Promise<DestinationKind> {
  try {
    const stats = await lstat(path);
    if (stats.isSymbolicLink()) return "symlink";
    return stats.isDirectory() ? "folder" : "other";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "missing";
    throw error;
  }
}
