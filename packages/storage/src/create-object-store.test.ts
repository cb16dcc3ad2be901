import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createObjectStore, type ObjectStoreConfig } from "./create-object-store.js";
import { expectStorageError, readAll } from "./object-store-contract.js";

describe("createObjectStore", () => {
  it("picks the adapter from `type`", async () => {
    const root = await mkdtemp(join(tmpdir(), "spotkit-factory-"));
    try {
      const local = createObjectStore({ type: "filesystem", root, prefix: "p" });
      expect(local.url).toBe(`file://${root}/p`);
      await local.put("a.txt", "via factory");
      expect((await readAll((await local.get("a.txt")).body)).toString()).toBe("via factory");
      const s3 = createObjectStore({
        type: "s3",
        bucket: "site",
        prefix: "/v1/",
        endpoint: "http://127.0.0.1:9",
        accessKeyId: "key",
        secretAccessKey: "secret",
      });
      expect(s3.url).toBe("s3://site/v1");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("names the known types when given another", async () => {
    const config = { type: "ftp" } as unknown as ObjectStoreConfig;
    await expectStorageError(
      Promise.resolve().then(() => createObjectStore(config)),
      "E_STORAGE_REQUEST",
    );
  });
});
