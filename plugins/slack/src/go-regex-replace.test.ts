import { describe, expect, it } from "vitest";
import { goRegexReplace } from "./go-regex-replace.js";

describe("goRegexReplace", () => {
  // Expected values are what Go's regexp.MustCompile(p).ReplaceAllString(in, r) returns.
  it.each([
    ["simple literal", "o", "foo", "0", "f00"],
    ["numbered group", "(\\w+)@(\\w+)", "me@host", "$2 at $1", "host at me"],
    ["braced group", "(a)(b)", "ab", "${1}x${2}", "axb"],
    ["$1x is the group named 1x, which is empty", "(a)", "a", "$1x", ""],
    ["named group in Go syntax", "(?P<user>\\w+)@", "me@host", "${user}!", "me!host"],
    ["named group without braces", "(?P<user>\\w+)@", "me@host", "$user.", "me.host"],
    ["dollar escape", "a", "a", "$$", "$"],
    ["malformed reference keeps the dollar", "a", "a", "$!", "$!"],
    ["unknown group is empty", "a", "a", "[$9]", "[]"],
    ["empty matches after a match are skipped", "a*", "baaac", "-", "-b-c-"],
    ["leading case-insensitive flag", "(?i)release", "RELEASE v1", "rel", "rel v1"],
    ["\\A anchors at the start only", "\\Ab", "bb", "x", "xb"],
    ["\\z anchors at the very end", "b\\z", "bb", "x", "bx"],
    ["escaped punctuation Go accepts", "\\-", "a-b", "+", "a+b"],
    ["no match leaves the input", "x", "abc", "y", "abc"],
  ])("%s", (_name, pattern, input, replacement, expected) => {
    expect(goRegexReplace(pattern, input, replacement)).toBe(expected);
  });

  it("throws a SyntaxError for an invalid pattern", () => {
    expect(() => goRegexReplace("(", "a", "b")).toThrow(SyntaxError);
  });

  it("rejects the ungreedy flag it cannot emulate", () => {
    expect(() => goRegexReplace("(?U)a+", "aa", "b")).toThrow(/ungreedy/);
  });
});
