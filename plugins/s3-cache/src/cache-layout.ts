import type { CacheSettings } from "./settings.js";
import type { SettingsReport } from "./settings-report.js";

/**
 * The compression of an archive. Declared here until @spotkit/archive (written at the same time)
 * exports it; it is the same union.
 */
export type ArchiveFormat = "zstd" | "gzip" | "none";

/**
 * How cache objects are named:
 * - `drone-cache`: `<remote_root>/<cache_key>/archive.tar.zst` (extension by format);
 * - `s3-cache`: plugins/s3-cache's `<root folder>/<path>/<filename>` (`archive.tar` by default).
 */
export type CacheLayoutName = "drone-cache" | "s3-cache";

/** What {@link chooseCacheLayout} decides. */
export interface CacheLayoutChoice {
  layout: CacheLayoutName;
  /** The archive's object name, last segment of every object key. */
  filename: string;
  format: ArchiveFormat;
  /** The compression level, undefined for the format's default (and for `none`). */
  level: number | undefined;
}

/** Settings that only plugins/s3-cache has, and that select its layout. */
const s3CacheLayoutSettings = ["root", "path", "fallback_path", "filename"] as const;

/** Settings that only drone-cache has for naming caches. */
const droneCacheLayoutSettings = ["cache_key", "remote_root"] as const;

/** Levels each compressing format accepts. */
const levelRanges: Record<Exclude<ArchiveFormat, "none">, { minimum: number; maximum: number }> = {
  zstd: { minimum: 1, maximum: 19 },
  gzip: { minimum: 1, maximum: 9 },
};

/**
 * Decides the layout, archive name, format and level. The plugins/s3-cache layout is used when
 * one of its own settings (`root`, `path`, `fallback_path`, `filename`) is given, or when the
 * bucket comes from `endpoint` alone (`s3://bucket`, as only plugins/s3-cache reads it) and no
 * drone-cache naming setting is given; else drone-cache's. Mixing `path`-style and
 * `cache_key`-style naming is an issue, as are a filename whose extension names no format, a
 * format that contradicts it, and a level outside the format's range.
 */
export function chooseCacheLayout(
  values: Pick<
    CacheSettings,
    | "root"
    | "path"
    | "fallback_path"
    | "filename"
    | "cache_key"
    | "remote_root"
    | "archive_format"
    | "compression_level"
  >,
  options: { bucketFromEndpointOnly: boolean },
  report: SettingsReport,
): CacheLayoutChoice | undefined {
  const s3Given = s3CacheLayoutSettings.filter((name) => isGiven(values[name]));
  const droneGiven = droneCacheLayoutSettings.filter((name) => isGiven(values[name]));
  const [s3First] = s3Given;
  const [droneFirst] = droneGiven;
  if (s3First !== undefined && droneFirst !== undefined) {
    report.issues.push({
      setting: s3First,
      message: `${s3First} names caches the plugins/s3-cache way (root/path/filename) and ${droneFirst} the drone-cache way (remote_root/cache_key): keep one of the two, for example remove ${s3First} and use bucket with ${droneFirst}`,
    });
    return undefined;
  }
  const layout: CacheLayoutName =
    s3First !== undefined || (droneFirst === undefined && options.bucketFromEndpointOnly)
      ? "s3-cache"
      : "drone-cache";

  const chosenFormat =
    values.archive_format === undefined ? undefined : toArchiveFormat(values.archive_format);
  let format: ArchiveFormat;
  let filename: string;
  const givenFilename = values.filename?.trim() ?? "";
  if (givenFilename !== "") {
    const problem = describeBadFilename(givenFilename);
    const fromName = formatOfFilename(givenFilename);
    if (problem !== undefined || fromName === undefined) {
      report.issues.push({
        setting: "filename",
        message:
          problem ??
          `${JSON.stringify(givenFilename)} does not say how the archive is compressed: end it with .tar (none), .tgz or .tar.gz (gzip), or .tar.zst (zstd)`,
      });
      return undefined;
    }
    if (chosenFormat !== undefined && chosenFormat !== fromName) {
      report.issues.push({
        setting: "archive_format",
        message: `archive_format is ${values.archive_format} but filename ${JSON.stringify(givenFilename)} means ${fromName}: remove archive_format, or change the filename's extension to ${extensionOf(chosenFormat)}`,
      });
      return undefined;
    }
    format = fromName;
    filename = givenFilename;
  } else {
    // plugins/s3-cache stored uncompressed tar by default; keep reading and writing what its users have.
    format = chosenFormat ?? (layout === "s3-cache" ? "none" : "zstd");
    filename = `archive${extensionOf(format)}`;
  }

  const level = chooseLevel(values.compression_level, format, report);
  if (level === null) return undefined;
  return { layout, filename, format, level };
}

/** The format a file name's extension means, or undefined when it names none. */
export function formatOfFilename(filename: string): ArchiveFormat | undefined {
  const lower = filename.toLowerCase();
  if (lower.endsWith(".tar.zst") || lower.endsWith(".tzst") || lower.endsWith(".tar.zstd")) {
    return "zstd";
  }
  if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz")) return "gzip";
  if (lower.endsWith(".tar")) return "none";
  return undefined;
}

/** The extension spotkit gives archives of a format. */
export function extensionOf(format: ArchiveFormat): string {
  switch (format) {
    case "zstd":
      return ".tar.zst";
    case "gzip":
      return ".tar.gz";
    case "none":
      return ".tar";
  }
}

// --- internal ---

function toArchiveFormat(name: NonNullable<CacheSettings["archive_format"]>): ArchiveFormat {
  return name === "tar" ? "none" : name;
}

/** The level to use, undefined for the default, or null after adding an issue. */
function chooseLevel(
  level: number | undefined,
  format: ArchiveFormat,
  report: SettingsReport,
): number | undefined | null {
  // drone-cache's default level is -1 (flate.DefaultCompression): "the format's default".
  if (level === undefined || level === -1) return undefined;
  if (format === "none") {
    report.warnings.push(
      `compression_level ${level} is ignored: the archive is not compressed (archive_format tar). Set archive_format to zstd or gzip to compress it.`,
    );
    return undefined;
  }
  const range = levelRanges[format];
  if (level < range.minimum || level > range.maximum) {
    report.issues.push({
      setting: "compression_level",
      message: `${level} is not a ${format} level: use ${range.minimum} (fastest) to ${range.maximum} (smallest), or leave it unset for the default`,
    });
    return null;
  }
  return level;
}

function describeBadFilename(filename: string): string | undefined {
  if (filename.includes("/") || filename.includes("\\")) {
    return `filename is the archive's name, without folders (${JSON.stringify(filename)}): put folders in path`;
  }
  if (filename === "." || filename === "..") {
    return `${JSON.stringify(filename)} is not a file name: use archive.tar, archive.tgz or archive.tar.zst`;
  }
  return undefined;
}

function isGiven(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== "";
}
