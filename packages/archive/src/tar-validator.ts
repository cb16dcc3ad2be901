import { ArchiveError } from "./archive-error.js";
import { checkRelativePath, isInsideMount, resolveLinkTarget } from "./archive-path.js";
import { PaxFormatError, parsePaxRecords } from "./pax-records.js";
import { blockSize, readHeaderBlock, type TarHeader } from "./tar-header.js";

/** Limits and mounts a {@link TarValidator} enforces. */
export interface TarValidatorOptions {
  /**
   * The allowed top-level roots, normalized and as Latin-1 strings of their UTF-8 bytes (the form
   * entry names are read in). Without them each entry's first path segment is its mount.
   */
  mounts?: readonly string[];
  /** Largest size of one entry's data, in bytes. */
  maxEntryBytes: number;
  /** Largest total of all entries' data, in bytes. */
  maxTotalBytes: number;
}

/** Bytes to hand to the `tar` that extracts `mount`: headers and data exactly as they were read. */
export interface ValidatedBytes {
  /** The mount the bytes belong to (Latin-1 form, as in {@link TarValidatorOptions.mounts}). */
  mount: string;
  /** A view of the input (data) or a small copy (headers); never altered. */
  data: Buffer;
}

/** Largest GNU long name or long link ('L'/'K'): far above PATH_MAX, far below memory trouble. */
const maxLongNameBytes = 64 * 1024;

/** Largest pax extended header ('x'/'g'). */
const maxPaxHeaderBytes = 1024 * 1024;

/** Type flags of entries that carry metadata for the next entry rather than a file. */
const metaTypes = new Set(["L", "K", "x", "g"]);

/** Type flags of the entries extracted: regular file, hard link, symlink, folder. */
const entryTypes = new Set(["0", "1", "2", "5"]);

/** Names of the type flags we refuse, for messages. */
const refusedTypeNames: Record<string, string> = {
  "3": "a character device",
  "4": "a block device",
  "6": "a FIFO",
  S: "a GNU sparse file",
  D: "a GNU incremental dump directory",
  M: "a GNU multi-volume continuation",
  V: "a GNU volume label",
  N: "an old GNU long name",
  X: "a Solaris extended header",
};

type State =
  | { kind: "header" }
  | { kind: "meta"; type: string; size: number; remaining: number; chunks: Buffer[] }
  | { kind: "data"; mount: string | undefined; remaining: number }
  | { kind: "end" };

/** Metadata entries read since the last real entry. */
interface PendingMeta {
  /** The raw blocks (headers, data, padding), forwarded with the entry they describe. */
  blocks: Buffer[];
  longName?: string;
  longLink?: string;
  pax?: Map<string, string>;
}

function shown(name: string): string {
  return JSON.stringify(Buffer.from(name, "latin1").toString("utf8"));
}

function hostile(message: string): ArchiveError {
  return new ArchiveError(
    "E_ARCHIVE_HOSTILE",
    `${message}. The archive was refused and nothing was written; recreate the cache from a trusted build.`,
  );
}

function corrupt(message: string): ArchiveError {
  return new ArchiveError(
    "E_ARCHIVE_CORRUPT",
    `${message}. The archive is damaged or not a tar; recreate the cache.`,
  );
}

/** Bytes up to the first NUL, as GNU tar reads the name in a long-name entry. */
function cString(data: Buffer): string {
  const nul = data.indexOf(0);
  return data.toString("latin1", 0, nul === -1 ? data.length : nul);
}

/**
 * Reads a tar stream chunk by chunk, checks every entry, and says which mount each byte goes to.
 *
 * Only headers are parsed: file data is handed on as views of the input chunks, never copied or
 * scanned. The parser reads names, sizes and types the way GNU tar does (ustar prefix, GNU long
 * names, pax `path`/`linkpath`/`size`, base-256 sizes), because the tar that extracts after it must
 * see exactly the entries that were checked; anything the two could read differently (sparse
 * files, malformed pax records, two long names for one entry) is refused instead.
 *
 * Refused as `E_ARCHIVE_HOSTILE`: absolute names, `..` segments, entries outside the mounts,
 * symlinks whose target leaves their mount (also through other symlinks of the archive), hard
 * links to anything but a regular file seen before in the same mount, devices, FIFOs and other
 * types, sizes above the limits. `E_ARCHIVE_CORRUPT`: bad checksums and malformed headers.
 * `E_ARCHIVE_TRUNCATED` (from {@link end}): the stream ended before the end-of-archive block.
 */
