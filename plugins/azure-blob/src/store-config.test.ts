import { describe, expect, it } from "vitest";
import { z } from "zod";
import { settings } from "./settings.js";
import { createStoreConfig, createSyncRules, partSizeBytes } from "./store-config.js";

/** Decodes settings through the real schema, defaults included. */
const decode = (input: Record<string, unknown>) => z.object(settings).parse(input);

describe("createStoreConfig", () => {
  it("passes the account key with its account, and no environment", () => {
    expect(
      createStoreConfig(decode({ container: "web", account: "acme", account_key: "a2V5" })),
    ).toEqual({ type: "azure", container: "web", account: "acme", accountKey: "a2V5", env: {} });
  });

  it("passes only the credential that wins, as the adapter would pick it", () => {
    const config = createStoreConfig(
      decode({
        container: "web",
        account: "acme",
        account_key: "a2V5",
        sas_token: "sv=1&sig=x",
        connection_string: "AccountName=acme;AccountKey=a2V5",
      }),
    );
    expect(config.connectionString).toBe("AccountName=acme;AccountKey=a2V5");
    expect(config.accountKey).toBeUndefined();
    expect(config.sasToken).toBeUndefined();

    const sas = createStoreConfig(
      decode({ container: "web", endpoint: "http://127.0.0.1:10000/dev", sas_token: "sv=1&sig=x" }),
    );
    expect(sas).toEqual({
      type: "azure",
      container: "web",
      endpoint: "http://127.0.0.1:10000/dev",
      sasToken: "sv=1&sig=x",
      env: {},
    });
  });

  it("signs in as a service principal, or with DefaultAzureCredential and a managed identity's client id", () => {
    const principal = createStoreConfig(
      decode({
        container: "web",
        account: "acme",
        client_id: "app",
        tenant_id: "tenant",
        client_secret: "secret",
        use_azure_identity: true,
      }),
    );
    expect(principal).toMatchObject({
      clientId: "app",
      tenantId: "tenant",
      clientSecret: "secret",
    });
    expect(principal.useAzureIdentity).toBeUndefined();

    const identity = createStoreConfig(
      decode({ container: "web", account: "acme", use_azure_identity: true, client_id: "mi" }),
    );
    expect(identity).toEqual({
      type: "azure",
      container: "web",
      account: "acme",
      useAzureIdentity: true,
      clientId: "mi",
      env: {},
    });
  });

  it("turns skip_verify on in the adapter", () => {
    const values = {
      ...decode({ container: "web", account: "a", account_key: "k" }),
      skip_verify: true,
    };
    expect(createStoreConfig(values).skipVerify).toBe(true);
  });
});

describe("createSyncRules", () => {
  it("is empty when no rule is set", () => {
    expect(createSyncRules(decode({ container: "web" }))).toEqual({});
  });

  it("maps headers, metadata, gzip and the tier", () => {
    const rules = createSyncRules(
      decode({
        container: "web",
        content_type: { ".wasm": "application/wasm" },
        content_encoding: "identity",
        cache_control: { "*.html": "no-cache", "**": "max-age=60" },
        metadata: { team: "web" },
        gzip: ["html", "css"],
        tier: "Cool",
      }),
    );
    expect(rules).toEqual({
      contentType: { ".wasm": "application/wasm" },
      contentEncoding: "identity",
      cacheControl: { "*.html": "no-cache", "**": "max-age=60" },
      metadata: { "**": { team: "web" } },
      gzip: ["html", "css"],
      storageClass: "cool",
    });
  });
});

describe("settings", () => {
  it("refuses an unknown tier and a size that is not one", () => {
    expect(() => decode({ container: "web", tier: "lukewarm" })).toThrow();
    expect(() => decode({ container: "web", part_size: "big" })).toThrow();
    expect(partSizeBytes(decode({ container: "web", part_size: "16MiB" }).part_size)).toBe(
      16 * 1024 * 1024,
    );
    expect(partSizeBytes(undefined)).toBeUndefined();
  });

  it("refuses metadata that mixes values and maps", () => {
    expect(() =>
      decode({ container: "web", metadata: { a: "1", "*.html": { b: "2" } } }),
    ).toThrow();
  });
});
