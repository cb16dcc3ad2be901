import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectContentType } from "./detect-content-type.js";
import { compileRuleKey, compileRuleValue, compileSyncRules } from "./resolve-object-headers.js";
import { SyncError } from "./sync-error.js";

describe("detectContentType", () => {
  it("adds charset=utf-8 where Go's mime table does", () => {
    expect(detectContentType("site/index.html")).toBe("text/html; charset=utf-8");
    expect(detectContentType("a.CSS")).toBe("text/css; charset=utf-8");
    expect(detectContentType("app.js")).toBe("text/javascript; charset=utf-8");
  });

  it("uses the mime package's types otherwise", () => {
    expect(detectContentType("logo.svg")).toBe("image/svg+xml");
    expect(detectContentType("data.json")).toBe("application/json");
    expect(detectContentType("app.wasm")).toBe("application/wasm");
  });

  it("falls back to application/octet-stream", () => {
    expect(detectContentType("Makefile")).toBe("application/octet-stream");
    expect(detectContentType("a.unknown-extension")).toBe("application/octet-stream");
    expect(detectContentType("folder.d/file")).toBe("application/octet-stream");
  });
});

describe("compileRuleKey", () => {
  it("matches everything with * and **", () => {
    expect(compileRuleKey("*")("a/b/c.txt")).toBe(true);
    expect(compileRuleKey("**")("x")).toBe(true);
  });

  it("matches extension keys (plugins/s3-sync) on the end of the base name, in any case", () => {
    const svg = compileRuleKey(".svg");
    expect(svg("img/logo.svg")).toBe(true);
    expect(svg("img/LOGO.SVG")).toBe(true);
    expect(svg("img/logo.svgz")).toBe(false);
    expect(svg("svg/logo.png")).toBe(false);
    expect(compileRuleKey(".tar.gz")("a/b.tar.gz")).toBe(true);
    expect(compileRuleKey(".htaccess")("site/.htaccess")).toBe(true);
  });

  it("matches globs without / against the base name, others against the whole name", () => {
    expect(compileRuleKey("*.html")("site/deep/index.html")).toBe(true);
    expect(compileRuleKey("assets/**")("assets/a/b.png")).toBe(true);
    expect(compileRuleKey("assets/**")("site/assets/b.png")).toBe(false);
    expect(compileRuleKey("**/assets/**")("site/assets/b.png")).toBe(true);
    expect(compileRuleKey("*.{png,jpg}")("a/b.jpg")).toBe(true);
  });
});

describe("compileRuleValue", () => {
  it("applies a string to every file", () => {
    expect(compileRuleValue("max-age=60", "cache_control")("any/file")).toBe("max-age=60");
  });

  it("gives the most specific matching key's value, not the first written", () => {
    // What Drone and Woodpecker pass for YAML `{"*.html": no-cache, "**": max-age=60}`: the keys
    // sorted, `**` first.
    const lookup = compileRuleValue(
      JSON.parse('{"**":"max-age=60","*.html":"no-cache"}') as Record<string, string>,
      "cache_control",
    );
    expect(lookup("index.html")).toBe("no-cache");
    expect(lookup("docs/deep/page.html")).toBe("no-cache");
    expect(lookup("app.js")).toBe("max-age=60");
  });

  it("ranks an exact path, then more literal characters, then fewer wildcards", () => {
    const lookup = compileRuleValue(
      {
        "*": "max-age=300",
        "*.html": "no-cache",
        "assets/**": "max-age=31536000",
        "assets/**/*.html": "max-age=600",
        "index.html": "no-store",
        "*.{png,jpg}": "max-age=3600",
        "*.png": "max-age=7200",
      },
      "cache_control",
    );
    expect(lookup("site/index.html")).toBe("no-store");
    expect(lookup("about.html")).toBe("no-cache");
    expect(lookup("assets/app.js")).toBe("max-age=31536000");
    expect(lookup("assets/page.html")).toBe("max-age=600");
    expect(lookup("img/a.png")).toBe("max-age=7200");
    expect(lookup("img/a.jpg")).toBe("max-age=3600");
    expect(lookup("robots.txt")).toBe("max-age=300");
  });

  it("gives the same value for any order of the same keys", () => {
    const map: Record<string, string> = {
      "*": "every",
      "**": "everything",
      "*.html": "html",
      ".html": "extension",
      "index.html": "index",
      "docs/**": "docs",
      "docs/*.html": "docs-html",
      "*.{html,htm}": "braces",
      "page?.html": "numbered",
    };
    const names = fc.constantFrom(
      "index.html",
      "docs/index.html",
      "docs/page1.html",
      "docs/deep/page.HTML",
      "page2.html",
      "a.htm",
      "README",
      "docs/a.txt",
    );
    const reference = compileRuleValue(map, "cache_control");
    fc.assert(
      fc.property(
        fc.shuffledSubarray(Object.entries(map), { minLength: 9 }),
        names,
        (entries, name) => {
          const lookup = compileRuleValue(Object.fromEntries(entries), "cache_control");
          expect(lookup(name)).toBe(reference(name));
        },
      ),
      { numRuns: 200 },
    );
  });

  it("gives undefined when nothing matches", () => {
    expect(compileRuleValue({ "*.css": "x" }, "cache_control")("a.js")).toBeUndefined();
  });

  it("refuses values that are not text", () => {
    expect(() => compileRuleValue({ "*": 3 } as never, "cache_control")).toThrow(SyncError);
    expect(() => compileRuleValue(["x"] as never, "cache_control")).toThrow(/cache_control/);
  });
});

