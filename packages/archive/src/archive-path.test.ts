import { describe, expect, test } from "vitest";
import { checkRelativePath, normalizeMounts, resolveLinkTarget } from "./archive-path.js";

describe("checkRelativePath", () => {
  test("drops empty and . segments", () => {
    expect(checkRelativePath("./a//b/./c/")).toEqual({ ok: true, segments: ["a", "b", "c"] });
  });

  test("refuses absolute paths, .. segments and the root itself", () => {
    expect(checkRelativePath("/etc/passwd")).toEqual({ ok: false, problem: "absolute" });
    expect(checkRelativePath("a/../../b")).toEqual({ ok: false, problem: "parent-segment" });
    expect(checkRelativePath("a/..")).toEqual({ ok: false, problem: "parent-segment" });
    expect(checkRelativePath("./")).toEqual({ ok: false, problem: "empty" });
  });

  test("keeps names that only look like ..", () => {
    expect(checkRelativePath("a/..b/c..")).toEqual({ ok: true, segments: ["a", "..b", "c.."] });
  });
});

describe("normalizeMounts", () => {
  test("normalizes, removes duplicates and mounts nested in another", () => {
    expect(
      normalizeMounts(
        ["./node_modules/", "node_modules/x", ".m2/repository", "node_modules"],
        "mounts",
      ),
    ).toEqual([".m2/repository", "node_modules"]);
  });

  test.each(["/abs", "../up", "a/../../b", "."])("refuses %s", (mount) => {
    expect(() => normalizeMounts([mount], "mounts")).toThrow(/mounts entry/);
  });
});

describe("resolveLinkTarget", () => {
  test("resolves targets inside the mount", () => {
    expect(resolveLinkTarget("m/a/link", "../b/file", "m")).toBe("m/b/file");
    expect(resolveLinkTarget("m/a/link", ".", "m")).toBe("m/a");
    expect(resolveLinkTarget("x/m/link", "sub", "x/m")).toBe("x/m/sub");
  });

  test("refuses absolute targets and targets that leave the mount, even on the way", () => {
    expect(resolveLinkTarget("m/link", "/etc", "m")).toBeUndefined();
    expect(resolveLinkTarget("m/link", "..", "m")).toBeUndefined();
    expect(resolveLinkTarget("m/a/link", "../../m/b", "m")).toBeUndefined();
    expect(resolveLinkTarget("m", "m", "m")).toBe("m");
    expect(resolveLinkTarget("m", "other", "m")).toBeUndefined();
  });

  test("follows other symlinks the way the kernel would", () => {
    const links = new Map([["m/self", "."]]);
    const expand = (path: string) => links.get(path);
    // Lexically m/self/.. is m, but m/self is m itself, so its parent is outside.
    expect(resolveLinkTarget("m/link", "self/..", "m")).toBe("m");
    expect(resolveLinkTarget("m/link", "self/..", "m", expand)).toBeUndefined();
    expect(resolveLinkTarget("m/link", "self/x", "m", expand)).toBe("m/x");
  });

  test("stops following a loop of symlinks", () => {
    const links = new Map([
      ["m/a", "b"],
      ["m/b", "a"],
    ]);
    expect(resolveLinkTarget("m/link", "a", "m", (path) => links.get(path))).toBeDefined();
  });
});
