import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeUnsafeKey, resolveDownloadPath } from "./download-path.js";
import { SyncError } from "./sync-error.js";

describe("describeUnsafeKey", () => {
  it("accepts ordinary keys, unicode and spaces included", () => {
    for (const key of [
      "a",
      "a/b/c.txt",
      "dossier été/fi le.txt",
      "..a",
      "a..",
      ".hidden/x",
      "a:b",
    ]) {
      expect(describeUnsafeKey(key, "linux"), key).toBeUndefined();
    }
  });

  it("refuses keys that could leave the folder", () => {
    const refused: Array<[string, RegExp]> = [
      ["../x", /`\.\.`/],
      ["a/../../x", /`\.\.`/],
      ["a/..", /`\.\.`/],
      ["/etc/x", /absolute/],
      ["a\\..\\x", /backslash/],
      ["a\0b", /NUL/],
      ["./a", /`\.`/],
      ["a//b", /empty segment/],
      ["", /empty/],
    ];
    for (const [key, problem] of refused) {
      expect(describeUnsafeKey(key, "linux"), JSON.stringify(key)).toMatch(problem);
    }
  });

  it("refuses colons on Windows only", () => {
    expect(describeUnsafeKey("C:/x", "win32")).toMatch(/`:`/);
    expect(describeUnsafeKey("C:/x", "linux")).toBeUndefined();
  });
});

describe("resolveDownloadPath", () => {
  it("joins a safe key below the folder", () => {
    expect(resolveDownloadPath("/out", "a/b.txt", "linux")).toBe(join("/out", "a", "b.txt"));
  });

  it("throws E_SYNC_UNSAFE_KEY naming the key", () => {
    const error = (() => {
      try {
        resolveDownloadPath("/out", "a/../../x", "linux");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(SyncError);
    expect((error as SyncError).code).toBe("E_SYNC_UNSAFE_KEY");
    expect((error as SyncError).message).toContain('"a/../../x"');
  });
});
