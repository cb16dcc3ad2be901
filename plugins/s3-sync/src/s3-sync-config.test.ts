import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  createS3SyncConfig,
  hasGlobSyntax,
  normalizeEndpoint,
  toDownloadPrefix,
} from "./s3-sync-config.js";
import { parseSettings } from "./test-support/parse-settings.js";

const workspace = "/drone/src";
const env = { AWS_CA_BUNDLE: "/etc/ssl/certs/ca-certificates.crt" };

function configFor(values: Record<string, unknown>, inputs: Record<string, unknown> = {}) {
  return createS3SyncConfig(parseSettings({ bucket: "site", ...values }), {
    cwd: workspace,
    env,
    ...inputs,
  });
}

describe("the store", () => {
  it("uses plugins/s3-sync's defaults: us-east-1, AWS, no explicit credentials", () => {
    const { store } = configFor({});
    expect(store).toEqual({
      bucket: "site",
      region: "us-east-1",
      env,
      roleSessionName: "drone-s3",
    });
  });

  it("adds https:// to an endpoint without a scheme, as the Go plugins do", () => {
    expect(configFor({ endpoint: "minio.example.com:9000" }).store.endpoint).toBe(
      "https://minio.example.com:9000",
    );
    expect(configFor({ endpoint: "http://127.0.0.1:7480" }).store.endpoint).toBe(
      "http://127.0.0.1:7480",
    );
    expect(normalizeEndpoint("  ")).toBeUndefined();
  });

  it("passes path style, checksum mode, CA bundle, skip_verify and max_attempts through", () => {
    const { store } = configFor({
      endpoint: "https://s3.internal",
      path_style: false,
      checksum_mode: "when_supported",
      ca_bundle: "/certs/internal.pem",
      skip_verify: true,
      max_attempts: 8,
    });
    expect(store).toMatchObject({
      endpoint: "https://s3.internal",
      forcePathStyle: false,
      checksumMode: "when_supported",
      caBundle: "/certs/internal.pem",
      skipVerify: true,
      maxAttempts: 8,
    });
  });

  it("uses static keys with a session token", () => {
    const { store, warnings } = configFor({
      access_key: "AKIA",
      secret_key: "secret",
      session_token: "token",
    });
    expect(store).toMatchObject({
      accessKeyId: "AKIA",
      secretAccessKey: "secret",
      sessionToken: "token",
    });
    expect(store.roleArn).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it("assumes assume_role with the keys and external_id, and says plugins/s3 did not", () => {
    const { store, warnings } = configFor({
      access_key: "AKIA",
      secret_key: "secret",
      assume_role: "arn:aws:iam::1:role/deploy",
      external_id: "x-1",
      assume_role_session_name: "release",
    });
    expect(store).toMatchObject({
      accessKeyId: "AKIA",
      roleArn: "arn:aws:iam::1:role/deploy",
      externalId: "x-1",
      roleSessionName: "release",
    });
    expect(warnings).toEqual([expect.stringContaining("plugins/s3 ignored assume_role")]);
  });

  it("exchanges oidc_token_id through the token file for assume_role", () => {
    const { store } = configFor(
      { oidc_token_id: "eyJ.token", assume_role: "arn:aws:iam::1:role/ci" },
      { webIdentityTokenFile: "/tmp/spotkit-oidc-1/token" },
    );
    expect(store).toMatchObject({
      webIdentityTokenFile: "/tmp/spotkit-oidc-1/token",
      roleArn: "arn:aws:iam::1:role/ci",
      roleSessionName: "drone-s3",
    });
    expect(JSON.stringify(store)).not.toContain("eyJ.token");
  });

  it("refuses oidc_token_id when the caller wrote no token file", () => {
    expect(() =>
      configFor({ oidc_token_id: "eyJ.token", assume_role: "arn:aws:iam::1:role/ci" }),
    ).toThrow("oidc_token_id is set");
  });

  it("assumes user_role_arn with its own external id", () => {
    const { store } = configFor({
      user_role_arn: "arn:aws:iam::1:role/uploader",
      user_role_external_id: "ext",
    });
    expect(store).toMatchObject({ roleArn: "arn:aws:iam::1:role/uploader", externalId: "ext" });
  });

  it("warns about external ids that have no role to go with", () => {
    const { warnings } = configFor({ external_id: "a", user_role_external_id: "b" });
    expect(warnings).toEqual([
      "external_id only applies to assume_role; it is ignored.",
      "user_role_external_id only applies to user_role_arn; it is ignored.",
    ]);
  });
});

describe("uploads", () => {
  it("syncs a folder's content under target, as plugins/s3-sync does", () => {
    const { job } = configFor(
      { source: "public", target: "/site/", delete: true },
      { sourceKind: "directory" },
    );
    expect(job).toEqual({
      direction: "upload",
      options: {
        source: ".",
        cwd: join(workspace, "public"),
        target: "/site/",
        rules: {},
        delete: true,
        dryRun: false,
        force: false,
        concurrency: 16,
        multipartThreshold: 128 * 1024 * 1024,
      },
    });
  });

  it("keeps a glob's paths as keys, as plugins/s3 does, with strip_prefix and exclude", () => {
    const { job } = configFor(
      {
        source: "build/*/dist/**/*",
        target: "/releases/1.0",
        strip_prefix: "build/*/dist/",
        exclude: ["**/*.map"],
      },
      { sourceKind: "other" },
    );
    expect(job.direction).toBe("upload");
    expect(job.options).toMatchObject({
      source: "build/*/dist/**/*",
      cwd: workspace,
      target: "/releases/1.0",
      stripPrefix: "build/*/dist/",
      exclude: ["**/*.map"],
    });
  });

  it("takes multipart_threshold over part_size, which is the threshold when set alone", () => {
    const mebibyte = 1024 * 1024;
    const both = configFor(
      { part_size: 16, multipart_threshold: 256 },
      { sourceKind: "directory" },
    );
    expect(both.job.options).toMatchObject({
      partSize: 16 * mebibyte,
      multipartThreshold: 256 * mebibyte,
    });
    const alone = configFor({ multipart_threshold: 64 }, { sourceKind: "directory" });
    expect(alone.job.options).toMatchObject({ multipartThreshold: 64 * mebibyte });
    expect(alone.job.options).not.toHaveProperty("partSize");
    const download = configFor({ download: true, multipart_threshold: 64 });
    expect(download.warnings).toContain(
      "multipart_threshold only applies to uploads; it is ignored with download.",
    );
  });

  it("uploads a single file under its path", () => {
    const { job } = configFor({ source: "out/app.zip" }, { sourceKind: "file" });
    expect(job.options).toMatchObject({ source: "out/app.zip", cwd: workspace });
  });

  it("turns every header setting into sync rules, regex keys translated", () => {
    const { job } = configFor(
      {
        acl: "public-read",
        content_type: { ".svg": "image/svg+xml", "\\.txt$": "text/plain" },
        content_encoding: { ".br": "br" },
        cache_control: "max-age=60",
        metadata: { author: "ci" },
        redirects: { "old.html": "/new.html" },
        encryption: "AES256",
        storage_class: "STANDARD_IA",
        gzip: ["html", "css"],
        part_size: 5,
        max_concurrency: 4,
        force: true,
        dry_run: true,
      },
      { sourceKind: "directory" },
    );
    expect(job.direction).toBe("upload");
    expect(job.options).toMatchObject({
      rules: {
        acl: "public-read",
        contentType: { ".svg": "image/svg+xml", ".txt": "text/plain" },
        contentEncoding: { ".br": "br" },
        cacheControl: "max-age=60",
        metadata: { "*": { author: "ci" } },
        redirects: { "old.html": "/new.html" },
        encryption: "AES256",
        storageClass: "STANDARD_IA",
        gzip: ["html", "css"],
      },
      partSize: 5 * 1024 * 1024,
      multipartThreshold: 5 * 1024 * 1024,
      concurrency: 4,
      force: true,
      dryRun: true,
    });
  });
});

describe("downloads", () => {
  it("downloads the source prefix into the target folder of the workspace", () => {
    const { job, warnings } = configFor({
      download: true,
      source: "/builds/42/",
      target: "/artifacts",
      delete: true,
    });
    expect(job).toEqual({
      direction: "download",
      options: {
        source: "builds/42/",
        target: "artifacts",
        cwd: workspace,
        delete: true,
        dryRun: false,
        concurrency: 16,
      },
    });
    expect(warnings).toEqual([]);
  });

  it("reads the default source as the whole bucket and the default target as the workspace", () => {
    const { job } = configFor({ download: true });
    expect(job.options).toMatchObject({ source: "", target: "." });
  });

  it("writes into target/strip_prefix as plugins/s3 did, and says how to write it directly", () => {
    const { job, warnings } = configFor({
      download: true,
      source: "builds/42",
      target: "out",
      strip_prefix: "web/",
    });
    expect(job.options).toMatchObject({ target: join("out", "web/") });
    expect(warnings).toEqual([expect.stringContaining("set target to that folder")]);
  });

  it("warns about every upload-only setting it ignores", () => {
    const { warnings } = configFor({
      download: true,
      acl: "public-read",
      gzip: ["js"],
      exclude: ["*.map"],
      force: true,
    });
    expect(warnings).toEqual([
      "acl only applies to uploads; it is ignored with download.",
      "gzip only applies to uploads; it is ignored with download.",
      "exclude only applies to uploads; it is ignored with download.",
      "force only applies to uploads; it is ignored with download.",
    ]);
  });
});

describe("helpers", () => {
  it.each([
    ["dist/**/*", true],
    ["dist/*.js", true],
    ["img/?.png", true],
    ["{a,b}", true],
    ["[ab].txt", true],
    ["!(x)", true],
    ["dist", false],
    ["builds/42/", false],
  ])("hasGlobSyntax(%j) is %s", (source, expected) => {
    expect(hasGlobSyntax(source)).toBe(expected);
  });

  it.each([
    [".", ""],
    ["./", ""],
    ["/", ""],
    ["/builds/42", "builds/42"],
    ["./builds/", "builds/"],
  ])("toDownloadPrefix(%j) is %j", (source, prefix) => {
    expect(toDownloadPrefix(source)).toBe(prefix);
  });
});