export class TarValidator {
  /** Entries accepted so far (files, folders, links; not the metadata entries). */
  entries = 0;
  /** Bytes of file data accepted so far. */
  bytes = 0;
  /** The mounts that received at least one entry, in the order they were first seen. */
  readonly mounts = new Set<string>();

  readonly #options: TarValidatorOptions;
  #state: State = { kind: "header" };
  /** Part of a header block split across chunks. */
  #partial: Buffer | undefined;
  #meta: PendingMeta = { blocks: [] };
  /** Symlinks extracted so far: path → target. */
  readonly #symlinks = new Map<string, string>();
  /** Regular files extracted so far, the only allowed hard-link sources. */
  readonly #files = new Set<string>();
  /** Bytes of tar read before the current chunk, for messages. */
  #consumed = 0;
  /** Offset of the header being read, for messages. */
  #offset = 0;

  constructor(options: TarValidatorOptions) {
    this.#options = options;
  }

  /**
   * Checks the next chunk of the tar stream.
   *
   * @returns the bytes to pass on, each with its mount (nothing for entries that are skipped, such
   * as the folders above a mount).
   * @throws ArchiveError as described on the class.
   */
  write(chunk: Buffer): ValidatedBytes[] {
    const out: ValidatedBytes[] = [];
    let position = 0;
    while (position < chunk.length) {
      const state = this.#state;
      if (state.kind === "end") break;
      if (state.kind === "data") {
        const take = Math.min(state.remaining, chunk.length - position);
        if (state.mount !== undefined) {
          emit(out, state.mount, chunk.subarray(position, position + take));
        }
        position += take;
        state.remaining -= take;
        if (state.remaining === 0) this.#state = { kind: "header" };
        continue;
      }
      if (state.kind === "meta") {
        const take = Math.min(state.remaining, chunk.length - position);
        const piece = chunk.subarray(position, position + take);
        // The chunk may be reused by its producer once handed on; metadata is small, so copy it.
        state.chunks.push(Buffer.from(piece));
        position += take;
        state.remaining -= take;
        if (state.remaining === 0) this.#finishMeta(state);
        continue;
      }
      // A header: whole in this chunk, or assembled from pieces.
      this.#offset = this.#consumed + position - (this.#partial?.length ?? 0);
      let block: Buffer;
      if (this.#partial === undefined && chunk.length - position >= blockSize) {
        block = chunk.subarray(position, position + blockSize);
        position += blockSize;
      } else {
        const have = this.#partial?.length ?? 0;
        const take = Math.min(blockSize - have, chunk.length - position);
        const piece = chunk.subarray(position, position + take);
        this.#partial =
          this.#partial === undefined ? Buffer.from(piece) : Buffer.concat([this.#partial, piece]);
        position += take;
        if (this.#partial.length < blockSize) break;
        block = this.#partial;
        this.#partial = undefined;
      }
      this.#readHeader(block, out);
    }
    this.#consumed += chunk.length;
    return out;
  }

  /**
   * Ends the stream: checks that the end-of-archive block was read and that no symlink leaves its
   * mount through the other symlinks of the archive (which is only known once all are read).
   *
   * @throws ArchiveError `E_ARCHIVE_TRUNCATED` or `E_ARCHIVE_HOSTILE`.
   */
  end(): void {
    if (this.#state.kind !== "end") {
      throw new ArchiveError(
        "E_ARCHIVE_TRUNCATED",
        `The archive ends early, after ${this.#consumed} bytes of tar, without its end-of-archive block. The upload or download was probably cut off; recreate the cache.`,
      );
    }
    for (const [path, target] of this.#symlinks) {
      const mount = this.#mountOf(path) as string;
      const expand = (candidate: string) =>
        candidate === path ? undefined : this.#symlinks.get(candidate);
      if (resolveLinkTarget(path, target, mount, expand) === undefined) {
        throw hostile(
          `The symlink ${shown(path)} → ${shown(target)} leads out of its mount ${shown(mount)} through other symlinks of the archive`,
        );
      }
    }
  }

  #readHeader(block: Buffer, out: ValidatedBytes[]): void {
    const read = readHeaderBlock(block);
    if (read.kind === "zero") {
      if (this.#meta.blocks.length > 0) {
        throw corrupt("A long name or pax header is followed by the end of the archive");
      }
      // GNU tar stops at the first zero block too; whatever follows is neither checked nor passed on.
      this.#state = { kind: "end" };
      return;
    }
    if (read.kind === "bad-checksum") {
      throw corrupt(`The tar header at byte ${this.#offset} has a wrong checksum`);
    }
    const header = read.header;
    if (metaTypes.has(header.type)) {
      this.#startMeta(block, header);
      return;
    }
    const meta = this.#meta;
    this.#meta = { blocks: [] };
    const { mount, size } = this.#checkEntry(header, meta);
    const padded = Math.ceil(size / blockSize) * blockSize;
    if (mount !== undefined) {
      for (const metaBlock of meta.blocks) emit(out, mount, metaBlock);
      emit(out, mount, block);
    }
    if (padded > 0) this.#state = { kind: "data", mount, remaining: padded };
  }

