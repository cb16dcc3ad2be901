export { ArchiveError, type ArchiveErrorCode, isArchiveError } from "./archive-error.js";
export {
  type ArchiveFormat,
  defaultGzipLevel,
  defaultZstdLevel,
  detectArchiveFormat,
} from "./archive-format.js";
export {
  type ArchiveStream,
  type CreateArchiveOptions,
  type CreateArchiveResult,
  createArchive,
} from "./create-archive.js";
export {
  defaultMaxBytes,
  type ExtractArchiveOptions,
  type ExtractArchiveResult,
  extractArchive,
} from "./extract-archive.js";
