import { type AzureBlobStoreConfig, createAzureBlobStore } from "./azure-blob-store.js";
import { createFilesystemStore, type FilesystemStoreConfig } from "./filesystem-store.js";
import { createGcsStore, type GcsStoreConfig } from "./gcs-store.js";
import type { ObjectStore } from "./object-store.js";
import { createS3Store, type S3StoreConfig } from "./s3-store.js";
import { StorageError } from "./storage-error.js";

/**
 * Settings of {@link createObjectStore}: the adapter's own settings plus `type`, which picks it.
 * `"s3"` covers AWS and every S3-compatible server (radosgw, MinIO, moto).
 */
export type ObjectStoreConfig =
  | ({ type: "s3" } & S3StoreConfig)
  | ({ type: "filesystem" } & FilesystemStoreConfig)
  | ({ type: "azure" } & AzureBlobStoreConfig)
  | ({ type: "gcs" } & GcsStoreConfig);

/**
 * Creates the {@link ObjectStore} that `config.type` names.
 *
 * @throws {StorageError} `E_STORAGE_REQUEST` for an unknown type, and whatever the adapter throws
 * for bad settings.
 */
export function createObjectStore(config: ObjectStoreConfig): ObjectStore {
  switch (config.type) {
    case "s3":
      return createS3Store(config);
    case "filesystem":
      return createFilesystemStore(config);
    case "azure":
      return createAzureBlobStore(config);
    case "gcs":
      return createGcsStore(config);
    default: {
      const type = (config as { type?: unknown }).type;
      throw new StorageError(
        "E_STORAGE_REQUEST",
        `Unknown object store type ${JSON.stringify(type)}: use "s3", "filesystem", "azure" or "gcs".`,
      );
    }
  }
}
