import { describe, expect, it } from "vitest";
import { parseS3Endpoint } from "./parse-s3-endpoint.js";

describe("parseS3Endpoint", () => {
  it.each([
    ["", {}],
    ["s3://caches", { bucket: "caches" }],
    ["s3://caches/team/ci/", { bucket: "caches", prefix: "team/ci" }],
    ["https://caches.s3.eu-west-1.amazonaws.com", { bucket: "caches", region: "eu-west-1" }],
    [
      "https://my.dotted.bucket.s3.us-east-2.amazonaws.com/",
      {
        bucket: "my.dotted.bucket",
        region: "us-east-2",
      },
    ],
    ["https://s3.eu-west-1.amazonaws.com/caches", { bucket: "caches", region: "eu-west-1" }],
    ["https://s3.amazonaws.com", {}],
    ["https://caches.s3.amazonaws.com", { bucket: "caches" }],
    [
      "https://s3-eu-west-1.amazonaws.com/caches/folder",
      {
        bucket: "caches",
        region: "eu-west-1",
        prefix: "folder",
      },
    ],
    [
      "https://caches.s3.dualstack.eu-west-1.amazonaws.com",
      { bucket: "caches", region: "eu-west-1" },
    ],
    ["https://caches.s3.cn-north-1.amazonaws.com.cn", { bucket: "caches", region: "cn-north-1" }],
    ["http://127.0.0.1:7480/", { endpoint: "http://127.0.0.1:7480" }],
    ["minio.example.com:9000", { endpoint: "https://minio.example.com:9000" }],
  ])("reads %j", (endpoint, expected) => {
    expect(parseS3Endpoint(endpoint)).toEqual({ ok: true, value: expected });
  });

  it("adds http:// with disableSsl", () => {
    expect(parseS3Endpoint("minio:9000", { disableSsl: true })).toEqual({
      ok: true,
      value: { endpoint: "http://minio:9000" },
    });
  });

  it.each([
    ["https://ec2.eu-west-1.amazonaws.com", /not S3's/],
    ["ftp://files.example.com", /scheme ftp: is not supported/],
    ["http://[::1", /not a URL/],
    ["s3://", /must be followed by the bucket/],
  ])("refuses %j", (endpoint, problem) => {
    const parsed = parseS3Endpoint(endpoint);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });
});
