import { describe, expect, it } from "vitest";
import { joinName, parseSource } from "./parse-source.js";

describe("parseSource", () => {
  it("finds the folder a glob starts in", () => {
    expect(parseSource("dist/**/*.js")).toMatchObject({
      base: "dist",
      isGlob: true,
      pattern: "dist/**/*.js",
    });
    expect(parseSource("**")).toMatchObject({ base: "", isGlob: true });
    expect(parseSource("./public/*.html")).toMatchObject({
      base: "public",
      pattern: "public/*.html",
    });
    expect(parseSource("/srv/www/**")).toMatchObject({ base: "/srv/www", isGlob: true });
    expect(parseSource("a/{b,c}/*")).toMatchObject({ base: "a", isGlob: true });
  });

  it("reads a plain path as its own base", () => {
    expect(parseSource("dist/")).toEqual({
      text: "dist/",
      pattern: "dist",
      base: "dist",
      isGlob: false,
    });
    expect(parseSource(".")).toMatchObject({ pattern: "", base: "", isGlob: false });
    expect(parseSource("./")).toMatchObject({ pattern: "", base: "" });
    expect(parseSource("dist/.")).toMatchObject({ base: "dist" });
    expect(parseSource("/")).toMatchObject({ base: "/" });
  });

  it("reads backslashes as separators on Windows only", () => {
    expect(parseSource("dist\\**", "win32")).toMatchObject({ base: "dist", pattern: "dist/**" });
    expect(parseSource("dist\\*", "linux").base).not.toBe("dist");
  });
});

describe("joinName", () => {
  it("joins with one slash", () => {
    expect(joinName("", "a.js")).toBe("a.js");
    expect(joinName("dist", "a.js")).toBe("dist/a.js");
    expect(joinName("/", "a.js")).toBe("/a.js");
  });
});
