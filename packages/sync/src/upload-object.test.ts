import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { PutOptions } from "@spotkit/storage";
import { describe, expect, it } from "vitest";
import { StorageError } from "../../storage/src/storage-error.js";
import { sha256MetadataKey } from "./compare-content.js";
import { redirectMetadataKey } from "./compare-headers.js";
import { digestBytes } from "./digest-file.js";
import type { UploadItem } from "./plan-upload.js";
import { SyncError } from "./sync-error.js";
import { MemoryStore } from "./test-support/memory-store.js";
import { useTemporaryFolder } from "./test-support/temporary-folder.js";
import { putOptionsFor, uploadObject } from "./upload-object.js";

const folder = useTemporaryFolder("spotkit-upload-");

function item(path: string, content: string | Buffer): UploadItem {
  const digest = digestBytes(content);
  return {
    key: "site/a.txt",
    file: { path, name: "public/a.txt", size: digest.size },
    digest,
    headers: { contentType: "text/plain", metadata: { team: "web" }, gzip: false },
  };
}

describe("putOptionsFor", () => {
  it("maps headers, metadata, hashes and pass-through options", () => {
    const options = putOptionsFor(
      {
        ...item("/x", "abc"),
        headers: {
          contentType: "text/css",
          contentEncoding: "gzip",
          cacheControl: "no-cache",
          metadata: { team: "web" },
          acl: "public-read",
          storageClass: "GLACIER_IR",
          encryption: "aws:kms",
          kmsKeyId: "k",
          gzip: true,
        },
      },
      { partSize: 5_000_000 },
    );
    expect(options).toEqual({
      size: 3,
      contentType: "text/css",
      contentEncoding: "gzip",
      cacheControl: "no-cache",
      metadata: { team: "web", [sha256MetadataKey]: digestBytes("abc").sha256 },
      md5: digestBytes("abc").md5,
      acl: "public-read",
      storageClass: "GLACIER_IR",
      encryption: "aws:kms",
      kmsKeyId: "k",
      partSize: 5_000_000,
    });
  });

  it("adds the redirect location to a redirect's options and metadata", () => {
    const redirect: UploadItem = {
      key: "old",
      redirect: "/new",
      digest: digestBytes(""),
      headers: { contentType: "application/octet-stream", metadata: {}, gzip: false },
    };
    expect(putOptionsFor(redirect)).toMatchObject({
      websiteRedirectLocation: "/new",
      metadata: { [redirectMetadataKey]: "/new" },
    });
  });
});

describe("uploadObject", () => {
  it("uploads a small file from memory", async () => {
    const path = join(folder(), "a.txt");
    await writeFile(path, "abc");
    const store = new MemoryStore();
    let reported = 0;
    await uploadObject(store, item(path, "abc"), {
      onBytes: (bytes) => {
        reported += bytes;
      },
    });
    expect(store.text("site/a.txt")).toBe("abc");
    expect(reported).toBe(3);
  });

  it("refuses a small file that changed since it was hashed, before any request", async () => {
    const path = join(folder(), "a.txt");
    await writeFile(path, "ABC");
    const store = new MemoryStore();
    const error = await uploadObject(store, item(path, "abc")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).code).toBe("E_SYNC_FILE_CHANGED");
    await writeFile(path, "abcd");
    await expect(uploadObject(store, item(path, "abc"))).rejects.toMatchObject({
      code: "E_SYNC_FILE_CHANGED",
    });
    expect(store.requests.put).toBe(0);
  });

  it("refuses a streamed file that changed but kept its size, through the store's MD5 check", async () => {
    const path = join(folder(), "big.bin");
    const hashed = Buffer.alloc(200_000, "a");
    await writeFile(path, Buffer.alloc(200_000, "b"));
    const store = new MemoryStore();
    const error = await uploadObject(store, item(path, hashed)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).code).toBe("E_SYNC_FILE_CHANGED");
    expect(store.objects.size).toBe(0);
  });

  it("sends a streamed file in one request when the store asks for its body again", async () => {
    const path = join(folder(), "big.bin");
    const content = Buffer.alloc(200_000, "c");
    await writeFile(path, content);
    const store = new MemoryStore();
    const seen: PutOptions[] = [];
    const put = store.put.bind(store);
    let reopened = 0;
    store.put = async (key, body, options = {}) => {
      seen.push(options);
      // A store retrying its one request: the first body is dropped, a fresh one is sent.
      if (body instanceof Readable && options.openBody !== undefined) {
        body.destroy();
        reopened += 1;
        return put(key, options.openBody(), options);
      }
      return put(key, body, options);
    };
    let reported = 0;
    await uploadObject(store, item(path, content), {
      multipartThreshold: 1024 * 1024,
      onBytes: (bytes) => {
        reported += bytes;
      },
    });
    expect(seen[0]).toMatchObject({ multipartThreshold: 1024 * 1024, size: content.length });
    expect(reopened).toBe(1);
    expect(store.objects.get("site/a.txt")?.body.equals(content)).toBe(true);
    expect(reported).toBe(content.length);
  });

  it("wraps the store's error, keeping its code in the message and as cause", async () => {
    const path = join(folder(), "a.txt");
    await writeFile(path, "abc");
    const store = new MemoryStore();
    const denied = new StorageError("E_STORAGE_AUTH", "Access denied: check the credentials.");
    store.fault = () => denied;
    const error = (await uploadObject(store, item(path, "abc")).catch(
      (caught: unknown) => caught,
    )) as SyncError;
    expect(error.code).toBe("E_SYNC_TRANSFER");
    expect(error.message).toBe(
      "Uploading public/a.txt to site/a.txt failed [E_STORAGE_AUTH]: Access denied: check the credentials.",
    );
    expect(error.cause).toBe(denied);
  });
});
