import { describe, expect, it } from "vitest";
import { z } from "zod";
import { settings } from "./settings.js";
import { createStoreConfig, createSyncRules, partSizeBytes } from "./store-config.js";

/** Decodes settings through the real schema, defaults included. */
const decode = (input: Record<string, unknown>) =>
  z.object(settings).parse({ source: "dist", target: "my-bucket/site/", ...input });

describe("createStoreConfig", () => {
  it("passes the service-account JSON of token as the adapter's credentials, and no environment", () => {
    expect(createStoreConfig("my-bucket", decode({ token: '{"type":"service_account"}' }))).toEqual(
      {
        type: "gcs",
        bucket: "my-bucket",
        credentials: '{"type":"service_account"}',
        env: {},
      },
    );
  });

  it("prefers access_token, then workload identity, then token, then json_key", () => {
    const all = decode({
      access_token: "ya29.token",
      token: "{}",
      json_key: "{}",
      pool_id: "pool",
      provider_id: "provider",
      project_number: "1",
      service_account_email: "sa@p.iam.gserviceaccount.com",
      oidc_token_id: "oidc",
      api_endpoint: "http://127.0.0.1:4443",
    });
    expect(createStoreConfig("b", all)).toEqual({
      type: "gcs",
      bucket: "b",
      apiEndpoint: "http://127.0.0.1:4443",
      token: "ya29.token",
      env: {},
    });
    const external = { type: "external_account" };
    expect(
      createStoreConfig("b", { ...all, access_token: undefined }, { externalAccount: external })
        .credentials,
    ).toBe(JSON.stringify(external));
    expect(
      createStoreConfig("b", decode({ token: "token-json", json_key: "key-json" })).credentials,
    ).toBe("token-json");
    expect(createStoreConfig("b", decode({ json_key: "key-json" })).credentials).toBe("key-json");
  });

  it("leaves the credential to application default credentials when none is set", () => {
    expect(createStoreConfig("b", decode({}))).toEqual({ type: "gcs", bucket: "b", env: {} });
  });

  it("passes skip_verify on, for the adapter to refuse with its advice", () => {
    expect(createStoreConfig("b", { ...decode({}), skip_verify: true }).skipVerify).toBe(true);
  });
});

describe("createSyncRules", () => {
  it("maps plugins/gcs's cache_control, metadata, gzip and acl", () => {
    expect(
      createSyncRules(
        decode({
          cache_control: "public,max-age=10",
          metadata: { "x-foo": "bar" },
          gzip: ["js"],
          acl: ["allUsers:READER"],
        }),
      ),
    ).toEqual({
      cacheControl: "public,max-age=10",
      metadata: { "**": { "x-foo": "bar" } },
      gzip: ["js"],
      acl: "publicRead",
    });
  });

  it("maps the engine's own rules and the storage class", () => {
    expect(
      createSyncRules(
        decode({
          content_type: { ".wasm": "application/wasm" },
          content_encoding: "identity",
          metadata: { "*.html": { team: "web" } },
          storage_class: "nearline",
        }),
      ),
    ).toEqual({
      contentType: { ".wasm": "application/wasm" },
      contentEncoding: "identity",
      metadata: { "*.html": { team: "web" } },
      storageClass: "NEARLINE",
    });
    expect(createSyncRules(decode({}))).toEqual({});
  });
});

describe("settings", () => {
  it("reads sizes, and refuses an unknown storage class", () => {
    expect(partSizeBytes(decode({ part_size: 16777216 }).part_size)).toBe(16 * 1024 * 1024);
    expect(partSizeBytes(undefined)).toBeUndefined();
    expect(() => decode({ storage_class: "lukewarm" })).toThrow();
    expect(createSyncRules(decode({ metadata: {} }))).toEqual({});
  });
});
