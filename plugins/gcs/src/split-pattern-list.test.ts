import { describe, expect, it } from "vitest";
import { splitPatternList } from "./split-pattern-list.js";

describe("splitPatternList", () => {
  it.each([
    ["dist", ["dist"]],
    ["dist/*.html,assets/*.css,build/*.js", ["dist/*.html", "assets/*.css", "build/*.js"]],
    [" ./dist , ./assets/*.png ,, docs/**/*.md ", ["./dist", "./assets/*.png", "docs/**/*.md"]],
    [
      "dist/*.html,assets/**/*.{css,js},docs/*.md",
      ["dist/*.html", "assets/**/*.{css,js}", "docs/*.md"],
    ],
    ["a/[a,b].txt,c", ["a/[a,b].txt", "c"]],
    ['["dist", "a,b.txt"]', ["dist", "a,b.txt"]],
    ["", []],
    [" , ", []],
  ])("%j → %j", (text, items) => {
    expect(splitPatternList(text)).toEqual(items);
  });

  it("reads text that only looks like JSON as a list of patterns", () => {
    expect(splitPatternList("[ab]*.txt,x")).toEqual(["[ab]*.txt", "x"]);
  });
});
