import { describe, expect, it } from "vitest";
import { compareRuleKeys, ruleKeySpecificity, sortRuleEntries } from "./rule-specificity.js";

function ranked(keys: readonly string[]): string[] {
  return [...keys].sort(compareRuleKeys);
}

describe("ruleKeySpecificity", () => {
  it.each([
    ["*", { tier: 2, literalCharacters: 0, wildcards: 0 }],
    ["**", { tier: 2, literalCharacters: 0, wildcards: 0 }],
    ["site/index.html", { tier: 0, literalCharacters: 15, wildcards: 0 }],
    ["robots.txt", { tier: 0, literalCharacters: 10, wildcards: 0 }],
    [".svg", { tier: 1, literalCharacters: 4, wildcards: 1 }],
    ["*.svg", { tier: 1, literalCharacters: 4, wildcards: 1 }],
    ["assets/**", { tier: 1, literalCharacters: 7, wildcards: 1 }],
    ["**/*.js", { tier: 1, literalCharacters: 4, wildcards: 2 }],
    ["file?.txt", { tier: 1, literalCharacters: 8, wildcards: 1 }],
    ["[ab].txt", { tier: 1, literalCharacters: 4, wildcards: 1 }],
    ["*.{png,jpeg}", { tier: 1, literalCharacters: 4, wildcards: 2 }],
    ["*.{png,*.jpg}", { tier: 1, literalCharacters: 4, wildcards: 3 }],
    ["v{1..9}.txt", { tier: 1, literalCharacters: 5, wildcards: 1 }],
    ["{literal}", { tier: 0, literalCharacters: 9, wildcards: 0 }],
    ["!(*.map)", { tier: 1, literalCharacters: 0, wildcards: 1 }],
    ["a\\*b", { tier: 0, literalCharacters: 3, wildcards: 0 }],
  ])("measures %s", (key, expected) => {
    expect(ruleKeySpecificity(key)).toEqual(expected);
  });
});

describe("compareRuleKeys", () => {
  it("puts a key without wildcards first and * / ** last", () => {
    expect(ranked(["**", "*.html", "index.html", "*"])).toEqual([
      "index.html",
      "*.html",
      "*",
      "**",
    ]);
  });

  it("puts more literal characters first, then fewer wildcards, then the key text", () => {
    expect(ranked(["*.html", "assets/**", "assets/**/*.html"])).toEqual([
      "assets/**/*.html",
      "assets/**",
      "*.html",
    ]);
    expect(ranked(["*.{png,jpg}", "*.png"])).toEqual(["*.png", "*.{png,jpg}"]);
    // Equal measures: the text decides, so an extension key and its glob always rank the same way.
    expect(ranked([".svg", "*.svg"])).toEqual(["*.svg", ".svg"]);
    expect(ranked(["b?", "a?"])).toEqual(["a?", "b?"]);
  });

  it("ranks an exact path above an exact file name", () => {
    expect(ranked(["index.html", "site/index.html"])).toEqual(["site/index.html", "index.html"]);
  });

  it("is 0 only for the same key", () => {
    expect(compareRuleKeys("*.js", "*.js")).toBe(0);
    expect(compareRuleKeys("*.js", "*.ts")).not.toBe(0);
  });
});

describe("sortRuleEntries", () => {
  it("gives a map's entries most specific first, whatever their order", () => {
    expect(sortRuleEntries({ "**": "max-age=60", "*.html": "no-cache" })).toEqual([
      ["*.html", "no-cache"],
      ["**", "max-age=60"],
    ]);
  });
});
