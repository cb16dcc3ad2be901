import { compileSyncRules } from "@spotkit/sync";
import { describe, expect, it } from "vitest";
import {
  classifyRuleKey,
  toMetadataRule,
  toRuleValue,
  translateRuleKey,
  UntranslatableRuleKeyError,
} from "./rule-keys.js";

describe("classifyRuleKey", () => {
  it.each([
    ["*", "all"],
    ["**", "all"],
    ["", "all"],
    [".svg", "extension"],
    [".tar.gz", "extension"],
    [".d-ts_1", "extension"],
    ["*.html", "glob"],
    ["**/*.js", "glob"],
    ["assets/**", "glob"],
    ["{a,b}/*.css", "glob"],
    ["img/[ab].png", "glob"],
    ["index.html", "glob"],
    ["\\.svg$", "regex"],
    [".*\\.js$", "regex"],
    ["^dist/", "regex"],
    [".*", "regex"],
    [".+", "regex"],
    ["(js|css)", "regex"],
    ["a|b", "regex"],
  ] as const)("reads %j as %s", (key, kind) => {
    expect(classifyRuleKey(key)).toBe(kind);
  });
});

describe("translateRuleKey", () => {
  it.each([
    // every file
    [".*", ["*"]],
    ["^.*$", ["*"]],
    [".+", ["*"]],
    ["^", ["*"]],
    // extensions
    ["\\.svg$", [".svg"]],
    ["\\.svg", [".svg"]],
    [".*\\.svg$", [".svg"]],
    ["^.*\\.svg$", [".svg"]],
    ["\\.tar\\.gz$", [".tar.gz"]],
    ["\\.(js|css|map)$", [".js", ".css", ".map"]],
    ["\\.(?:woff|woff2)$", [".woff", ".woff2"]],
    // folders
    ["^dist/", ["dist/**"]],
    ["^dist/.*", ["dist/**"]],
    ["^dist/assets/.*$", ["dist/assets/**"]],
    ["^dist/v1\\.2/", ["dist/v1.2/**"]],
    ["^dist/.*\\.js$", ["dist/**/*.js"]],
    ["^public/.*\\.(png|jpg)$", ["public/**/*.png", "public/**/*.jpg"]],
    // globs and extensions pass through
    ["*.html", ["*.html"]],
    [".svg", [".svg"]],
    ["*", ["*"]],
  ] as const)("turns %j into %j", (key, globs) => {
    expect(translateRuleKey(key)).toEqual(globs);
  });

  it.each(["^dist/\\.js$", "^[a-z]+\\.html$", "foo.*bar", "^dist/$", "\\d+\\.log$", "(?i)\\.JPG$"])(
    "refuses %j, naming it and the forms to use",
    (key) => {
      expect(() => translateRuleKey(key)).toThrow(UntranslatableRuleKeyError);
      expect(() => translateRuleKey(key)).toThrow(
        `the key ${JSON.stringify(key)} reads as a regular expression`,
      );
      expect(() => translateRuleKey(key)).toThrow('write it as an extension (".svg")');
    },
  );
});

describe("toRuleValue", () => {
  it("keeps a string (plugins/s3-sync's `*` and plugins/s3's `.*`) for every file", () => {
    expect(toRuleValue("public, max-age=60")).toBe("public, max-age=60");
    expect(toRuleValue(undefined)).toBeUndefined();
  });

  it("translates each key; of two keys with one translation, the first by text wins", () => {
    const expected = { ".svg": "plain", "*.html": "page" };
    expect(toRuleValue({ "\\.svg$": "regex", ".svg": "plain", "*.html": "page" })).toEqual(
      expected,
    );
    expect(toRuleValue({ "*.html": "page", ".svg": "plain", "\\.svg$": "regex" })).toEqual(
      expected,
    );
  });

  it("gives each file the value the Go plugins would, through the sync's rules", () => {
    const headersFor = compileSyncRules({
      contentType: toRuleValue({
        ".svg": "image/svg+xml", // plugins/s3-sync: an extension
        "\\.txt$": "text/x-log", // plugins/s3: a regex
        "docs/**": "text/x-doc", // a glob
      }) as Record<string, string>,
    });
    expect(headersFor("img/logo.SVG").contentType).toBe("image/svg+xml");
    expect(headersFor("build/out.txt").contentType).toBe("text/x-log");
    expect(headersFor("docs/guide.md").contentType).toBe("text/x-doc");
    expect(headersFor("index.html").contentType).toBe("text/html; charset=utf-8");
  });
});

describe("toMetadataRule", () => {
  it("reads one flat map as metadata for every file, as plugins/s3-sync does", () => {
    expect(toMetadataRule({ author: "ci", build: "42" })).toEqual({
      "*": { author: "ci", build: "42" },
    });
  });

  it("translates the pattern keys of a map of maps", () => {
    expect(
      toMetadataRule({ "*.html": { author: "ci" }, "\\.(js|css)$": { kind: "asset" } }),
    ).toEqual({
      "*.html": { author: "ci" },
      ".js": { kind: "asset" },
      ".css": { kind: "asset" },
    });
  });

  it("refuses a map that mixes text and maps", () => {
    expect(() => toMetadataRule({ author: "ci", "*.html": { kind: "page" } })).toThrow(
      '"author" is text',
    );
  });

  it("leaves an absent or empty map unset", () => {
    expect(toMetadataRule(undefined)).toBeUndefined();
    expect(toMetadataRule({})).toBeUndefined();
  });
});
