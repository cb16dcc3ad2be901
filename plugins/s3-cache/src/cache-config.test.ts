import { createHash } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BuildMetadata, readBuildMetadata, SettingsError, z } from "@spotkit/runtime";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CacheConfig, resolveCacheConfig, validateCacheSettings } from "./cache-config.js";
import { type CacheSettings, settings } from "./settings.js";

let workspace = "";

const droneEnv = {
  DRONE: "true",
  DRONE_REPO: "acme/shop",
  DRONE_REPO_OWNER: "acme",
  DRONE_REPO_NAME: "shop",
  DRONE_REPO_BRANCH: "main",
  DRONE_COMMIT_BRANCH: "feature",
  DRONE_COMMIT_SHA: "abc123",
};

beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), "spotkit-cache-config-"));
  for (const folder of ["node_modules/x", "packages/a/node_modules", "packages/b/node_modules"]) {
    await mkdir(join(workspace, folder), { recursive: true });
  }
  await writeFile(join(workspace, "package-lock.json"), "lock");
});

afterEach(async () => {
  await rm(workspace, { recursive: true, force: true });
});

/** Settings as the runtime decodes them: the given values plus every default. */
function values(given: Partial<Record<keyof CacheSettings, unknown>>): CacheSettings {
  return z.object(settings).parse(given);
}

function build(env: Record<string, string> = droneEnv): BuildMetadata {
  return readBuildMetadata({ ...env, DRONE_WORKSPACE: workspace });
}

async function resolve(
  given: Partial<Record<keyof CacheSettings, unknown>>,
  options: { env?: Record<string, string>; buildEnv?: Record<string, string> } = {},
): Promise<CacheConfig> {
  return resolveCacheConfig(values(given), {
    cwd: workspace,
    env: options.env ?? {},
    build: build(options.buildEnv),
    now: () => new Date(1_700_000_000_000),
    platform: { os: "linux", arch: "arm64" },
  });
}

async function issuesOf(
  given: Partial<Record<keyof CacheSettings, unknown>>,
  options: { env?: Record<string, string>; buildEnv?: Record<string, string> } = {},
): Promise<Array<{ setting: string; message: string }>> {
  const error = await resolve(given, options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SettingsError);
  return (error as SettingsError).issues.map(({ setting, message }) => ({ setting, message }));
}

