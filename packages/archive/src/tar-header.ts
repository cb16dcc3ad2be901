/** Size of a tar block: headers take one, data is padded to a whole number of them. */
export const blockSize = 512;

/** The fields of one tar header block that decide what is written where. */
export interface TarHeader {
  /** The name, from `prefix` + `name` for POSIX ustar headers, from `name` alone otherwise. Latin-1 string of the raw bytes. */
  name: string;
  /** The link target field (symlink target or hard-link source). Latin-1 string of the raw bytes. */
  linkName: string;
  /** The type flag byte as a character (`"0"`, `"5"`, `"L"`, …; `"\0"` for old regular files). */
  type: string;
  /** The data size in bytes, or `undefined` when the field holds no number tar would accept. */
  size: number | undefined;
}

/** What {@link readHeaderBlock} found in a block. */
export type HeaderBlock =
  | { kind: "zero" }
  | { kind: "bad-checksum" }
  | { kind: "header"; header: TarHeader };

const space = 0x20;

/** `isspace` of the C locale, which GNU tar uses to skip and end numbers. */
function isSpace(byte: number | undefined): boolean {
  return byte === space || (byte !== undefined && byte >= 0x09 && byte <= 0x0d);
}

function isOctalDigit(byte: number | undefined): boolean {
  return byte !== undefined && byte >= 0x30 && byte <= 0x37;
}

/** A NUL-terminated field as a Latin-1 string, so every byte maps to one character. */
function readString(block: Uint8Array, start: number, length: number): string {
  if (block[start] === 0) return "";
  let end = start;
  const limit = start + length;
  while (end < limit && block[end] !== 0) end += 1;
  return Buffer.from(block.buffer, block.byteOffset + start, end - start).toString("latin1");
}

/**
 * Reads a numeric header field the way GNU tar's `from_header` does, so that this parser and the
 * `tar` that extracts after it never disagree on a size: one leading NUL is skipped, then white
 * space, then octal digits that must be followed by the field's end, a NUL or white space; or
 * base-256 (first byte 0x80) for values that do not fit. Anything else (base-64, negative
 * base-256, no digits) is refused, where tar would report an error too.
 *
 * @returns the value, `Infinity` for a base-256 value above 2^53, `undefined` when invalid.
 */
export function readNumericField(
  block: Uint8Array,
  start: number,
  length: number,
): number | undefined {
  const limit = start + length;
  let position = start;
  if (block[position] === 0x80) {
    let value = 0;
    for (position += 1; position < limit; position += 1) {
      value = value * 256 + (block[position] as number);
    }
    return value > Number.MAX_SAFE_INTEGER ? Number.POSITIVE_INFINITY : value;
  }
  if (block[position] === 0) position += 1;
  while (position < limit && isSpace(block[position])) position += 1;
  if (position >= limit || !isOctalDigit(block[position])) return undefined;
  let value = 0;
  while (position < limit && isOctalDigit(block[position])) {
    value = value * 8 + ((block[position] as number) - 0x30);
    position += 1;
  }
  if (position < limit && block[position] !== 0 && !isSpace(block[position])) return undefined;
  return value;
}

/** Offset and length of the header checksum field. */
const checksumStart = 148;
const checksumLength = 8;

/**
 * Classifies one 512-byte block: an end-of-archive (zero) block, a header whose checksum does not
 * match, or a header. As GNU tar does, the checksum may be the unsigned or the signed byte sum
 * (old Sun tars), and only a block of zero bytes is a zero block.
 */
export function readHeaderBlock(block: Uint8Array): HeaderBlock {
  // One plain sum over the block (this runs for every entry); the checksum field then counts as
  // spaces, and the signed sum is only worked out when the unsigned one does not match.
  let rawSum = 0;
  for (let index = 0; index < blockSize; index += 1) rawSum += block[index] as number;
  if (rawSum === 0) return { kind: "zero" };
  let checksumField = 0;
  for (let index = checksumStart; index < checksumStart + checksumLength; index += 1) {
    checksumField += block[index] as number;
  }
  const unsignedSum = rawSum - checksumField + checksumLength * space;
  const stored = readNumericField(block, checksumStart, checksumLength);
  if (stored !== unsignedSum && stored !== signedSum(block)) return { kind: "bad-checksum" };

  const name = readString(block, 0, 100);
  // GNU tar takes `prefix` only when the magic is POSIX's "ustar\0" (strcmp with "ustar"); the GNU
  // format ("ustar  \0") keeps other data (atime, ctime) in that area.
  const prefix = isPosixMagic(block) ? readString(block, 345, 155) : "";
  return {
    kind: "header",
    header: {
      name: prefix === "" ? name : `${prefix}/${name}`,
      linkName: readString(block, 157, 100),
      type: String.fromCharCode(block[156] as number),
      size: readNumericField(block, 124, 12),
    },
  };
}

/** The byte sum with bytes read as signed (old Sun tars), the checksum field counted as spaces. */
function signedSum(block: Uint8Array): number {
  let sum = 0;
  for (let index = 0; index < blockSize; index += 1) {
    const byte =
      index >= checksumStart && index < checksumStart + checksumLength
        ? space
        : (block[index] as number);
    sum += byte >= 0x80 ? byte - 0x100 : byte;
  }
  return sum;
}

/** The bytes of POSIX's magic, "ustar" and a NUL, at offset 257. */
const posixMagic = [0x75, 0x73, 0x74, 0x61, 0x72, 0x00];

function isPosixMagic(block: Uint8Array): boolean {
  return posixMagic.every((byte, index) => block[257 + index] === byte);
}
