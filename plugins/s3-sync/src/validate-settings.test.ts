import { describe, expect, it } from "vitest";
import { parseSettings } from "./test-support/parse-settings.js";
import { validateS3SyncSettings } from "./validate-settings.js";

function issuesFor(values: Record<string, unknown>) {
  return validateS3SyncSettings(parseSettings({ bucket: "site", ...values }));
}

describe("validateS3SyncSettings", () => {
  it("accepts plugins/s3-sync's and plugins/s3's usual settings", () => {
    expect(issuesFor({ access_key: "AKIA", secret_key: "secret", source: "dist" })).toEqual([]);
    expect(
      issuesFor({ assume_role: "arn:aws:iam::1:role/r", oidc_token_id: "eyJ.t", source: "a/**" }),
    ).toEqual([]);
    expect(issuesFor({ download: true, delete: true, source: "builds/1/" })).toEqual([]);
  });

  it("names the missing half of a key pair with its AWS variable", () => {
    expect(issuesFor({ access_key: "AKIA" })).toEqual([
      {
        setting: "secret_key",
        message:
          "access_key is set without its secret: set secret_key (or AWS_SECRET_ACCESS_KEY) too",
      },
    ]);
    expect(issuesFor({ secret_key: "secret" })).toEqual([
      {
        setting: "access_key",
        message: "secret_key is set without its key: set access_key (or AWS_ACCESS_KEY_ID) too",
      },
    ]);
  });

  it("refuses credentials that do not go together", () => {
    expect(issuesFor({ session_token: "t" }).map((issue) => issue.setting)).toEqual([
      "session_token",
    ]);
    expect(issuesFor({ oidc_token_id: "eyJ.t" })).toEqual([
      expect.objectContaining({
        setting: "oidc_token_id",
        message: expect.stringContaining("set assume_role"),
      }),
    ]);
    expect(
      issuesFor({
        oidc_token_id: "eyJ.t",
        assume_role: "arn:aws:iam::1:role/r",
        access_key: "AKIA",
        secret_key: "secret",
      }),
    ).toEqual([
      expect.objectContaining({
        setting: "oidc_token_id",
        message: expect.stringContaining("choose one kind of credentials"),
      }),
    ]);
    expect(
      issuesFor({ assume_role: "arn:aws:iam::1:role/a", user_role_arn: "arn:aws:iam::1:role/b" }),
    ).toEqual([
      expect.objectContaining({
        setting: "user_role_arn",
        message: expect.stringContaining("not supported yet"),
      }),
    ]);
  });

  it("refuses an endpoint that is not an http(s) URL", () => {
    expect(issuesFor({ endpoint: "ftp://files.example.com" })).toEqual([
      expect.objectContaining({ setting: "endpoint" }),
    ]);
    expect(issuesFor({ endpoint: "minio.local:9000" })).toEqual([]);
  });

  it("refuses a glob source and a wildcard strip_prefix with download", () => {
    expect(
      issuesFor({ download: true, source: "builds/**/*", strip_prefix: "builds/*/" }).map(
        (issue) => issue.setting,
      ),
    ).toEqual(["source", "strip_prefix"]);
  });

  it("reports every pattern key it cannot read, each under its setting", () => {
    const issues = issuesFor({
      content_type: { "^[a-z]+\\.html$": "text/html" },
      cache_control: { "\\d+\\.js$": "max-age=1" },
      metadata: { author: "ci", "*.html": { kind: "page" } },
      redirects: { "old.html": " " },
    });
    expect(issues.map((issue) => issue.setting)).toEqual([
      "content_type",
      "cache_control",
      "metadata",
      "redirects",
    ]);
    expect(issues[0]?.message).toContain('write it as an extension (".svg")');
  });
});
