import { SpotkitError } from "@spotkit/runtime";
import { StorageError } from "@spotkit/storage";
import { describe, expect, it } from "vitest";
import { explainFailure } from "./explain-failure.js";

const refused = () =>
  new StorageError(
    "E_STORAGE_AUTH",
    'Google Cloud Storage refused to list objects in bucket "b" (401 unauthorized: Invalid Credentials): check token/json_key.',
    { status: 401 },
  );

describe("explainFailure", () => {
  it("names token, json_key and GOOGLE_CREDENTIALS when the service-account key is refused", () => {
    const explained = explainFailure(refused(), "token");
    expect(SpotkitError.isInstance(explained) && explained.code).toBe("E_GCS_CREDENTIALS");
    const message = (explained as Error).message;
    expect(message).toContain("401 unauthorized");
    expect(message).toContain("Set token (or the GOOGLE_CREDENTIALS variable) or json_key");
  });

  it("finds the refusal inside the sync engine's transfer error", () => {
    const wrapped = new SpotkitError("E_SYNC_TRANSFER", "Listing gs://b failed", {
      cause: refused(),
    });
    expect((explainFailure(wrapped, "access-token") as Error).message).toContain(
      "Set access_token",
    );
    expect((explainFailure(wrapped, "workload-identity") as Error).message).toContain("pool_id");
  });

  it("passes other errors unchanged", () => {
    const missing = new StorageError("E_STORAGE_BUCKET_NOT_FOUND", "no bucket");
    expect(explainFailure(missing, "token")).toBe(missing);
    const plain = new Error("boom");
    expect(explainFailure(plain, "json-key")).toBe(plain);
  });
});
