/**
 * @spotkit/storage — one object-store interface for spotkit plugins: S3 and S3-compatible servers,
 * Azure Blob, Google Cloud Storage and the local filesystem.
 *
 * This entry loads every adapter and its SDK. Each adapter also has an entry of its own
 * (`@spotkit/storage/s3`, `/azure`, `/gcs`, `/filesystem`): a plugin that imports its store from
 * there, and only types from here, bundles and starts with that one SDK alone. The chunk pool
 * for upload bodies has one too (`@spotkit/storage/chunks`), without any SDK.
 */
export { type AzureBlobStoreConfig, createAzureBlobStore } from "./azure-blob-store.js";
export {
  type ChunkPool,
  type ChunkPoolOptions,
  createChunkPool,
  returnChunk,
} from "./chunk-pool.js";
export { createObjectStore, type ObjectStoreConfig } from "./create-object-store.js";
export { createFilesystemStore, type FilesystemStoreConfig } from "./filesystem-store.js";
export { createGcsStore, type GcsStoreConfig } from "./gcs-store.js";
export type {
  GetOptions,
  ListEntry,
  ListOptions,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  PutResult,
} from "./object-store.js";
export { createS3Store, type S3StoreConfig } from "./s3-store.js";
export { StorageError, type StorageErrorCode } from "./storage-error.js";
