import { describe, expect, it } from "vitest";
import { describeBadBucketName, parseBucketPath } from "./bucket-path.js";

describe("parseBucketPath", () => {
  // The cases of drone-gcs's TestExtractBucketName, plus the gs:// and leading-slash forms.
  it.each([
    ["bucket-name/object/file.txt", "bucket-name", "object/file.txt"],
    ["only-bucket", "only-bucket", ""],
    ["nested/bucket/path/to/object", "nested", "bucket/path/to/object"],
    ["root/bucket/", "root", "bucket/"],
    ["object/file.jpg", "object", "file.jpg"],
    ["no-slash", "no-slash", ""],
    ["gs://my-bucket/site/v1/", "my-bucket", "site/v1/"],
    ["/my-bucket/site", "my-bucket", "site"],
  ])("%j → bucket %j, path %j", (text, bucket, path) => {
    expect(parseBucketPath(text)).toEqual({ bucket, path });
  });
});

describe("describeBadBucketName", () => {
  it("accepts GCS bucket names", () => {
    expect(describeBadBucketName("my-bucket")).toBeUndefined();
    expect(describeBadBucketName("www.example.com")).toBeUndefined();
    expect(describeBadBucketName("a_b")).toBeUndefined();
  });

  it.each([[""], ["My-Bucket"], ["ab"], ["-bucket"], ["bucket-"], ["a".repeat(64)], ["bu cket"]])(
    "refuses %j",
    (name) => {
      expect(describeBadBucketName(name)).toBeTypeOf("string");
    },
  );
});
