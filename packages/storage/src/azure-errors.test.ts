import { describe, expect, it } from "vitest";
import { isRetryableAzureFailure, toAzureStorageError } from "./azure-errors.js";
import { StorageError } from "./storage-error.js";

const context = {
  operation: 'upload "a.txt"',
  container: "builds",
  account: "acct",
  credentialHint: "check account_key",
  secrets: ["S3cr3tAccountKey=="],
};

function restError(statusCode: number | undefined, errorCode?: string, message = "failed") {
  return Object.assign(new Error(message), {
    name: "RestError",
    ...(statusCode === undefined ? {} : { statusCode }),
    ...(errorCode === undefined ? {} : { code: errorCode, details: { errorCode } }),
  });
}

describe("toAzureStorageError", () => {
  it.each([
    [restError(403, "AuthorizationFailure"), "E_STORAGE_AUTH"],
    [restError(401), "E_STORAGE_AUTH"],
    [restError(404, "ContainerNotFound"), "E_STORAGE_BUCKET_NOT_FOUND"],
    [restError(404, "BlobNotFound"), "E_STORAGE_NOT_FOUND"],
    [restError(409, "BlobAlreadyExists"), "E_STORAGE_PRECONDITION"],
    [restError(412, "ConditionNotMet"), "E_STORAGE_PRECONDITION"],
    [restError(400, "Md5Mismatch"), "E_STORAGE_INTEGRITY"],
    [restError(503, "ServerBusy"), "E_STORAGE_UNAVAILABLE"],
    [restError(429), "E_STORAGE_UNAVAILABLE"],
    [Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" }), "E_STORAGE_UNAVAILABLE"],
    [restError(400, "InvalidHeaderValue"), "E_STORAGE_REQUEST"],
  ])("maps %s to %s", (error, code) => {
    const mapped = toAzureStorageError(error, context);
    expect(mapped).toBeInstanceOf(StorageError);
    expect(mapped.code).toBe(code);
  });

  it("names the credential to check and the container, keeping the status", () => {
    const mapped = toAzureStorageError(restError(403, "AuthorizationFailure"), context);
    expect(mapped.message).toContain("check account_key");
    expect(mapped.message).toContain('container "builds" of account "acct"');
    expect(mapped.status).toBe(403);
  });

  it("keeps secrets and query strings out of the message and the cause", () => {
    const error = restError(
      400,
      "InvalidQueryParameterValue",
      "bad https://acct.blob.core.windows.net/builds/a?sv=1&sig=SIGNATURE key S3cr3tAccountKey==",
    );
    const mapped = toAzureStorageError(error, context);
    const printed = `${String(mapped)} ${(mapped.cause as Error).message}`;
    expect(printed).not.toContain("SIGNATURE");
    expect(printed).not.toContain("S3cr3tAccountKey==");
  });

  it("recognises a TLS failure and says how to trust the certificate", () => {
    const error = Object.assign(new Error("self-signed certificate"), {
      code: "DEPTH_ZERO_SELF_SIGNED_CERT",
    });
    expect(toAzureStorageError(error, context).message).toContain("NODE_EXTRA_CA_CERTS");
  });
});

describe("isRetryableAzureFailure", () => {
  it("retries what the SDK does not: 408, 429, 502, 504 and unknown connection failures", () => {
    for (const status of [408, 429, 502, 504]) {
      expect(isRetryableAzureFailure(restError(status)), String(status)).toBe(true);
    }
    expect(isRetryableAzureFailure(new Error("socket hang up"))).toBe(true);
  });

  it("leaves 500, 503 and the connection errors the SDK retried, aborts and client errors alone", () => {
    expect(isRetryableAzureFailure(restError(500))).toBe(false);
    expect(isRetryableAzureFailure(restError(503))).toBe(false);
    expect(
      isRetryableAzureFailure(Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })),
    ).toBe(false);
    expect(
      isRetryableAzureFailure(Object.assign(new Error("aborted"), { name: "AbortError" })),
    ).toBe(false);
    expect(isRetryableAzureFailure(restError(404, "BlobNotFound"))).toBe(false);
  });
});
