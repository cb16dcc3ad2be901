import { describe, expect, it } from "vitest";
import { metadataRules } from "./metadata-rules.js";
import { compileSyncRules } from "./resolve-object-headers.js";
import { SyncError } from "./sync-error.js";

describe("metadataRules", () => {
  it("applies a flat map to every file", () => {
    const rules = metadataRules({ team: "web", build: "42" });
    expect(rules).toEqual({ "**": { team: "web", build: "42" } });
    const headersFor = compileSyncRules({ metadata: rules });
    expect(headersFor("deep/folder/a.txt").metadata).toEqual({ team: "web", build: "42" });
  });

  it("keeps a map of maps per pattern", () => {
    const metadata = { "*.html": { team: "web" }, "**": { team: "ops" } };
    expect(metadataRules(metadata)).toEqual(metadata);
  });

  it("means no metadata for an absent or empty map", () => {
    expect(metadataRules(undefined)).toBeUndefined();
    expect(metadataRules({})).toBeUndefined();
  });

  it("refuses a map that mixes text and maps, naming the text entries", () => {
    const mixed = () => metadataRules({ author: "ci", "*.html": { kind: "page" } });
    expect(mixed).toThrow(SyncError);
    expect(mixed).toThrow('"author" is text');
  });
});
