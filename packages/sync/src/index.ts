/**
 * @spotkit/sync — the sync engine of the s3-sync, azure-blob and gcs plugins: local files to an
 * object store and back, through the `ObjectStore` interface of @spotkit/storage. Globs and
 * `strip_prefix`, per-pattern headers and metadata, deterministic gzip, website redirects, change
 * detection from one listing, parallel abortable transfers, safe downloads.
 */
export {
  type ContentChange,
  type ContentComparison,
  type ContentEvidence,
  compareContent,
  type LocalContent,
  sha256MetadataKey,
} from "./compare-content.js";
export { describeHeaderChange, redirectMetadataKey } from "./compare-headers.js";
export { describeDownloadAction, describeUploadAction } from "./describe-action.js";
export { detectContentType } from "./detect-content-type.js";
export { type ContentDigest, digestBytes, digestFile } from "./digest-file.js";
export { describeUnsafeKey, resolveDownloadPath } from "./download-path.js";
export {
  type FindLocalFilesOptions,
  findLocalFiles,
  type LocalFile,
  type SymlinkPolicy,
} from "./find-local-files.js";
export { createGzipStages, gzipLevel } from "./gzip-stages.js";
export { type MetadataSetting, metadataRules } from "./metadata-rules.js";
export { parseByteSize } from "./parse-byte-size.js";
export {
  type DeleteFileStep,
  type DownloadAction,
  type DownloadItem,
  type DownloadPlan,
  type DownloadStep,
  type LocalEntry,
  needsDownloadHead,
  planDownload,
  type SkipDownloadStep,
} from "./plan-download.js";
export {
  type DeleteObjectStep,
  needsHead,
  type PlanUploadOptions,
  planUpload,
  type SkipUploadStep,
  type UploadAction,
  type UploadItem,
  type UploadPlan,
  type UploadReason,
  type UploadStep,
} from "./plan-upload.js";
export { normalizeRemotePrefix, objectKeyFor } from "./remote-prefix.js";
export { defaultConcurrency } from "./resolve-concurrency.js";
export { compileSyncRules, type ObjectHeaders } from "./resolve-object-headers.js";
export { createPrefixStripper, type PrefixStripper } from "./strip-prefix.js";
export { type DownloadSyncOptions, syncDown } from "./sync-down.js";
export { SyncError, type SyncErrorCode } from "./sync-error.js";
export type { SyncLogger } from "./sync-logger.js";
export { syncOutputs } from "./sync-outputs.js";
export type { RuleValue, SyncRules } from "./sync-rules.js";
export { formatSyncSummary, type SyncSummary } from "./sync-summary.js";
export { syncUp, type UploadSyncOptions } from "./sync-up.js";
