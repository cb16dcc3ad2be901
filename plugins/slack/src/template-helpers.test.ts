import { describe, expect, it } from "vitest";
import { renderTemplate } from "./render-template.js";
import { queryEscape } from "./template-helpers.js";

// 2019-01-01 11:00:00 UTC
const started = 1546340400;
const now = () => new Date((started + 3723) * 1000);

function render(source: string, context: unknown = {}): string {
  return renderTemplate(source, context, { setting: "template", now });
}

describe("duration", () => {
  it("prints the time between two Unix timestamps as Go's time.Duration", () => {
    expect(render("{{duration a b}}", { a: started, b: started + 90 })).toBe("1m30s");
    expect(render("{{duration a b}}", { a: started, b: started + 3600 })).toBe("1h0m0s");
    expect(render("{{duration a a}}", { a: started })).toBe("0s");
  });

  it("accepts timestamps given as text, as Drone variables are", () => {
    expect(render('{{duration "100" "145"}}')).toBe("45s");
  });

  it("names itself when an argument is not a timestamp", () => {
    expect(() => render('{{duration "soon" 5}}')).toThrow(/duration expects a Unix timestamp/);
  });
});

describe("since", () => {
  it("prints the time from a Unix timestamp until now", () => {
    expect(render("{{since build.started}}", { build: { started } })).toBe("1h2m3s");
  });
});

describe("datetime", () => {
  it("formats a Unix timestamp with a Go layout in a zone", () => {
    expect(render('{{datetime t "2006-01-02 15:04:05 MST" "UTC"}}', { t: started })).toBe(
      "2019-01-01 11:00:00 UTC",
    );
    expect(
      render('{{datetime t "Mon Jan _2 3:04PM -07:00" "America/New_York"}}', { t: started }),
    ).toBe("Tue Jan  1 6:00AM -05:00");
  });

  it("falls back to the local zone for an empty or unknown zone, as Go does", () => {
    const local = render('{{datetime t "2006-01-02 15:04 -0700" ""}}', { t: started });
    expect(render('{{datetime t "2006-01-02 15:04 -0700" "Not/AZone"}}', { t: started })).toBe(
      local,
    );
    const offset = -new Date(started * 1000).getTimezoneOffset();
    const sign = offset < 0 ? "-" : "+";
    const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, "0");
    expect(local.endsWith(`${sign}${hours}${String(Math.abs(offset) % 60).padStart(2, "0")}`)).toBe(
      true,
    );
  });
});

describe("success and failure", () => {
  const template =
    "{{#success s}}ok{{else}}not ok{{/success}}/{{#failure s}}bad{{else}}not bad{{/failure}}";

  it.each([
    ["success", "ok/not bad"],
    ["failure", "not ok/bad"],
    ["error", "not ok/bad"],
    ["killed", "not ok/bad"],
    ["running", "not ok/not bad"],
    ["", "not ok/not bad"],
  ])("for status %j renders %j", (status, expected) => {
    expect(render(template, { s: status })).toBe(expected);
  });

  it("renders the block with the surrounding context", () => {
    expect(
      render("{{#success build.status}}{{repo.name}}{{/success}}", {
        build: { status: "success" },
        repo: { name: "x" },
      }),
    ).toBe("x");
  });
});

describe("equal", () => {
  it("compares both values as text, like raymond's built-in", () => {
    expect(render('{{#equal n "1"}}one{{/equal}}', { n: 1 })).toBe("one");
    expect(render('{{#equal a "b"}}same{{else}}different{{/equal}}', { a: "c" })).toBe("different");
  });
});

describe("truncate", () => {
  it("keeps the first n characters, counting runes", () => {
    expect(render("{{truncate s 8}}", { s: "7fd1a60b01f91b314f" })).toBe("7fd1a60b");
    expect(render("{{truncate s 2}}", { s: "héllo" })).toBe("hé");
    expect(render("{{truncate s 3}}", { s: "😀😁😂🤣" })).toBe("😀😁😂");
  });

  it("drops the first n characters when n is negative, as Go's helper does", () => {
    expect(render("{{truncate s -2}}", { s: "abcdef" })).toBe("cdef");
  });

  it("returns short text unchanged", () => {
    expect(render("{{truncate s 10}}", { s: "abc" })).toBe("abc");
    expect(render("{{truncate s -10}}", { s: "abc" })).toBe("abc");
  });
});

describe("urlencode", () => {
  it("query-escapes the block like Go's url.QueryEscape", () => {
    expect(render("{{#urlencode}}{{{q}}}{{/urlencode}}", { q: "a b&c=d/é!*'()~" })).toBe(
      "a+b%26c%3Dd%2F%C3%A9%21%2A%27%28%29~",
    );
  });

  it("also accepts the text as an argument", () => {
    expect(render("{{urlencode q}}", { q: "a b" })).toBe("a+b");
  });

  it("keeps unreserved characters", () => {
    expect(queryEscape("AZaz09-_.~")).toBe("AZaz09-_.~");
  });
});

describe("uppercasefirst, uppercase and lowercase", () => {
  it("changes case like Go's unicode functions", () => {
    expect(render("{{uppercasefirst s}}", { s: "élan vital" })).toBe("Élan vital");
    expect(render("{{uppercasefirst s}}", { s: "" })).toBe("");
    expect(render("{{uppercase s}}", { s: "Build ok" })).toBe("BUILD OK");
    expect(render("{{lowercase s}}", { s: "Build OK" })).toBe("build ok");
  });

  it("maps each character on its own, as Go does (ß stays ß)", () => {
    expect(render("{{uppercase s}}", { s: "straße" })).toBe("STRAßE");
  });
});

describe("regexReplace", () => {
  it("replaces every match with Go's replacement syntax", () => {
    expect(render('{{regexReplace "(\\w+)/(\\w+)" s "$2 in $1"}}', { s: "octocat/hello" })).toBe(
      "hello in octocat",
    );
    expect(render('{{regexReplace "^refs/heads/" ref ""}}', { ref: "refs/heads/main" })).toBe(
      "main",
    );
  });

  it("fails with the pattern named when it is invalid", () => {
    expect(() => render('{{regexReplace "(" s ""}}', { s: "x" })).toThrow(
      /regexReplace: invalid pattern "\("/,
    );
  });
});
