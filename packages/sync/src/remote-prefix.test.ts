import { describe, expect, it } from "vitest";
import { normalizeRemotePrefix, objectKeyFor } from "./remote-prefix.js";

describe("normalizeRemotePrefix", () => {
  it("keeps one trailing slash and no leading or doubled one", () => {
    expect(normalizeRemotePrefix("/site//docs/", "target")).toBe("site/docs/");
    expect(normalizeRemotePrefix("site", "target")).toBe("site/");
  });

  it("turns the root into the empty prefix", () => {
    expect(normalizeRemotePrefix(undefined, "target")).toBe("");
    expect(normalizeRemotePrefix("", "target")).toBe("");
    expect(normalizeRemotePrefix("/", "target")).toBe("");
  });

  it("refuses dot segments and NUL, naming the option", () => {
    expect(() => normalizeRemotePrefix("a/../b", "target")).toThrow(/target .*`\.\.` segment/);
    expect(() => normalizeRemotePrefix("./a", "source")).toThrow(/source/);
    expect(() => normalizeRemotePrefix("a\0b", "target")).toThrow(/NUL/);
  });
});

describe("objectKeyFor", () => {
  it("joins prefix and name, dropping leading and doubled slashes", () => {
    expect(objectKeyFor("site/", "a/b.js")).toBe("site/a/b.js");
    expect(objectKeyFor("site/", "/abs//path/b.js")).toBe("site/abs/path/b.js");
    expect(objectKeyFor("", "b.js")).toBe("b.js");
  });

  it("keeps unicode and spaces as they are", () => {
    expect(objectKeyFor("", "dossier été/fi le.txt")).toBe("dossier été/fi le.txt");
  });

  it("refuses keys with .. segments and suggests strip_prefix", () => {
    expect(() => objectKeyFor("site/", "../dist/a.js")).toThrow(/strip_prefix/);
    expect(() => objectKeyFor("site/", "")).toThrow(/empty/);
  });
});
