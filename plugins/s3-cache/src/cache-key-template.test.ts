import { readBuildMetadata } from "@spotkit/runtime";
import { describe, expect, it } from "vitest";
import { createCacheKeyScope } from "./cache-key-scope.js";
import {
  CacheKeyTemplateError,
  parseCacheKeyTemplate,
  renderCacheKeyTemplate,
  type TemplateScope,
} from "./cache-key-template.js";

const build = readBuildMetadata({
  DRONE: "true",
  DRONE_REPO: "acme/shop",
  DRONE_REPO_OWNER: "acme",
  DRONE_REPO_NAME: "shop",
  DRONE_REPO_BRANCH: "main",
  DRONE_COMMIT_BRANCH: "feature/login",
  DRONE_COMMIT_SHA: "0123456789abcdef",
  DRONE_COMMIT_AUTHOR: "octocat",
  DRONE_BUILD_NUMBER: "42",
  DRONE_BUILD_EVENT: "push",
  DRONE_BUILD_CREATED: "1700000000",
});

function scope(warnings: string[] = []): TemplateScope {
  return createCacheKeyScope(
    {
      cwd: "/nonexistent-workspace",
      build,
      now: () => new Date(1_700_000_123_456),
      platform: { os: "linux", arch: "amd64" },
    },
    warnings,
  );
}

async function render(template: string): Promise<string> {
  return renderCacheKeyTemplate(template, scope());
}

async function renderError(template: string): Promise<string> {
  const error = await render(template).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CacheKeyTemplateError);
  return (error as Error).message;
}

describe("renderCacheKeyTemplate", () => {
  it("prints drone-cache's metadata fields", async () => {
    expect(await render("{{ .Repo.Owner }}/{{ .Repo.Name }}/{{ .Commit.Branch }}")).toBe(
      "acme/shop/feature/login",
    );
    expect(await render("{{.Commit.Sha}}-{{.Build.Number}}-{{ .Build.Event }}")).toBe(
      "0123456789abcdef-42-push",
    );
    expect(await render("{{ .Repo.Branch }} {{ .Repo.Namespace }} {{ .Commit.Author.Name }}")).toBe(
      "main acme octocat",
    );
    expect(await render("{{ .Build.Created }}|{{ .Build.Finished }}|{{ .Repo.Private }}")).toBe(
      "1700000000|0|false",
    );
  });

  it("calls epoch, arch and os", async () => {
    expect(await render("{{ epoch }}-{{ os }}-{{ arch }}")).toBe("1700000123-linux-amd64");
  });

  it("passes string literals, raw strings and piped values to functions", async () => {
    const calls: string[][] = [];
    const custom: TemplateScope = {
      data: { Name: "x" },
      functions: {
        join: {
          arity: { minimum: 1, variadic: true },
          call: (...args) => {
            calls.push(args);
            return args.join("+");
          },
        },
      },
    };
    expect(await renderCacheKeyTemplate('{{ join "a\\tb" `c\\d` .Name }}', custom)).toBe(
      "a\tb+c\\d+x",
    );
    expect(await renderCacheKeyTemplate('{{ .Name | join "p" }}', custom)).toBe("p+x");
    expect(await renderCacheKeyTemplate('{{ join (join "a" "b") "c" }}', custom)).toBe("a+b+c");
    expect(calls).toContainEqual(["p", "x"]);
  });

  it("honours trim markers and comments, and ignores a }} inside a string", async () => {
    expect(await render("a  {{- .Repo.Name -}}  b")).toBe("ashopb");
    expect(await render("x{{/* a comment */}}y")).toBe("xy");
    const custom: TemplateScope = {
      data: {},
      functions: { echo: { arity: { minimum: 1 }, call: (value) => value } },
    };
    expect(await renderCacheKeyTemplate('{{ echo "}}" }}', custom)).toBe("}}");
  });

  it("renders checksum of a missing file as empty text with a warning", async () => {
    const warnings: string[] = [];
    expect(
      await renderCacheKeyTemplate('npm-{{ checksum "package-lock.json" }}', scope(warnings)),
    ).toBe("npm-");
    expect(warnings.join("\n")).toMatch(/checksum "package-lock.json": the file cannot be read/);
  });

  it("refuses an unknown field, naming the fields it knows", async () => {
    const message = await renderError("{{ .Commit.Brnch }}");
    expect(message).toMatch(/no field \.Commit\.Brnch/);
    expect(message).toMatch(/\.Commit\.Branch/);
    expect(await renderError("{{ .commit.branch }}")).toMatch(/case-sensitive/);
    expect(await renderError("{{ .Repo.Name.Length }}")).toMatch(/has no field Length/);
  });

  it("refuses an unknown function and a wrong number of arguments", async () => {
    expect(await renderError('{{ sha256 "x" }}')).toMatch(
      /function "sha256".*not defined: use one of checksum, hashFiles, epoch, arch, os/,
    );
    expect(await renderError("{{ checksum }}")).toMatch(/checksum .* takes 1 argument, got 0/);
    expect(await renderError('{{ epoch "x" }}')).toMatch(/epoch .* takes 0 arguments, got 1/);
    expect(await renderError("{{ hashFiles }}")).toMatch(/takes at least 1 argument/);
  });

  it("refuses printing a group of fields and giving arguments to a field", async () => {
    expect(await renderError("{{ .Repo }}")).toMatch(/group of fields.*pick one/);
    expect(await renderError('{{ .Repo.Name "x" }}')).toMatch(/not a function/);
  });
});

describe("parseCacheKeyTemplate", () => {
  it("splits text and actions", () => {
    const nodes = parseCacheKeyTemplate("a-{{ .Commit.Branch }}-b");
    expect(nodes.map((node) => node.type)).toEqual(["text", "action", "text"]);
  });

  it.each([
    ["{{ .Commit.Branch", /never closed/],
    ["{{ .Commit.Branch }", /never closed/],
    [".Commit.Branch }}", /closes no "\{\{"/],
    ["{{ }}", /empty/],
    ['{{ checksum "go.sum }}', /never closed/],
    ["{{ if .Commit.Branch }}x{{ end }}", /"if" .* is not supported/],
    ["{{ $x := 1 }}", /variables .* are not supported/],
    ['{{ (checksum "a" }}', /"\(" .* never closed/],
    ["{{ .Commit.Branch | }}", /missing a field or function/],
    ["{{ @ }}", /unexpected "@"/],
  ])("refuses %s", (template, message) => {
    expect(() => parseCacheKeyTemplate(template)).toThrow(message);
  });
});
