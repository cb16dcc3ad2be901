import { describe, expect, it } from "vitest";
import { blobxferWalk, isGlob } from "./blobxfer-walk.js";

const cwd = "/drone/src";

// The names blobxfer 0.9.9.11 gives (apply_file_collation_and_strip with --strip-components 1),
// worked out by hand from blobxfer.py for a file css/a.css below the source folder.
describe("blobxferWalk", () => {
  it.each([
    ["dist", { cwd: "/drone/src/dist", source: "." }, "css/a.css"],
    ["dist/", { cwd: "/drone/src/dist", source: "." }, "css/a.css"],
    [".", { cwd: "/drone/src", source: "." }, "css/a.css"],
    ["./", { cwd: "/drone/src", source: "." }, "css/a.css"],
    ["./dist", { cwd: "/drone/src", source: "dist" }, "dist/css/a.css"],
    ["build/dist", { cwd: "/drone/src/build", source: "dist" }, "dist/css/a.css"],
    ["../other/dist", { cwd: "/drone", source: "other/dist" }, "other/dist/css/a.css"],
    ["/drone/src/dist", { cwd: "/drone", source: "src/dist" }, "src/dist/css/a.css"],
  ])("walks the folder %j so that names drop its first component", (source, walk, name) => {
    expect(blobxferWalk(source, cwd, false)).toEqual(walk);
    // The name the sync engine builds: the walked source joined with the path below it.
    const built = walk.source === "." ? "css/a.css" : `${walk.source}/css/a.css`;
    expect(built).toBe(name);
  });

  it.each([
    ["app.js", { cwd: "/drone/src", source: "app.js" }],
    ["./app.js", { cwd: "/drone/src", source: "app.js" }],
    ["dist/app.js", { cwd: "/drone/src/dist", source: "app.js" }],
    ["build/dist/app.js", { cwd: "/drone/src/build", source: "dist/app.js" }],
  ])("keeps a file's name as blobxfer does: %j", (source, walk) => {
    expect(blobxferWalk(source, cwd, true)).toEqual(walk);
  });

  it("walks globs from their first folder, or from the working directory", () => {
    expect(blobxferWalk("dist/**/*.js", cwd, false)).toEqual({
      cwd: "/drone/src/dist",
      source: "**/*.js",
    });
    expect(blobxferWalk("**/*.html", cwd, false)).toEqual({ cwd, source: "**/*.html" });
    expect(blobxferWalk("*.txt", cwd, false)).toEqual({ cwd, source: "*.txt" });
  });

  it("reads the file system root as itself", () => {
    expect(blobxferWalk("/", cwd, false)).toEqual({ cwd: "/", source: "." });
  });
});

describe("isGlob", () => {
  it.each([
    ["dist/**", true],
    ["*.txt", true],
    ["file?.txt", true],
    ["[ab].txt", true],
    ["{a,b}/x", true],
    ["!(a).txt", true],
    ["dist", false],
    ["my folder/file (1).txt", false],
    ["naïve/ünïcode.txt", false],
  ])("%j → %s", (source, expected) => {
    expect(isGlob(source)).toBe(expected);
  });
});