  #startMeta(block: Buffer, header: TarHeader): void {
    const size = header.size;
    if (size === undefined) {
      throw corrupt(`The tar header at byte ${this.#offset} has no valid size`);
    }
    const limit = header.type === "L" || header.type === "K" ? maxLongNameBytes : maxPaxHeaderBytes;
    if (size > limit) {
      throw hostile(
        `The tar header at byte ${this.#offset} announces ${size} bytes of ${header.type === "x" || header.type === "g" ? "pax header" : "long name"} (at most ${limit} are accepted)`,
      );
    }
    const duplicate =
      (header.type === "L" && this.#meta.longName !== undefined) ||
      (header.type === "K" && this.#meta.longLink !== undefined) ||
      (header.type === "x" && this.#meta.pax !== undefined);
    if (duplicate) {
      throw corrupt(`The tar header at byte ${this.#offset} repeats a '${header.type}' entry`);
    }
    const padded = Math.ceil(size / blockSize) * blockSize;
    const state: State = {
      kind: "meta",
      type: header.type,
      size,
      remaining: padded,
      chunks: [Buffer.from(block)],
    };
    if (padded === 0) this.#finishMeta(state);
    else this.#state = state;
  }

  #finishMeta(state: Extract<State, { kind: "meta" }>): void {
    this.#state = { kind: "header" };
    const raw = Buffer.concat(state.chunks);
    const data = raw.subarray(blockSize, blockSize + state.size);
    // Global pax headers are dropped: not applied here and not passed on, so tar cannot apply them.
    if (state.type === "g") return;
    this.#meta.blocks.push(raw);
    if (state.type === "L") this.#meta.longName = cString(data);
    else if (state.type === "K") this.#meta.longLink = cString(data);
    else {
      try {
        this.#meta.pax = parsePaxRecords(data);
      } catch (error) {
        throw corrupt(
          `A pax header is malformed (${error instanceof PaxFormatError ? error.message : String(error)})`,
        );
      }
    }
  }

  /** Checks one real entry and records it; returns its mount (undefined: skip it) and data size. */
  #checkEntry(header: TarHeader, meta: PendingMeta): { mount: string | undefined; size: number } {
    const pax = meta.pax;
    for (const key of pax?.keys() ?? []) {
      if (key.startsWith("GNU.")) {
        throw hostile(
          `A pax header sets ${JSON.stringify(key)} (sparse or multi-volume entries are not accepted)`,
        );
      }
    }
    const paxPath = pax?.get("path");
    const paxLink = pax?.get("linkpath");
    const paxSize = pax?.get("size");
    if (
      (paxPath !== undefined && meta.longName !== undefined) ||
      (paxLink !== undefined && meta.longLink !== undefined)
    ) {
      throw corrupt("An entry has both a GNU long name and a pax path");
    }
    for (const value of [paxPath, paxLink]) {
      if (value !== undefined && (value === "" || value.includes("\0"))) {
        throw hostile(`A pax header holds an empty path or one with a NUL byte (${shown(value)})`);
      }
    }
    const rawName = paxPath ?? meta.longName ?? header.name;
    const linkName = paxLink ?? meta.longLink ?? header.linkName;

    let size = header.size;
    if (paxSize !== undefined) {
      if (!/^[0-9]{1,20}$/.test(paxSize))
        throw corrupt(`A pax header has the size ${JSON.stringify(paxSize)}`);
      size = Number(paxSize);
    }
    if (size === undefined) {
      throw corrupt(`The tar header of ${shown(rawName)} has no valid size`);
    }

    let type = header.type;
    const refused = refusedTypeNames[type];
    if (refused !== undefined) throw hostile(`The entry ${shown(rawName)} is ${refused}`);
    if (type === "\0" || type === "7") type = "0";
    if (!entryTypes.has(type)) {
      throw hostile(`The entry ${shown(rawName)} has the unknown type ${JSON.stringify(type)}`);
    }
    // Old tars mark folders as regular files whose name ends with a slash; GNU tar follows them.
    if (type === "0" && rawName.endsWith("/")) type = "5";
    if (type !== "0" && size !== 0) {
      throw corrupt(
        `The ${type === "5" ? "folder" : "link"} ${shown(rawName)} claims ${size} bytes of data`,
      );
    }
    if (size > this.#options.maxEntryBytes) {
      throw hostile(
        `The entry ${shown(rawName)} claims ${size} bytes, above the limit of ${this.#options.maxEntryBytes} bytes per entry`,
      );
    }
    if (this.bytes + size > this.#options.maxTotalBytes) {
      throw hostile(
        `The archive holds more than ${this.#options.maxTotalBytes} bytes of data, the limit for all entries`,
      );
    }

    const check = checkRelativePath(rawName);
    if (!check.ok) {
      if (check.problem === "empty" && type === "5") return { mount: undefined, size };
      throw hostile(
        check.problem === "absolute"
          ? `The entry ${shown(rawName)} has an absolute path`
          : check.problem === "parent-segment"
            ? `The entry ${shown(rawName)} has a \`..\` segment`
            : `An entry has an empty name`,
      );
    }
    const path = check.segments.join("/");
    const mount = this.#mountOf(path);
    if (mount === undefined) {
      // The folders above a mount (`a` and `a/b` for the mount `a/b/c`) are skipped, not refused.
      const above = this.#options.mounts?.some((candidate) => candidate.startsWith(`${path}/`));
      if (type === "5" && above) return { mount: undefined, size };
      throw hostile(
        `The entry ${shown(path)} lies outside the mounts ${this.#options.mounts?.map(shown).join(", ")}`,
      );
    }
    if (this.#options.mounts === undefined && !isUtf8(mount)) {
      throw hostile(`The top-level name ${shown(mount)} is not valid UTF-8`);
    }

    if (type === "2") {
      if (
        resolveLinkTarget(path, linkName, mount, (candidate) => this.#symlinks.get(candidate)) ===
        undefined
      ) {
        throw hostile(
          `The symlink ${shown(path)} → ${shown(linkName)} points outside its mount ${shown(mount)}`,
        );
      }
      this.#symlinks.set(path, linkName);
      this.#files.delete(path);
    } else if (type === "1") {
      const target = checkRelativePath(linkName);
      const source = target.ok ? target.segments.join("/") : undefined;
      if (source === undefined || !isInsideMount(source, mount)) {
        throw hostile(
          `The hard link ${shown(path)} → ${shown(linkName)} points outside its mount ${shown(mount)}`,
        );
      }
      if (!this.#files.has(source)) {
        throw hostile(
          `The hard link ${shown(path)} → ${shown(linkName)} does not point to a regular file earlier in the archive`,
        );
      }
      this.#files.add(path);
      this.#symlinks.delete(path);
    } else if (type === "0") {
      this.#files.add(path);
      this.#symlinks.delete(path);
    } else {
      this.#files.delete(path);
      this.#symlinks.delete(path);
    }
    this.entries += 1;
    this.bytes += size;
    this.mounts.add(mount);
    return { mount, size };
  }

  #mountOf(path: string): string | undefined {
    const mounts = this.#options.mounts;
    if (mounts === undefined) {
      const slash = path.indexOf("/");
      return slash === -1 ? path : path.slice(0, slash);
    }
    return mounts.find((mount) => isInsideMount(path, mount));
  }
}

/**
 * Appends bytes for `mount`, merging them into the previous piece when they follow it in the same
 * memory: a chunk full of small files then leaves as one write instead of two per file.
 */
function emit(out: ValidatedBytes[], mount: string, data: Buffer): void {
  const last = out.at(-1);
  if (
    last !== undefined &&
    last.mount === mount &&
    last.data.buffer === data.buffer &&
    last.data.byteOffset + last.data.length === data.byteOffset
  ) {
    last.data = Buffer.from(last.data.buffer, last.data.byteOffset, last.data.length + data.length);
    return;
  }
  out.push({ mount, data });
}

/** True when a Latin-1 string of raw bytes holds valid UTF-8. */
function isUtf8(latin1: string): boolean {
  const bytes = Buffer.from(latin1, "latin1");
  return Buffer.from(bytes.toString("utf8"), "utf8").equals(bytes);
}
