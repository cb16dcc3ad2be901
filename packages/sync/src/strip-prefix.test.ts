import { describe, expect, it } from "vitest";
import { compilePrefixPattern, createPrefixStripper } from "./strip-prefix.js";
import { SyncError } from "./sync-error.js";

describe("createPrefixStripper", () => {
  it("returns names unchanged without a prefix", () => {
    expect(createPrefixStripper(undefined)("dist/a.js")).toBe("dist/a.js");
    expect(createPrefixStripper("")("dist/a.js")).toBe("dist/a.js");
  });

  it("removes a literal prefix and keeps names it does not start", () => {
    const strip = createPrefixStripper("dist/");
    expect(strip("dist/a/b.js")).toBe("a/b.js");
    expect(strip("public/a.js")).toBe("public/a.js");
  });

  it("ignores a leading ./ of the prefix", () => {
    expect(createPrefixStripper("./dist/")("dist/a.js")).toBe("a.js");
  });

  it("applies drone-s3's wildcard cases (PR #196)", () => {
    const cases: Array<[string, string, string]> = [
      ["/harness/artifacts/*/", "/harness/artifacts/9f2c1b/module/app.zip", "module/app.zip"],
      ["/harness/artifacts/*/*/", "/harness/artifacts/hash/nightly/lib.zip", "lib.zip"],
      ["/harness/artifacts/**/", "/harness/artifacts/x/y/z/file.zip", "file.zip"],
      ["/harness/artifacts/*/", "/different/path/file.zip", "/different/path/file.zip"],
      ["/harness/artifacts/*/services/", "/harness/artifacts/b1/services/app.zip", "app.zip"],
      ["/harness/artifacts/build?/", "/harness/artifacts/build1/app.zip", "app.zip"],
      [
        "/harness/artifacts/build?/",
        "/harness/artifacts/build12/app.zip",
        "/harness/artifacts/build12/app.zip",
      ],
      [
        "/harness/artifacts/**/structure/",
        "/harness/artifacts/very/deep/structure/file.zip",
        "file.zip",
      ],
      ["/*/", "/build/app.zip", "app.zip"],
    ];
    for (const [pattern, name, expected] of cases) {
      expect(createPrefixStripper(pattern)(name), `${pattern} on ${name}`).toBe(expected);
    }
  });

  it("lets **/ match zero folders, unlike drone-s3's (.+)", () => {
    expect(createPrefixStripper("dist/**/")("dist/f.js")).toBe("f.js");
  });

  it("matches * within one segment only", () => {
    expect(createPrefixStripper("build-*/")("build-1/a/b.js")).toBe("a/b.js");
    expect(createPrefixStripper("a*/")("ab/cd/e.js")).toBe("cd/e.js");
  });

  it("treats regular-expression characters literally", () => {
    expect(createPrefixStripper("v1.2+(x)/*/")("v1.2+(x)/y/z.js")).toBe("z.js");
    expect(createPrefixStripper("v1.2/*/")("v1x2/y/z.js")).toBe("v1x2/y/z.js");
  });

  it("refuses a prefix that removes a whole name", () => {
    expect(() => createPrefixStripper("dist/a.js")("dist/a.js")).toThrow(SyncError);
    expect(() => createPrefixStripper("dist/*")("dist/a.js")).toThrow(/removes the entire path/);
  });

  it("compiles anchored patterns", () => {
    expect(compilePrefixPattern("a/*/").test("x/a/b/")).toBe(false);
    expect(compilePrefixPattern("a/*/").test("a/b/c")).toBe(true);
  });
});
