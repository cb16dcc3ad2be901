import { describe, expect, it } from "vitest";
import { z } from "zod";
import { settings } from "./settings.js";
import { createServiceAccountKey } from "./test-support/service-account-key.js";
import { validateSettings } from "./validate-settings.js";

const validate = (input: Record<string, unknown>) =>
  validateSettings(z.object(settings).parse(input));
const settingsOf = (input: Record<string, unknown>) =>
  validate(input).map((issue) => issue.setting);

describe("validateSettings", () => {
  it("accepts plugins/gcs's README example", () => {
    expect(
      validate({
        source: "dist",
        target: "bucket/dir/",
        ignore: "bin/*",
        acl: ["allUsers:READER"],
        gzip: ["js", "css", "html"],
        cache_control: "public,max-age=3600",
        metadata: { "x-goog-meta-foo": "bar" },
        token: createServiceAccountKey().json,
      }),
    ).toEqual([]);
  });

  it("wants source and target for an upload (Missing source, Missing target)", () => {
    expect(settingsOf({})).toEqual(["source", "target"]);
    expect(validate({ source: "dist", target: "Not A Bucket/x" })[0]?.message).toContain(
      "bucket/path",
    );
  });

  it("wants source as bucket/path for a download, and no target", () => {
    expect(validate({ download: true, source: "bucket/dir/" })).toEqual([]);
    expect(settingsOf({ download: true })).toEqual(["source"]);
    expect(settingsOf({ download: true, source: "/" })).toEqual(["source"]);
  });

  it("refuses delete with several sources", () => {
    expect(settingsOf({ source: "a,b", target: "bucket/x", delete: true })).toEqual(["delete"]);
    expect(validate({ source: "a", target: "bucket/x", delete: true })).toEqual([]);
  });

  it("refuses ACL entries that cannot be applied", () => {
    expect(
      settingsOf({
        source: "a",
        target: "bucket",
        acl: ["allUsers:READER", "user@domain.com:OWNER"],
      }),
    ).toEqual(["acl"]);
  });

  it("names token/json_key when the key is not a credentials JSON, without quoting it", () => {
    const issues = validate({ source: "a", target: "bucket", token: "hunter2-not-json" });
    expect(issues.map((issue) => issue.setting)).toEqual(["token"]);
    expect(issues[0]?.message).toContain("token/json_key");
    expect(issues[0]?.message).toContain("GOOGLE_CREDENTIALS");
    expect(issues[0]?.message).not.toContain("hunter2");
    expect(settingsOf({ source: "a", target: "bucket", json_key: "{}" })).toEqual(["json_key"]);
  });

  it("checks the service account's email when workload identity is used", () => {
    const identity = {
      source: "a",
      target: "bucket",
      pool_id: "pool",
      provider_id: "provider",
      project_number: "1",
      oidc_token_id: "token",
    };
    expect(
      validate({ ...identity, service_account_email: "sa@p.iam.gserviceaccount.com" }),
    ).toEqual([]);
    expect(settingsOf({ ...identity, service_account_email: "projects/x/sa" })).toEqual([
      "service_account_email",
    ]);
  });
});
