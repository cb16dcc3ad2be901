import { describe, expect, it } from "vitest";
import {
  describeS3Endpoint,
  isRetryableS3Error,
  type S3ErrorContext,
  toS3StorageError,
} from "./s3-errors.js";

const context: S3ErrorContext = {
  operation: "PutObject",
  bucket: "site",
  key: "a/b.txt",
  endpoint: "http://127.0.0.1:7480",
  secrets: ["s3cr3t-value"],
};

/** An error shaped like the ones the SDK throws. */
function sdkError(name: string, status?: number, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error("UnknownError"), {
    name,
    ...(status === undefined ? {} : { $metadata: { httpStatusCode: status, attempts: 5 } }),
    ...extra,
  });
}

describe("toS3StorageError", () => {
  it.each([
    [sdkError("NoSuchBucket", 404), "E_STORAGE_BUCKET_NOT_FOUND"],
    [sdkError("NoSuchKey", 404), "E_STORAGE_NOT_FOUND"],
    [sdkError("NotFound", 404), "E_STORAGE_NOT_FOUND"],
    [sdkError("SignatureDoesNotMatch", 403), "E_STORAGE_AUTH"],
    [sdkError("InvalidAccessKeyId", 403), "E_STORAGE_AUTH"],
    [sdkError("Unknown", 403), "E_STORAGE_AUTH"],
    [sdkError("AccessDenied", 403), "E_STORAGE_AUTH"],
    [sdkError("CredentialsProviderError"), "E_STORAGE_AUTH"],
    [sdkError("PreconditionFailed", 412), "E_STORAGE_PRECONDITION"],
    [sdkError("BadDigest", 400), "E_STORAGE_INTEGRITY"],
    [sdkError("SlowDown", 503), "E_STORAGE_UNAVAILABLE"],
    [sdkError("InternalError", 500), "E_STORAGE_UNAVAILABLE"],
    [Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }), "E_STORAGE_UNAVAILABLE"],
    [
      Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }),
      "E_STORAGE_UNAVAILABLE",
    ],
    [
      Object.assign(new Error("self-signed"), { code: "SELF_SIGNED_CERT_IN_CHAIN" }),
      "E_STORAGE_REQUEST",
    ],
    [sdkError("InvalidRange", 416), "E_STORAGE_REQUEST"],
  ])("maps %s to %s", (error, code) => {
    expect(toS3StorageError(error, context).code).toBe(code);
  });

  it("says how to fix a missing bucket", () => {
    const error = toS3StorageError(sdkError("NotFound", 404), {
      ...context,
      operation: "HeadBucket",
    });
    expect(error.code).toBe("E_STORAGE_BUCKET_NOT_FOUND");
    expect(error.message).toBe(
      'The bucket "site" does not exist at http://127.0.0.1:7480: create it or fix `bucket`.',
    );
  });

  it("names the variables to check for bad credentials, and the attempts of a throttled call", () => {
    expect(toS3StorageError(sdkError("SignatureDoesNotMatch", 403), context).message).toContain(
      "check access_key/secret_key (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)",
    );
    expect(toS3StorageError(sdkError("SlowDown", 503), context).message).toBe(
      "S3 PutObject on s3://site/a/b.txt failed after 5 attempts at http://127.0.0.1:7480 (SlowDown, HTTP 503): " +
        "the store is overloaded or down; try again later or raise `max_attempts`.",
    );
  });

  it("masks secrets that an SDK message carries, also in the cause", () => {
    const leaky = Object.assign(new Error("signature for s3cr3t-value did not match"), {
      name: "Weird",
      $metadata: { httpStatusCode: 400 },
    });
    const error = toS3StorageError(leaky, context);
    expect(error.message).not.toContain("s3cr3t-value");
    expect(String((error as { cause?: unknown }).cause)).not.toContain("s3cr3t-value");
    expect(error.message).toContain("***");
  });

  it("tells the bucket's region on a redirect", () => {
    const moved = sdkError("PermanentRedirect", 301, {
      $response: { headers: { "x-amz-bucket-region": "eu-west-1" } },
    });
    expect(toS3StorageError(moved, context).message).toContain("region eu-west-1");
  });
});

describe("isRetryableS3Error", () => {
  it("retries throttling, 5xx and dropped connections, not client errors or aborts", () => {
    expect(isRetryableS3Error(sdkError("SlowDown", 503))).toBe(true);
    expect(isRetryableS3Error(sdkError("Whatever", 502))).toBe(true);
    expect(isRetryableS3Error(Object.assign(new Error("aborted"), { code: "ECONNRESET" }))).toBe(
      true,
    );
    expect(isRetryableS3Error(new Error("Premature close"))).toBe(true);
    expect(isRetryableS3Error(sdkError("NoSuchKey", 404))).toBe(false);
    expect(isRetryableS3Error(sdkError("AbortError"))).toBe(false);
  });
});

describe("describeS3Endpoint", () => {
  it("drops user info and names AWS when there is no endpoint", () => {
    expect(describeS3Endpoint("https://key:secret@minio.local:9000/", "us-east-1")).toBe(
      "https://minio.local:9000",
    );
    expect(describeS3Endpoint(undefined, "eu-west-1")).toBe("AWS S3 (eu-west-1)");
  });
});
