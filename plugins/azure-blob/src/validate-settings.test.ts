import { describe, expect, it } from "vitest";
import { z } from "zod";
import { settings } from "./settings.js";
import { validateSettings } from "./validate-settings.js";

const validate = (input: Record<string, unknown>) =>
  validateSettings(z.object(settings).parse({ container: "web", ...input }));

describe("validateSettings", () => {
  it("accepts what plugins/azure-storage needed: account, account_key, container, source", () => {
    expect(validate({ account: "acme", account_key: "k", source: "dist" })).toEqual([]);
  });

  it("names account_key and AZURE_STORAGE_ACCOUNT_KEY when no credential is set", () => {
    const issues = validate({ account: "acme", source: "dist" });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.setting).toBe("account_key");
    expect(issues[0]?.message).toContain("AZURE_STORAGE_ACCOUNT_KEY");
  });

  it("needs the account with a key, and the account or an endpoint with a SAS or Azure AD", () => {
    expect(validate({ account_key: "k", source: "dist" }).map((issue) => issue.setting)).toEqual([
      "account",
    ]);
    expect(validate({ sas_token: "sig=x", source: "dist" }).map((issue) => issue.setting)).toEqual([
      "account",
    ]);
    expect(
      validate({ sas_token: "sig=x", endpoint: "http://127.0.0.1:1/dev", source: "dist" }),
    ).toEqual([]);
    expect(validate({ use_azure_identity: true, account: "acme", source: "dist" })).toEqual([]);
    // A connection string carries its own account and endpoint.
    expect(validate({ connection_string: "AccountName=a;AccountKey=k", source: "dist" })).toEqual(
      [],
    );
  });

  it("wants a service principal whole", () => {
    const issues = validate({ account: "acme", client_secret: "s", client_id: "c", source: "d" });
    expect(issues.map((issue) => issue.setting)).toEqual(["account_key", "client_secret"]);
  });

  it("needs a source to upload but not to download, and refuses the file system root", () => {
    expect(validate({ account: "a", account_key: "k" }).map((issue) => issue.setting)).toEqual([
      "source",
    ]);
    expect(validate({ account: "a", account_key: "k", download: true })).toEqual([]);
    expect(validate({ account: "a", account_key: "k", source: "/" })[0]?.message).toContain(
      "whole file system",
    );
  });

  it("reports every problem at once", () => {
    expect(validate({}).map((issue) => issue.setting)).toEqual(["account_key", "source"]);
  });
});
