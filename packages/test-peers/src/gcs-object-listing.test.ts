import { describe, expect, it } from "vitest";
import { compareNames, listPage } from "./gcs-object-listing.js";

const names = ["a.txt", "dir/", "dir/1", "dir/2", "dir/sub/3", "dir2/x", "z"].sort(compareNames);

describe("listPage", () => {
  it("lists everything without a delimiter", () => {
    expect(listPage(names, {})).toEqual({ names, prefixes: [], nextPageToken: undefined });
  });

  it("groups by delimiter after the prefix", () => {
    expect(listPage(names, { delimiter: "/" })).toEqual({
      names: ["a.txt", "z"],
      prefixes: ["dir/", "dir2/"],
      nextPageToken: undefined,
    });
    expect(listPage(names, { prefix: "dir/", delimiter: "/" })).toEqual({
      names: ["dir/", "dir/1", "dir/2"],
      prefixes: ["dir/sub/"],
      nextPageToken: undefined,
    });
  });

  it("lists an object ending at the delimiter as an item too when asked", () => {
    const page = listPage(names, { delimiter: "/", includeTrailingDelimiter: true });
    expect(page.names).toEqual(["a.txt", "dir/", "z"]);
    expect(page.prefixes).toEqual(["dir/", "dir2/"]);
  });

  it("counts objects and prefixes together per page and resumes after the token", () => {
    const first = listPage(names, { delimiter: "/", maxResults: 2 });
    expect(first).toMatchObject({ names: ["a.txt"], prefixes: ["dir/"] });
    const second = listPage(names, {
      delimiter: "/",
      maxResults: 2,
      pageToken: first.nextPageToken,
    });
    expect(second).toEqual({ names: ["z"], prefixes: ["dir2/"], nextPageToken: undefined });
  });

  it("applies startOffset and endOffset", () => {
    expect(listPage(names, { startOffset: "dir/1", endOffset: "dir2" }).names).toEqual([
      "dir/1",
      "dir/2",
      "dir/sub/3",
    ]);
  });

  it("orders by UTF-8 bytes, as GCS does", () => {
    // U+FF5E sorts before U+1F600 by UTF-8 bytes but after it by UTF-16 code units.
    expect(["\u{1F600}", "\uFF5E"].sort(compareNames)).toEqual(["\uFF5E", "\u{1F600}"]);
  });

  it("rejects a bad maxResults or page token", () => {
    expect(() => listPage(names, { maxResults: 0 })).toThrow(/maxResults/);
    expect(() => listPage(names, { pageToken: "not a token!" })).toThrow(/pageToken/);
  });
});
