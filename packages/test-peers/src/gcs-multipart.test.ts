import { describe, expect, it } from "vitest";
import { GcsApiError } from "./gcs-api-error.js";
import { parseMultipartUpload } from "./gcs-multipart.js";

function body(boundary: string, metadata: string, media: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${metadata}\r\n`),
    Buffer.from(`--${boundary}\r\nContent-Type: image/png\r\n\r\n`),
    media,
    Buffer.from(`\r\n--${boundary}--`),
  ]);
}

describe("parseMultipartUpload", () => {
  it("splits the metadata and the media, keeping binary data intact", () => {
    // Binary data that contains line breaks and dashes, but not the boundary.
    const media = Buffer.from([0, 13, 10, 45, 45, 255, 13, 10, 13, 10, 1]);
    const parsed = parseMultipartUpload(
      "multipart/related; boundary=abc-123",
      body("abc-123", '{"name":"x","metadata":{"a":"1"}}', media),
    );
    expect(parsed.metadata).toEqual({ name: "x", metadata: { a: "1" } });
    expect(parsed.media.equals(media)).toBe(true);
    expect(parsed.mediaContentType).toBe("image/png");
  });

  it("accepts a quoted boundary and an empty media part", () => {
    const parsed = parseMultipartUpload(
      'multipart/related; boundary="q b"',
      body("q b", "{}", Buffer.alloc(0)),
    );
    expect(parsed.media.length).toBe(0);
  });

  it.each([
    ["application/json", body("b", "{}", Buffer.from("x"))],
    ["multipart/related; boundary=other", body("b", "{}", Buffer.from("x"))],
    ["multipart/related; boundary=b", body("b", "not json", Buffer.from("x"))],
    ["multipart/related; boundary=b", body("b", "[1]", Buffer.from("x"))],
    ["multipart/related; boundary=b", Buffer.from("--b\r\nContent-Type: a\r\n\r\n{}\r\n--b--")],
    ["multipart/related; boundary=b", Buffer.from("--b\r\nContent-Type: a\r\n\r\n{}")],
  ])("rejects a malformed body (%s)", (contentType, payload) => {
    expect(() => parseMultipartUpload(contentType, payload)).toThrow(GcsApiError);
  });
});
