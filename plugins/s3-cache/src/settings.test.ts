import { definePlugin, executePlugin, type SettingsOf } from "@spotkit/runtime";
import { encodeDroneSettings } from "@spotkit/runtime/testing";
import { describe, expect, it } from "vitest";
import { settings } from "./settings.js";

/** A plugin that only declares the settings, to read them as a real run does. */
const probe = definePlugin({
  name: "s3-cache-settings-probe",
  description: "Reads the cache plugin's settings.",
  version: "0.0.0",
  settings,
  async run() {},
});

/** The settings a run decodes from `env`, as printed by --print-settings (secrets masked). */
async function printSettings(
  env: Record<string, string>,
): Promise<{ code: number; values: Record<string, unknown>; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await executePlugin(probe, {
    argv: ["--print-settings"],
    env,
    cwd: "/",
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, values: code === 0 ? JSON.parse(stdout) : {}, stderr };
}

describe("settings", () => {
  it("has drone-cache's and plugins/s3-cache's defaults", async () => {
    const { values } = await printSettings({});
    expect(values).toMatchObject({
      backend: "s3",
      restore: false,
      rebuild: false,
      flush: false,
      mount: [],
      restore_keys: [],
      override: true,
      exit_code: false,
      skip_symlinks: false,
      flush_age: 30,
      assume_role_session_name: "drone-cache",
      filesystem_cache_root: "/tmp/cache",
    });
  });

  it("decodes Drone-encoded settings", async () => {
    const encoded = encodeDroneSettings({
      mode: "Rebuild",
      backend: "GCS",
      mount: ["node_modules", "packages/*/node_modules"],
      restore_keys: ['npm-{{ checksum "package-lock.json" }}', "npm-"],
      compression_level: 9,
      backend_operation_timeout: "15m",
      override: false,
    } satisfies Partial<Record<keyof SettingsOf<typeof settings>, unknown>>);
    const { values } = await printSettings(encoded);
    expect(values).toMatchObject({
      mode: "rebuild",
      backend: "gcs",
      mount: ["node_modules", "packages/*/node_modules"],
      restore_keys: ['npm-{{ checksum "package-lock.json" }}', "npm-"],
      compression_level: 9,
      backend_operation_timeout: "15m",
      override: false,
    });
  });

  it("reads the Go plugins' variables as aliases", async () => {
    const { values } = await printSettings({
      PLUGIN_SERVER: "http://127.0.0.1:9000",
      CACHE_S3_ACCESS_KEY: "AKIAEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "secret-value",
      PLUGIN_FAIL_ON_ERROR: "true",
      S3_BUCKET: "caches",
      AZURE_CONTAINER_NAME: "blobs",
      AZURE_BLOB_STORAGE_URL: "http://127.0.0.1:10000",
      GCS_CACHE_JSON_KEY: "{}",
      FILESYSTEM_CACHE_ROOT: "/cache",
      BACKEND_OPERATION_TIMEOUT: "600",
      SKIP_SYMLINKS: "true",
    });
    expect(values).toMatchObject({
      endpoint: "http://127.0.0.1:9000",
      access_key: "******",
      secret_key: "******",
      exit_code: true,
      bucket: "caches",
      container: "blobs",
      azure_blob_storage_url: "http://127.0.0.1:10000",
      json_key: "******",
      filesystem_cache_root: "/cache",
      backend_operation_timeout: 600,
      skip_symlinks: true,
    });
  });

  it("refuses a backend it does not support, naming the variable", async () => {
    const { code, stderr } = await printSettings({ PLUGIN_BACKEND: "sftp" });
    expect(code).toBe(1);
    expect(stderr).toMatch(/PLUGIN_BACKEND \(backend\)/);
  });
});
