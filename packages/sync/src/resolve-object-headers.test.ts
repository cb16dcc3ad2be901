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

  it("takes the first matching key in declared order", () => {
    const lookup = compileRuleValue(
      { "*.html": "no-cache", "assets/**": "max-age=31536000", "*": "max-age=300" },
      "cache_control",
    );
    expect(lookup("index.html")).toBe("no-cache");
    expect(lookup("assets/app.js")).toBe("max-age=31536000");
    expect(lookup("assets/page.html")).toBe("no-cache");
    expect(lookup("robots.txt")).toBe("max-age=300");
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