describe("compileSyncRules", () => {
  it("detects the content type when no rule sets one", () => {
    expect(compileSyncRules()("a.html")).toEqual({
      contentType: "text/html; charset=utf-8",
      metadata: {},
      gzip: false,
    });
  });

  it("accepts an extension-keyed content_type map with a detection fallback", () => {
    const headersFor = compileSyncRules({
      contentType: { ".svg": "image/svg+xml; charset=utf-8" },
    });
    expect(headersFor("logo.svg").contentType).toBe("image/svg+xml; charset=utf-8");
    expect(headersFor("logo.png").contentType).toBe("image/png");
  });

  it("resolves every rule for a file and passes ACL, storage class and encryption through", () => {
    const headersFor = compileSyncRules({
      contentType: "text/plain",
      contentEncoding: { "*.br": "br" },
      cacheControl: { "*.html": "no-cache" },
      metadata: { "*.html": { Owner: "web", Team: "a" }, "*": { owner: "other" } },
      acl: { "private/**": "private", "*": "public-read" },
      storageClass: "STANDARD_IA",
      encryption: "aws:kms",
      kmsKeyId: "key-1",
    });
    expect(headersFor("index.html")).toEqual({
      contentType: "text/plain",
      cacheControl: "no-cache",
      metadata: { owner: "web", team: "a" },
      acl: "public-read",
      storageClass: "STANDARD_IA",
      encryption: "aws:kms",
      kmsKeyId: "key-1",
      gzip: false,
    });
    expect(headersFor("private/a.br")).toMatchObject({
      contentEncoding: "br",
      acl: "private",
      metadata: { owner: "other" },
    });
  });

  it("gzips listed extensions, with or without a dot, and sets Content-Encoding: gzip", () => {
    const headersFor = compileSyncRules({ gzip: ["js", ".CSS"], contentEncoding: "identity" });
    expect(headersFor("a/app.js")).toMatchObject({ gzip: true, contentEncoding: "gzip" });
    expect(headersFor("a/app.css")).toMatchObject({ gzip: true, contentEncoding: "gzip" });
    expect(headersFor("a/app.json")).toMatchObject({ gzip: false, contentEncoding: "identity" });
    expect(headersFor("a/app.js").contentType).toBe("text/javascript; charset=utf-8");
  });

  it("gives the same headers for any permutation of the same rule maps", () => {
    // Integer-like keys ("404") are where JavaScript itself reorders an object's keys.
    const patterns = [
      "*",
      "**",
      "*.html",
      ".html",
      ".HTML",
      "404",
      "index.html",
      "site/index.html",
      "assets/**",
      "assets/**/*.css",
      "*.{css,js}",
      "*.css",
      "??.js",
      "[ab]*.js",
      "**/*.js",
    ];
    const names = [
      "index.html",
      "site/index.html",
      "site/404",
      "assets/app.css",
      "assets/deep/app.CSS",
      "ab.js",
      "b/app.js",
      "photo.png",
    ];
    const ruleMap = fc
      .uniqueArray(fc.constantFrom(...patterns), { minLength: 1 })
      .map((keys) => keys.map((key, index): [string, string] => [key, `value-${index}`]));
    const withPermutation = ruleMap.chain((entries) =>
      fc.tuple(
        fc.constant(entries),
        fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length }),
      ),
    );
    const rulesOf = (entries: ReadonlyArray<[string, string]>) => {
      const map = Object.fromEntries(entries);
      const metadata = Object.fromEntries(entries.map(([key, value]) => [key, { rule: value }]));
      return compileSyncRules({ cacheControl: map, contentType: map, acl: map, metadata });
    };
    fc.assert(
      fc.property(withPermutation, ([entries, permuted]) => {
        const written = rulesOf(entries);
        const shuffled = rulesOf(permuted);
        for (const name of names) expect(shuffled(name)).toEqual(written(name));
      }),
      { numRuns: 150 },
    );
  });

  it("gives each file its own metadata object", () => {
    const headersFor = compileSyncRules({ metadata: { "*": { a: "1" } } });
    headersFor("x").metadata.b = "2";
    expect(headersFor("y").metadata).toEqual({ a: "1" });
  });

  it("refuses the reserved spotkit- metadata keys and empty gzip extensions", () => {
    expect(() => compileSyncRules({ metadata: { "*": { "Spotkit-SHA256": "x" } } })).toThrow(
      /reserved/,
    );
    expect(() => compileSyncRules({ gzip: [""] })).toThrow(/gzip/);
    expect(() => compileSyncRules({ storageClass: 3 as never })).toThrow(/storage_class/);
  });
});
