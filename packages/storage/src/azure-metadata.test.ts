import { describe, expect, it } from "vitest";
import { fromAzureMetadata, toAzureMetadata } from "./azure-metadata.js";
import { StorageError } from "./storage-error.js";

describe("Azure metadata names", () => {
  it("writes dashes as underscores, lower-cased, and reads them back as dashes", () => {
    const written = toAzureMetadata({ "spotkit-sha256": "abc", Owner: "ci" });
    expect(written).toEqual({ spotkit_sha256: "abc", owner: "ci" });
    expect(fromAzureMetadata(written)).toEqual({ "spotkit-sha256": "abc", owner: "ci" });
  });

  it("reads names Azure returns in any case as lower case", () => {
    expect(fromAzureMetadata({ Spotkit_SHA256: "x" })).toEqual({ "spotkit-sha256": "x" });
  });

  it("refuses names that are not identifiers even after mapping", () => {
    for (const name of ["a.b", "1abc", "with space", ""]) {
      expect(() => toAzureMetadata({ [name]: "x" }), name).toThrow(StorageError);
    }
  });

  it("passes undefined through", () => {
    expect(toAzureMetadata(undefined)).toBeUndefined();
    expect(fromAzureMetadata(undefined)).toBeUndefined();
  });
});
