import { describe, expect, it } from "vitest";
import { isRetryableGcsFailure, toGcsStorageError } from "./gcs-errors.js";
import { StorageError } from "./storage-error.js";

const context = {
  operation: "list objects",
  bucket: "site",
  credentialHint: "check token/json_key",
  secrets: ["ya29.secret-token"],
};

function apiError(code: number, message = "failed", reason?: string) {
  return Object.assign(new Error(message), {
    code,
    ...(reason ? { errors: [{ reason, message }] } : {}),
  });
}

describe("toGcsStorageError", () => {
  it.each([
    [apiError(401, "Invalid Credentials"), "E_STORAGE_AUTH"],
    [apiError(403, "Forbidden"), "E_STORAGE_AUTH"],
    [apiError(404, "The specified bucket does not exist."), "E_STORAGE_BUCKET_NOT_FOUND"],
    [apiError(404, "No such object: site/a"), "E_STORAGE_NOT_FOUND"],
    [apiError(412, "conditionNotMet", "conditionNotMet"), "E_STORAGE_PRECONDITION"],
    [apiError(400, "Provided MD5 hash does not match"), "E_STORAGE_INTEGRITY"],
    [
      Object.assign(new Error("mismatch"), { code: "CONTENT_DOWNLOAD_MISMATCH" }),
      "E_STORAGE_INTEGRITY",
    ],
    [apiError(503), "E_STORAGE_UNAVAILABLE"],
    [Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), "E_STORAGE_UNAVAILABLE"],
    [apiError(400, "Invalid argument"), "E_STORAGE_REQUEST"],
  ])("maps %s to %s", (error, code) => {
    const mapped = toGcsStorageError(error, context);
    expect(mapped).toBeInstanceOf(StorageError);
    expect(mapped.code).toBe(code);
  });

  it("names the bucket setting and the credential, without the token", () => {
    expect(
      toGcsStorageError(apiError(404, "The specified bucket does not exist."), context).message,
    ).toContain("`target`");
    const auth = toGcsStorageError(apiError(401, "Bearer ya29.secret-token rejected"), context);
    expect(auth.message).toContain("check token/json_key");
    expect(`${String(auth)} ${(auth.cause as Error).message}`).not.toContain("ya29.secret-token");
  });
});

describe("isRetryableGcsFailure", () => {
  it("retries throttling, server errors and dropped connections, not client errors or aborts", () => {
    expect(isRetryableGcsFailure(apiError(429))).toBe(true);
    expect(isRetryableGcsFailure(apiError(503))).toBe(true);
    expect(isRetryableGcsFailure(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(
      true,
    );
    expect(isRetryableGcsFailure(new Error("socket hang up"))).toBe(true);
    expect(isRetryableGcsFailure(apiError(404))).toBe(false);
    expect(isRetryableGcsFailure(Object.assign(new Error("stop"), { name: "AbortError" }))).toBe(
      false,
    );
  });
});
