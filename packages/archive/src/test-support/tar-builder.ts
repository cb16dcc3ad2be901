/**
 * Writes tar archives byte by byte, for tests that need archives no honest tar would write
 * (`../` names, absolute paths, devices, lying size fields, pax overrides).
 */

/** One entry of a crafted archive. */
export interface CraftedEntry {
  /** The name field (or the long name / pax path, see below). */
  name: string;
  /** A type flag character, or one of the names. @default "file" */
  type?: "file" | "dir" | "symlink" | "hardlink" | "char" | "block" | "fifo" | (string & {});
  /** File content. @default empty */
  content?: string | Buffer;
  /** Link target (symlink) or source (hard link). */
  linkName?: string;
  /** @default 0o644 (0o755 for folders) */
  mode?: number;
  /** Seconds since the epoch. @default 1_700_000_000 */
  mtime?: number;
  /** Overrides the size field with these exact 12 bytes (a lie, base-256, garbage). */
  sizeField?: Buffer;
  /** Puts the name into the ustar prefix field (with `name` as the last part). */
  prefix?: string;
  /** Writes a GNU 'L' long-name entry before the header, and this name in it. */
  gnuLongName?: string;
  /** Writes a GNU 'K' long-link entry before the header. */
  gnuLongLink?: string;
  /** Writes a pax 'x' header with these records before the header. */
  pax?: Record<string, string>;
  /** Writes a header with a checksum that does not match. */
  badChecksum?: boolean;
  /** Writes the header with the GNU magic instead of POSIX ustar. @default false */
  gnuMagic?: boolean;
}

const typeFlags: Record<string, string> = {
  file: "0",
  dir: "5",
  symlink: "2",
  hardlink: "1",
  char: "3",
  block: "4",
  fifo: "6",
};

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length > length)
    throw new Error(`${JSON.stringify(value)} does not fit ${length} bytes`);
  bytes.copy(block, offset);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
}

/** One raw 512-byte header with a correct (or deliberately wrong) checksum. */
export function tarHeader(options: {
  name: string;
  typeFlag: string;
  size: number;
  linkName?: string;
  mode?: number;
  mtime?: number;
  sizeField?: Buffer;
  prefix?: string;
  badChecksum?: boolean;
  gnuMagic?: boolean;
}): Buffer {
  const block = Buffer.alloc(512);
  writeString(block, 0, 100, options.name);
  writeOctal(block, 100, 8, options.mode ?? 0o644);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  if (options.sizeField === undefined) writeOctal(block, 124, 12, options.size);
  else options.sizeField.copy(block, 124);
  writeOctal(block, 136, 12, options.mtime ?? 1_700_000_000);
  block.write(options.typeFlag, 156, "latin1");
  writeString(block, 157, 100, options.linkName ?? "");
  if (options.gnuMagic === true) block.write("ustar  \0", 257, "latin1");
  else block.write("ustar\u000000", 257, "latin1");
  if (options.prefix !== undefined) writeString(block, 345, 155, options.prefix);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  if (options.badChecksum === true) sum += 1;
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return block;
}

function padded(data: Buffer): Buffer {
  const rest = data.length % 512;
  return rest === 0 ? data : Buffer.concat([data, Buffer.alloc(512 - rest)]);
}

/** The data of a pax extended header holding `records`. */
export function paxData(records: Record<string, string>): Buffer {
  const lines = Object.entries(records).map(([key, value]) => {
    const body = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(body) + 1;
    while (String(length).length + Buffer.byteLength(body) !== length) length += 1;
    return `${length}${body}`;
  });
  return Buffer.from(lines.join(""), "utf8");
}

function metaEntry(typeFlag: string, name: string, data: Buffer): Buffer {
  return Buffer.concat([tarHeader({ name, typeFlag, size: data.length }), padded(data)]);
}

/**
 * A tar archive of `entries`, ended by two zero blocks unless `end` is false.
 */
export function craftTar(
  entries: readonly CraftedEntry[],
  options: { end?: boolean } = {},
): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const content =
      typeof entry.content === "string"
        ? Buffer.from(entry.content)
        : (entry.content ?? Buffer.alloc(0));
    const type = entry.type ?? "file";
    const typeFlag = typeFlags[type] ?? type;
    if (entry.pax !== undefined) parts.push(metaEntry("x", "PaxHeader", paxData(entry.pax)));
    if (entry.gnuLongName !== undefined) {
      parts.push(metaEntry("L", "././@LongLink", Buffer.from(`${entry.gnuLongName}\0`)));
    }
    if (entry.gnuLongLink !== undefined) {
      parts.push(metaEntry("K", "././@LongLink", Buffer.from(`${entry.gnuLongLink}\0`)));
    }
    parts.push(
      tarHeader({
        name: entry.name,
        typeFlag,
        size: content.length,
        mode: entry.mode ?? (type === "dir" ? 0o755 : 0o644),
        ...(entry.linkName === undefined ? {} : { linkName: entry.linkName }),
        ...(entry.mtime === undefined ? {} : { mtime: entry.mtime }),
        ...(entry.sizeField === undefined ? {} : { sizeField: entry.sizeField }),
        ...(entry.prefix === undefined ? {} : { prefix: entry.prefix }),
        ...(entry.badChecksum === undefined ? {} : { badChecksum: entry.badChecksum }),
        ...(entry.gnuMagic === undefined ? {} : { gnuMagic: entry.gnuMagic }),
      }),
    );
    if (content.length > 0) parts.push(padded(content));
  }
  if (options.end !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
