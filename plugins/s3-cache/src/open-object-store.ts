import type { ObjectStore, ObjectStoreConfig } from "@spotkit/storage";

/**
 * Creates the store `config.type` names, loading only that adapter and its SDK. Each adapter is
 * its own chunk of the bundle, so a step on S3 never parses Azure's or Google's client at start-up.
 */
export async function openObjectStore(config: ObjectStoreConfig): Promise<ObjectStore> {
  switch (config.type) {
    case "s3": {
      const { createS3Store } = await import("@spotkit/storage/s3");
      return createS3Store(config);
    }
    case "azure": {
      const { createAzureBlobStore } = await import("@spotkit/storage/azure");
      return createAzureBlobStore(config);
    }
    case "gcs": {
      const { createGcsStore } = await import("@spotkit/storage/gcs");
      return createGcsStore(config);
    }
    case "filesystem": {
      const { createFilesystemStore } = await import("@spotkit/storage/filesystem");
      return createFilesystemStore(config);
    }
  }
}
