import { describe, expect, it } from "vitest";
import {
  joinObjectKey,
  normalizeStorePrefix,
  relativeObjectKey,
  validateListPrefix,
  validateObjectKey,
} from "./object-key.js";
import { StorageError } from "./storage-error.js";

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    return StorageError.isInstance(error) ? error.code : "not a StorageError";
  }
}

describe("validateObjectKey", () => {
  it.each([
    ["", "it is empty"],
    ["/abs", "starts with `/`"],
    ["..", "`..` segment"],
    ["a/../b", "`..` segment"],
    ["a/./b", "`.` segment"],
    ["./a", "`.` segment"],
    ["a/.", "`.` segment"],
    ["nul\0", "NUL"],
  ])("refuses %j (%s)", (key, reason) => {
    expect(() => validateObjectKey(key)).toThrow(reason);
    expect(codeOf(() => validateObjectKey(key))).toBe("E_STORAGE_INVALID_KEY");
  });

  it.each(["a", "a/b/c.txt", "..a", "a..", ".hidden", "a//b", "a/", "with space/ü 🚀", "a\\b"])(
    "accepts %j",
    (key) => {
      expect(validateObjectKey(key)).toBe(key);
    },
  );
});

describe("validateListPrefix", () => {
  it("accepts empty and partial prefixes", () => {
    expect(validateListPrefix("")).toBe("");
    expect(validateListPrefix("logs/20")).toBe("logs/20");
    expect(validateListPrefix("logs/")).toBe("logs/");
    expect(validateListPrefix("a/.h")).toBe("a/.h");
  });

  it.each(["/", "../", "a/../", "a/..", "./", "\0"])("refuses %j", (prefix) => {
    expect(codeOf(() => validateListPrefix(prefix))).toBe("E_STORAGE_INVALID_KEY");
  });
});

describe("store prefixes", () => {
  it("normalises so that joining never doubles a slash", () => {
    expect(normalizeStorePrefix(undefined)).toBe("");
    expect(normalizeStorePrefix("/")).toBe("");
    expect(normalizeStorePrefix("/backups//site/")).toBe("backups/site");
    expect(joinObjectKey("backups/site", "a/b")).toBe("backups/site/a/b");
    expect(joinObjectKey("", "a/b")).toBe("a/b");
    expect(joinObjectKey("p", "")).toBe("p/");
  });

  it("refuses dot segments in a prefix", () => {
    expect(codeOf(() => normalizeStorePrefix("a/../b"))).toBe("E_STORAGE_INVALID_KEY");
  });

  it("strips the prefix from listed keys and drops foreign ones", () => {
    expect(relativeObjectKey("p", "p/a")).toBe("a");
    expect(relativeObjectKey("p", "pa")).toBeUndefined();
    expect(relativeObjectKey("", "x")).toBe("x");
  });
});
