import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalQuery, createSigV4Signer, encodeUriPath } from "./sigv4.js";

// The examples of "Signature Calculations for the Authorization Header: Transferring Payload in a
// Single Chunk" in the Amazon S3 API reference.
const credentials = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};
const date = new Date("2013-05-24T00:00:00Z");
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("createSigV4Signer", () => {
  it("signs the S3 reference GET example", () => {
    const sign = createSigV4Signer("us-east-1", "s3");
    const headers = sign({
      method: "GET",
      host: "examplebucket.s3.amazonaws.com",
      path: "/test.txt",
      headers: { range: "bytes=0-9" },
      payloadHash: sha256(""),
      credentials,
      date,
    });
    expect(headers).toEqual({
      "x-amz-date": "20130524T000000Z",
      "x-amz-content-sha256": sha256(""),
      authorization:
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
    });
  });

  it("signs the S3 reference PUT example, and adds a session token", () => {
    const sign = createSigV4Signer("us-east-1", "s3");
    const request = {
      method: "PUT",
      host: "examplebucket.s3.amazonaws.com",
      path: encodeUriPath("/test$file.text"),
      headers: {
        date: "Fri, 24 May 2013 00:00:00 GMT",
        "x-amz-storage-class": "REDUCED_REDUNDANCY",
      },
      payloadHash: sha256("Welcome to Amazon S3."),
      credentials,
      date,
    };
    expect(request.path).toBe("/test%24file.text");
    expect(sign(request).authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
    );
    const withToken = sign({ ...request, credentials: { ...credentials, sessionToken: "token" } });
    expect(withToken["x-amz-security-token"]).toBe("token");
    expect(withToken.authorization).toContain("x-amz-security-token");
  });
});

describe("canonicalQuery", () => {
  it("encodes names and values per RFC 3986, slashes too, sorted by name", () => {
    expect(
      canonicalQuery({ prefix: "a b/ü", "list-type": "2", "continuation-token": "x+y=" }),
    ).toBe("continuation-token=x%2By%3D&list-type=2&prefix=a%20b%2F%C3%BC");
  });

  it("signs the S3 reference GET Bucket (list objects) example", () => {
    // From the same reference page: GET /?max-keys=2&prefix=J
    const sign = createSigV4Signer("us-east-1", "s3");
    const headers = sign({
      method: "GET",
      host: "examplebucket.s3.amazonaws.com",
      path: "/",
      query: { "max-keys": "2", prefix: "J" },
      headers: {},
      payloadHash: sha256(""),
      credentials,
      date,
    });
    expect(headers.authorization).toBe(
      "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
    );
  });
});

describe("encodeUriPath", () => {
  it("encodes each segment per RFC 3986 and keeps the slashes", () => {
    expect(encodeUriPath("/bucket/a b/ü+(1)*!'~._-.txt")).toBe(
      "/bucket/a%20b/%C3%BC%2B%281%29%2A%21%27~._-.txt",
    );
  });
});
