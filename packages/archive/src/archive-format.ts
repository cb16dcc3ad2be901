import { ArchiveError } from "./archive-error.js";

/** How an archive's tar stream is compressed: `none` is a plain tar. */
export type ArchiveFormat = "zstd" | "gzip" | "none";

/** Bytes {@link detectArchiveFormat} needs to tell the formats apart. */
export const formatMagicLength = 4;

/** Default zstd level: zstd's own default, fast and a good ratio. */
export const defaultZstdLevel = 3;

/** Default gzip level: gzip's own default. */
export const defaultGzipLevel = 6;

/**
 * Tells the format of an archive from its first bytes: zstd frames start with `28 B5 2F FD`, gzip
 * members with `1F 8B`; anything else is read as a plain tar (whose own checks then refuse garbage).
 *
 * @param head the first {@link formatMagicLength} bytes, or fewer when the archive is shorter.
 */
export function detectArchiveFormat(head: Uint8Array): ArchiveFormat {
  if (head[0] === 0x28 && head[1] === 0xb5 && head[2] === 0x2f && head[3] === 0xfd) return "zstd";
  if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
  return "none";
}

/**
 * The compression level to use for `format`: the given one when it is in range, else the format's
 * default. `none` has no level.
 *
 * @throws ArchiveError `E_ARCHIVE_INVALID_OPTIONS` for a level out of range (zstd 1–19, gzip 1–9).
 */
export function resolveCompressionLevel(
  format: ArchiveFormat,
  level: number | undefined,
): number | undefined {
  if (format === "none") return undefined;
  const [minimum, maximum, fallback] =
    format === "zstd" ? [1, 19, defaultZstdLevel] : [1, 9, defaultGzipLevel];
  if (level === undefined) return fallback;
  if (!Number.isInteger(level) || level < minimum || level > maximum) {
    throw new ArchiveError(
      "E_ARCHIVE_INVALID_OPTIONS",
      `Compression level ${level} is out of range for ${format}: use a whole number from ${minimum} to ${maximum} (default ${fallback}).`,
    );
  }
  return level;
}