describe("resolveCacheConfig, drone-cache layout", () => {
  it("keys caches by branch under the repository name, as zstd", async () => {
    const config = await resolve({ rebuild: true, bucket: "caches", mount: ["node_modules"] });
    expect(config).toMatchObject({
      mode: "rebuild",
      layout: "drone-cache",
      key: "feature",
      namespace: "shop",
      filename: "archive.tar.zst",
      format: "zstd",
      level: undefined,
      localRoot: workspace,
      mounts: ["node_modules"],
      override: true,
      failOnError: false,
      operationTimeoutMs: 600_000,
      store: { type: "s3", bucket: "caches", roleSessionName: "drone-cache" },
    });
    expect(config.objectKey("feature")).toBe("shop/feature/archive.tar.zst");
  });

  it("renders cache_key and restore_keys templates", async () => {
    const config = await resolve({
      mode: "restore",
      bucket: "caches",
      remote_root: "/team//shop/",
      cache_key: 'npm-{{ os }}-{{ arch }}-{{ checksum "package-lock.json" }}',
      restore_keys: ["npm-{{ os }}-{{ arch }}-", "npm-", "{{ .Repo.Name }}/"],
      archive_format: "gzip",
      compression_level: 9,
    });
    const lockMd5 = createHash("md5").update("lock").digest("hex");
    expect(config.key).toBe(`npm-linux-arm64-${lockMd5}`);
    expect(config.restoreKeys).toEqual(["npm-linux-arm64-", "npm-", "shop/"]);
    expect(config.namespace).toBe("team/shop");
    expect(config.objectKey(config.key)).toBe(
      `team/shop/npm-linux-arm64-${lockMd5}/archive.tar.gz`,
    );
    expect(config).toMatchObject({ format: "gzip", level: 9 });
  });

  it("expands mount globs on rebuild and warns about missing mounts", async () => {
    const config = await resolve({
      rebuild: true,
      bucket: "caches",
      mount: ["packages/*/node_modules", "./node_modules/", ".m2", `${workspace}/node_modules/x`],
    });
    expect(config.mounts).toEqual([
      "packages/a/node_modules",
      "packages/b/node_modules",
      "node_modules",
    ]);
    expect(config.mountPatterns).toEqual([
      "packages/*/node_modules",
      "node_modules",
      ".m2",
      "node_modules/x",
    ]);
    expect(config.warnings.join("\n")).toMatch(/mount "\.m2" does not exist/);
  });

  it("keeps plain restore mounts that do not exist yet", async () => {
    const config = await resolve(
      { restore: true, bucket: "caches", mount: [".m2", "$HOME/x"] },
      {
        env: { HOME: workspace },
      },
    );
    expect(config.mounts).toEqual([".m2", "x"]);
    expect(config.warnings).toEqual([]);
  });

  it("flushes under the repository's folder", async () => {
    const config = await resolve({ flush: true, bucket: "caches", flush_age: 7 });
    expect(config.flush).toEqual({ prefix: "shop/", maxAgeDays: 7 });
    expect(config.key).toBe("");
  });

  it("reports a key that renders empty, naming cache_key", async () => {
    const issues = await issuesOf(
      { rebuild: true, bucket: "caches", mount: ["node_modules"] },
      { buildEnv: { DRONE: "true", DRONE_REPO_NAME: "shop" } },
    );
    expect(issues).toEqual([
      expect.objectContaining({
        setting: "cache_key",
        message: expect.stringMatching(/needs DRONE_COMMIT_BRANCH.*set cache_key/),
      }),
    ]);
  });

  it("reports unknown fields and .. segments in keys", async () => {
    const issues = await issuesOf({
      restore: true,
      bucket: "caches",
      cache_key: "{{ .Commit.Tag }}",
      restore_keys: ["a/../b"],
    });
    expect(issues.map((issue) => issue.setting)).toEqual(["cache_key", "restore_keys"]);
    expect(issues[0]?.message).toMatch(/no field \.Commit\.Tag/);
    expect(issues[1]?.message).toMatch(/item 1 "a\/\.\.\/b".*"\.\." segment/);
  });
});

describe("resolveCacheConfig, plugins/s3-cache layout", () => {
  it("uses root/owner/name/branch/archive.tar with the default branch as fallback", async () => {
    const config = await resolve({ mode: "restore", root: "caches/ci", mount: ["node_modules"] });
    expect(config).toMatchObject({
      layout: "s3-cache",
      key: "acme/shop/feature",
      restoreKeys: ["acme/shop/main"],
      namespace: "ci",
      filename: "archive.tar",
      format: "none",
      store: { type: "s3", bucket: "caches" },
    });
    expect(config.objectKey(config.key)).toBe("ci/acme/shop/feature/archive.tar");
  });

  it("takes the format from filename and the paths as given", async () => {
    const config = await resolve({
      mode: "restore",
      root: "caches",
      path: "/custom/path/",
      fallback_path: "custom/main",
      filename: "cache.tgz",
    });
    expect(config).toMatchObject({
      key: "custom/path",
      restoreKeys: ["custom/main"],
      filename: "cache.tgz",
      format: "gzip",
      namespace: "",
    });
    expect(config.objectKey(config.key)).toBe("custom/path/cache.tgz");
  });

  it("reads the bucket and region from an AWS endpoint", async () => {
    const config = await resolve({
      mode: "rebuild",
      endpoint: "https://caches.s3.eu-west-1.amazonaws.com",
      mount: ["node_modules"],
    });
    expect(config.layout).toBe("s3-cache");
    expect(config.store).toMatchObject({ type: "s3", bucket: "caches", region: "eu-west-1" });
    expect(config.store).not.toHaveProperty("endpoint");
  });

  it("reads s3://bucket/folder", async () => {
    const config = await resolve({ flush: true, endpoint: "s3://caches/team" });
    expect(config.store).toMatchObject({ type: "s3", bucket: "caches" });
    expect(config.flush.prefix).toBe("team/acme/shop/");
  });

  it("refuses a bucket given twice, and mixing the two layouts", async () => {
    expect(await issuesOf({ restore: true, endpoint: "s3://one", root: "two" })).toEqual([
      expect.objectContaining({ setting: "root", message: expect.stringMatching(/already names/) }),
    ]);
    const mixed = await issuesOf({ restore: true, bucket: "b", path: "x", cache_key: "y" });
    expect(mixed).toEqual([
      expect.objectContaining({ setting: "path", message: expect.stringMatching(/keep one/) }),
    ]);
  });
});

