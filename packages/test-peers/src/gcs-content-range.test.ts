import { describe, expect, it } from "vitest";
import { GcsApiError } from "./gcs-api-error.js";
import { parseUploadContentRange } from "./gcs-content-range.js";

describe("parseUploadContentRange", () => {
  it.each([
    ["bytes 0-262143/*", { kind: "chunk", first: 0, last: 262_143, total: undefined }],
    [
      "bytes 262144-300000/300001",
      { kind: "chunk", first: 262_144, last: 300_000, total: 300_001 },
    ],
    ["bytes 0-*/*", { kind: "chunk", first: 0, last: undefined, total: undefined }],
    ["bytes 5-*/10", { kind: "chunk", first: 5, last: undefined, total: 10 }],
    ["bytes */300001", { kind: "status", total: 300_001 }],
    ["bytes */*", { kind: "status", total: undefined }],
  ])("parses %s", (header, expected) => {
    expect(parseUploadContentRange(header)).toEqual(expected);
  });

  it("returns undefined without a header", () => {
    expect(parseUploadContentRange(undefined)).toBeUndefined();
  });

  it.each([
    "bytes=0-9/10",
    "0-9/10",
    "bytes 9-0/10",
    "bytes 0-10/10",
    "bytes 0--1/0",
    "bytes a-b/c",
    "bytes 0-9",
    "",
  ])("rejects %j with a 400", (header) => {
    expect(() => parseUploadContentRange(header)).toThrow(GcsApiError);
    try {
      parseUploadContentRange(header);
    } catch (error) {
      expect((error as GcsApiError).status).toBe(400);
    }
  });
});
