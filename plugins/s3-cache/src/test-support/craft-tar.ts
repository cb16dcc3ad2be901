/** One entry of a crafted tar archive. */
export interface CraftedEntry {
  /** The path as written in the header (up to 100 bytes), hostile or not. */
  name: string;
  type: "file" | "directory" | "symlink" | "hardlink" | "character-device";
  /** File content. @default "" */
  content?: string | Buffer;
  /** Target of a symbolic or hard link. */
  linkname?: string;
  /** Permission bits. @default 0o644 (0o755 for folders) */
  mode?: number;
}

const typeFlags: Record<CraftedEntry["type"], string> = {
  file: "0",
  hardlink: "1",
  symlink: "2",
  "character-device": "3",
  directory: "5",
};

/**
 * Writes a ustar archive byte by byte, so tests can make archives tar itself would refuse to
 * create: `../` paths, absolute paths, links out of the mount, device files. Ends with the two
 * zero blocks unless `truncate` is set, which cuts the archive after that many bytes.
 */
export function craftTar(
  entries: readonly CraftedEntry[],
  options: { truncate?: number } = {},
): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const content =
      typeof entry.content === "string"
        ? Buffer.from(entry.content)
        : (entry.content ?? Buffer.alloc(0));
    const header = Buffer.alloc(512);
    header.write(entry.name, 0, 100, "utf8");
    writeOctal(header, 100, 8, entry.mode ?? (entry.type === "directory" ? 0o755 : 0o644));
    writeOctal(header, 108, 8, 0);
    writeOctal(header, 116, 8, 0);
    writeOctal(header, 124, 12, entry.type === "file" ? content.length : 0);
    writeOctal(header, 136, 12, Math.floor(Date.now() / 1000));
    header.write(typeFlags[entry.type], 156, 1, "ascii");
    if (entry.linkname !== undefined) header.write(entry.linkname, 157, 100, "utf8");
    header.write("ustar\u000000", 257, 8, "binary");
    header.fill(" ", 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, "0")}\u0000 `, 148, 8, "binary");
    blocks.push(header);
    if (entry.type === "file" && content.length > 0) {
      blocks.push(content, Buffer.alloc((512 - (content.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  const archive = Buffer.concat(blocks);
  return options.truncate === undefined ? archive : archive.subarray(0, options.truncate);
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
  header.write(`${value.toString(8).padStart(length - 1, "0")}\u0000`, offset, length, "ascii");
}