describe("resolveCacheConfig, other backends", () => {
  it("configures Azure from a host suffix or an Azurite URL", async () => {
    const suffix = await resolve({
      restore: true,
      backend: "azure",
      account_name: "acct",
      account_key: "a2V5",
      container: "caches",
      azure_blob_storage_url: "blob.core.windows.net",
    });
    expect(suffix.store).toEqual({
      type: "azure",
      container: "caches",
      account: "acct",
      accountKey: "a2V5",
      endpoint: "https://acct.blob.core.windows.net",
      env: {},
    });
    const azurite = await resolve({
      restore: true,
      backend: "AZURE",
      account_name: "devstoreaccount1",
      container: "caches",
      azure_blob_storage_url: "http://127.0.0.1:10000",
    });
    expect(azurite.store).toMatchObject({ endpoint: "http://127.0.0.1:10000/devstoreaccount1" });
  });

  it("configures GCS with its endpoint, key and ACL", async () => {
    const config = await resolve({
      rebuild: true,
      backend: "gcs",
      bucket: "caches",
      endpoint: "http://127.0.0.1:4443/",
      json_key: "{}",
      gcs_acl: "projectPrivate",
      mount: ["node_modules"],
    });
    expect(config.store).toEqual({
      type: "gcs",
      bucket: "caches",
      apiEndpoint: "http://127.0.0.1:4443",
      credentials: "{}",
      env: {},
    });
    expect(config.putOptions).toEqual({ acl: "projectPrivate" });
  });

  it("configures the filesystem store relative to the workspace", async () => {
    const config = await resolve({
      rebuild: true,
      backend: "filesystem",
      filesystem_cache_root: "cache-volume",
      mount: ["node_modules"],
    });
    expect(config.store).toEqual({ type: "filesystem", root: join(workspace, "cache-volume") });
  });

  it("names each missing setting of the backend", async () => {
    const issues = await issuesOf({ restore: true, backend: "azure" });
    expect(issues.map((issue) => issue.setting)).toEqual(["container", "account_name"]);
  });
});

describe("validateCacheSettings", () => {
  it("accepts a complete drone-cache step", () => {
    expect(
      validateCacheSettings(values({ rebuild: true, bucket: "b", mount: ["node_modules"] })),
    ).toEqual([]);
  });

  it("reports every static problem at once, each naming its setting", () => {
    const issues = validateCacheSettings(
      values({
        restore: true,
        rebuild: true,
        access_key: "AKIA",
        filename: "cache.zip",
        backend_operation_timeout: "ten minutes",
        cache_key: "{{ .Commit.Branch",
      }),
    );
    expect(issues.map((issue) => issue.setting).sort()).toEqual([
      "backend_operation_timeout",
      "bucket",
      "cache_key",
      "filename",
      "mode",
      "secret_key",
    ]);
    for (const issue of issues) expect(issue.message.length).toBeGreaterThan(20);
  });

  it("checks the mode and mounts of plugins/s3-cache", () => {
    expect(validateCacheSettings(values({ root: "b" }))).toEqual([
      expect.objectContaining({ setting: "mode" }),
    ]);
    expect(validateCacheSettings(values({ mode: "rebuild", root: "b" }))).toEqual([
      expect.objectContaining({ setting: "mount" }),
    ]);
    expect(validateCacheSettings(values({ mode: "flush", flush: true, root: "b" }))).toEqual([]);
    expect(validateCacheSettings(values({ mode: "flush", restore: true, root: "b" }))).toEqual([
      expect.objectContaining({
        setting: "mode",
        message: expect.stringMatching(/keep only mode/),
      }),
    ]);
  });

  it("refuses levels outside the format's range", () => {
    expect(
      validateCacheSettings(values({ restore: true, bucket: "b", compression_level: 22 })),
    ).toEqual([expect.objectContaining({ setting: "compression_level" })]);
  });
});
