import { describe, expect, it } from "vitest";
import { planUploadBatches, type SourceKind } from "./upload-batches.js";

const cwd = "/harness";
const plan = (entries: string[], targetPath: string, kinds: Record<string, SourceKind> = {}) =>
  planUploadBatches(entries, { cwd, targetPath, kinds: new Map(Object.entries(kinds)) });

describe("planUploadBatches", () => {
  it("names a folder's files relative to it, under the target path (drone-gcs TestRun)", () => {
    expect(plan(["upload"], "dir/", { upload: "directory" })).toEqual([
      { cwd: "/harness/upload", sources: ["."], target: "dir" },
    ]);
    expect(
      plan(["/tmp/drone-gcs-test/upload"], "", { "/tmp/drone-gcs-test/upload": "directory" }),
    ).toEqual([{ cwd: "/tmp/drone-gcs-test/upload", sources: ["."], target: "" }]);
  });

  it("names a glob's files relative to its first folder", () => {
    expect(plan(["*.txt"], "uploads")).toEqual([{ cwd, sources: ["*.txt"], target: "uploads" }]);
    expect(plan(["src/**/*.js"], "site/")).toEqual([
      { cwd: "/harness/src", sources: ["**/*.js"], target: "site" },
    ]);
    expect(plan(["/abs/*.md"], "")).toEqual([{ cwd: "/abs", sources: ["*.md"], target: "" }]);
  });

  it("groups entries that share a folder, keeping the others apart", () => {
    expect(
      plan(["dist/*.html", "dist/*.css", "./dist", "assets/*.png", "docs/guide.md"], "web/", {
        "./dist": "directory",
        "docs/guide.md": "file",
      }),
    ).toEqual([
      { cwd: "/harness/dist", sources: ["*.html", "*.css", "."], target: "web" },
      { cwd: "/harness/assets", sources: ["*.png"], target: "web" },
      { cwd: "/harness/docs", sources: ["guide.md"], target: "web" },
    ]);
  });

  it("stores a single file under the target's name unless the target ends in / (TestTargetPathFix)", () => {
    expect(
      plan(["build/test.zip"], "project/service-name/1.0.0/service-name_1.0.0.zip", {
        "build/test.zip": "file",
      }),
    ).toEqual([
      {
        cwd: "/harness/build",
        sources: ["service-name_1.0.0.zip"],
        target: "project/service-name/1.0.0",
        rename: { file: "/harness/build/test.zip", name: "service-name_1.0.0.zip" },
      },
    ]);
    expect(plan(["build/test.zip"], "uploads/", { "build/test.zip": "file" })).toEqual([
      { cwd: "/harness/build", sources: ["test.zip"], target: "uploads" },
    ]);
    expect(plan(["test.zip"], "latest.zip", { "test.zip": "file" })[0]?.rename).toEqual({
      file: "/harness/test.zip",
      name: "latest.zip",
    });
    // Only the bucket: the file keeps its name.
    expect(plan(["test.zip"], "", { "test.zip": "file" })).toEqual([
      { cwd, sources: ["test.zip"], target: "" },
    ]);
  });
});
