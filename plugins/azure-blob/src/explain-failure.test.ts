import { SpotkitError } from "@spotkit/runtime";
import { StorageError } from "@spotkit/storage";
import { describe, expect, it } from "vitest";
import { explainFailure } from "./explain-failure.js";

const refused = () =>
  new StorageError(
    "E_STORAGE_AUTH",
    'Azure Blob Storage refused to list blobs in container "web" (403 AuthorizationFailure): check account_key.',
    { status: 403 },
  );

describe("explainFailure", () => {
  it("names account_key and AZURE_STORAGE_ACCOUNT_KEY when the key is refused", () => {
    const explained = explainFailure(refused(), "account-key");
    expect(SpotkitError.isInstance(explained) && explained.code).toBe("E_AZURE_CREDENTIALS");
    const message = (explained as Error).message;
    expect(message).toContain("403 AuthorizationFailure");
    expect(message).toContain("Set account_key (or the AZURE_STORAGE_ACCOUNT_KEY variable)");
  });

  it("finds the refusal inside the sync engine's transfer error, and names the credential used", () => {
    const wrapped = new SpotkitError("E_SYNC_TRANSFER", "Uploading a.txt failed", {
      cause: refused(),
    });
    expect((explainFailure(wrapped, "sas-token") as Error).message).toContain(
      "AZURE_STORAGE_SAS_TOKEN",
    );
    expect((explainFailure(wrapped, "connection-string") as Error).message).toContain(
      "AZURE_STORAGE_CONNECTION_STRING",
    );
  });

  it("passes other errors unchanged", () => {
    const missing = new StorageError("E_STORAGE_BUCKET_NOT_FOUND", "no container");
    expect(explainFailure(missing, "account-key")).toBe(missing);
    expect(explainFailure(refused(), undefined)).toBeInstanceOf(StorageError);
  });
});
