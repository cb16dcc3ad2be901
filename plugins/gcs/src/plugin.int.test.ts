import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { runPluginEntry } from "@spotkit/runtime/testing";
import { createObjectStore, type ObjectStore } from "@spotkit/storage";
import {
  createGcsFakeBucket,
  type GcsPeer,
  loopbackOnlyPreloadPath,
  startGcsFake,
} from "@spotkit/test-peers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sampleTree, writeTree } from "./test-support/sample-tree.js";
import {
  createServiceAccountKey,
  type TestServiceAccountKey,
} from "./test-support/service-account-key.js";

// No GCS emulator runs on the test machines: these tests use the in-repo FAKE of the GCS JSON API
// from @spotkit/test-peers, which checks hashes, chunking and bearer tokens as GCS does.

const entry = join(import.meta.dirname, "..", "dist", "main.js");
/**
 * Every run gets this preload, which fails any lookup or connection off loopback: Google's auth
 * library reaches for oauth2.googleapis.com or the metadata server when a credential needs it,
 * and a test must never send a packet there. (For that reason no test here signs in with a
 * service-account key: its token exchange always goes to Google.)
 */
const loopbackOnly = {
  NODE_OPTIONS: `--import ${loopbackOnlyPreloadPath()}`,
};
const accessToken = "ya29.spotkit-test-access-token";
const sampleNames = Object.keys(sampleTree).sort();

/** The fake, which wants `accessToken` as a bearer token. */
let gcs: GcsPeer;
let serviceAccount: TestServiceAccountKey;
let workspace: string;
let bucketCount = 0;

beforeAll(async () => {
  gcs = await startGcsFake({ requireToken: accessToken });
  serviceAccount = createServiceAccountKey();
});
afterAll(async () => {
  await gcs?.stop();
});
beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), "spotkit-gcs-"));
  return () => rm(workspace, { recursive: true, force: true });
});

async function newBucket(): Promise<string> {
  bucketCount += 1;
  const name = `bucket-${bucketCount}-${Date.now()}`;
  await createGcsFakeBucket(gcs.endpoint, name, accessToken);
  return name;
}

function inspect(bucket: string): ObjectStore {
  return createObjectStore({ type: "gcs", bucket, apiEndpoint: gcs.endpoint, token: accessToken });
}

function names(bucket: string): string[] {
  return gcs.objects(bucket).map((object) => object.name);
}

function md5(content: string | Buffer | undefined): string {
  return createHash("md5")
    .update(content ?? "")
    .digest("base64");
}

function sha256(content: string | Buffer | undefined): string {
  return createHash("sha256")
    .update(content ?? "")
    .digest("hex");
}

/** Runs dist/main.js as Drone would, with the access token from a secret. */
async function runPlugin(
  settings: Record<string, unknown>,
  options: { env?: Record<string, string> } = {},
) {
  const result = await runPluginEntry(entry, {
    settings: {
      access_token: { from_secret: "gcs_token" },
      api_endpoint: gcs.endpoint,
      ...settings,
    },
    secrets: { gcs_token: accessToken },
    env: { ...loopbackOnly, ...options.env },
    cwd: workspace,
    timeout: 60_000,
  });
  expectNoSecrets(result.output);
  return result;
}

function expectNoSecrets(output: string) {
  expect(output).not.toContain(accessToken);
  expect(output).not.toContain(serviceAccount.privateKeyId);
  // Any line of the private key (each is 64 characters of base64).
  for (const line of serviceAccount.privateKey.split("\n").filter((text) => text.length > 40)) {
    expect(output).not.toContain(line);
  }
}

describe("upload (GCS fake)", () => {
  it("uploads a folder, names relative to it, then only what changed", async () => {
    await writeTree(join(workspace, "dist"), sampleTree);
    const bucket = await newBucket();
    const settings = { source: "dist", target: `${bucket}/site/`, part_size: "1MiB" };

    const first = await runPlugin(settings);
    expect(first.exitCode, first.output).toBe(0);
    expect(names(bucket)).toEqual(sampleNames.map((name) => `site/${name}`));
    for (const object of gcs.objects(bucket)) {
      expect(object.md5Hash, object.name).toBe(md5(sampleTree[object.name.slice("site/".length)]));
    }
    expect(first.outputs).toMatchObject({
      files: String(sampleNames.length),
      uploaded: String(sampleNames.length),
      skipped: "0",
      deleted: "0",
    });
    expect(first.outputs.seconds).toMatch(/^\d+\.\d$/);
    expect(first.output).toMatch(/synced 7 files .*: 7 uploaded, 0 unchanged, 0 deleted/);

    const again = await runPlugin(settings);
    expect(again.exitCode, again.output).toBe(0);
    expect(again.outputs).toMatchObject({ uploaded: "0", skipped: String(sampleNames.length) });

    await writeFile(join(workspace, "dist", "js", "app.js"), "console.log('changed');");
    const changed = await runPlugin(settings);
    expect(changed.exitCode, changed.output).toBe(0);
    expect(changed.outputs).toMatchObject({
      uploaded: "1",
      skipped: String(sampleNames.length - 1),
    });
  });

  it("names glob matches relative to their folder, groups sources, and ignores as told", async () => {
    await writeTree(workspace, {
      "dist/index.html": "i",
      "dist/about/index.html": "a",
      "dist/app.js.map": "m",
      "assets/css/site.css": "c",
      "assets/js/app.js": "j",
      "assets/js/app.js.map": "m",
      "README.md": "r",
    });
    const bucket = await newBucket();
    const result = await runPlugin({
      source: "dist/**/*.html,assets/**/*.{css,js},README.md",
      target: bucket,
      ignore: "*.map",
    });
    expect(result.exitCode, result.output).toBe(0);
    expect(names(bucket)).toEqual([
      "README.md",
      "about/index.html",
      "css/site.css",
      "index.html",
      "js/app.js",
    ]);
    expect(result.outputs).toMatchObject({ files: "5", uploaded: "5" });
  });

  it("stores a single file under the target's name, typed by the file (drone-gcs target path fix)", async () => {
    await writeTree(join(workspace, "build"), { "app.zip": "PK zip bytes" });
    const bucket = await newBucket();
    const result = await runPlugin({
      source: "build/app.zip",
      target: `${bucket}/releases/1.0.0/latest`,
    });
    expect(result.exitCode, result.output).toBe(0);
    expect(names(bucket)).toEqual(["releases/1.0.0/latest"]);
    expect((await inspect(bucket).head("releases/1.0.0/latest"))?.contentType).toBe(
      "application/zip",
    );

    const intoFolder = await runPlugin({ source: "build/app.zip", target: `${bucket}/releases/` });
    expect(intoFolder.exitCode, intoFolder.output).toBe(0);
    expect(names(bucket)).toEqual(["releases/1.0.0/latest", "releases/app.zip"]);
  });

  it("deletes objects under the target that no file maps to, and strips a prefix", async () => {
    await writeTree(join(workspace, "site"), {
      "assets/a.css": "a",
      "assets/b.css": "b",
      "x.html": "x",
    });
    const bucket = await newBucket();
    const settings = {
      source: "site",
      target: `${bucket}/web`,
      strip_prefix: "assets/",
      delete: true,
    };
    expect((await runPlugin(settings)).exitCode).toBe(0);
    expect(names(bucket)).toEqual(["web/a.css", "web/b.css", "web/x.html"]);

    await rm(join(workspace, "site", "assets", "a.css"));
    const second = await runPlugin(settings);
    expect(second.exitCode, second.output).toBe(0);
    expect(second.outputs).toMatchObject({ uploaded: "0", deleted: "1", skipped: "2" });
    expect(names(bucket)).toEqual(["web/b.css", "web/x.html"]);
  });

  it("writes plugins/gcs's cache_control, metadata (JSON) and gzip, and accepts an acl", async () => {
    const html = "<p>hello</p>".repeat(40);
    await writeTree(join(workspace, "dist"), { "index.html": html, "app.js": "let a = 1;" });
    const bucket = await newBucket();
    const result = await runPlugin(
      { source: "dist", target: `${bucket}/`, acl: ["allUsers:READER"], gzip: ["html"] },
      {
        env: {
          PLUGIN_CACHE_CONTROL: "public,max-age=3600",
          PLUGIN_METADATA: '{"x-foo":"bar"}',
        },
      },
    );
    expect(result.exitCode, result.output).toBe(0);
    const store = inspect(bucket);
    expect(await store.head("index.html")).toMatchObject({
      cacheControl: "public,max-age=3600",
      contentEncoding: "gzip",
      contentType: "text/html; charset=utf-8",
      metadata: expect.objectContaining({ "x-foo": "bar" }),
    });
    expect((await store.head("app.js"))?.contentEncoding).toBeUndefined();
    const { body } = await store.get("index.html");
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    expect(gunzipSync(Buffer.concat(chunks)).toString()).toBe(html);
  });

  it("changes nothing in a dry run", async () => {
    await writeTree(join(workspace, "dist"), sampleTree);
    const bucket = await newBucket();
    const result = await runPlugin({ source: "dist", target: bucket, dry_run: true });
    expect(result.exitCode, result.output).toBe(0);
    expect(result.outputs).toMatchObject({ uploaded: String(sampleNames.length) });
    expect(result.output).toContain("dry run: would sync 7 files");
    expect(names(bucket)).toEqual([]);
  });
});

describe("download (GCS fake)", () => {
  it("writes each object at its full name below target, then only what changed", async () => {
    await writeTree(join(workspace, "dist"), sampleTree);
    const bucket = await newBucket();
    expect((await runPlugin({ source: "dist", target: `${bucket}/builds/1.0` })).exitCode).toBe(0);

    const settings = { download: true, source: `${bucket}/builds/1.0/`, target: "restored" };
    const first = await runPlugin(settings);
    expect(first.exitCode, first.output).toBe(0);
    expect(first.outputs).toMatchObject({ downloaded: String(sampleNames.length) });
    for (const name of sampleNames) {
      const file = join(workspace, "restored", "builds", "1.0", name);
      expect(sha256(await readFile(file)), name).toBe(sha256(sampleTree[name]));
    }

    const again = await runPlugin(settings);
    expect(again.exitCode, again.output).toBe(0);
    expect(again.outputs).toMatchObject({ downloaded: "0", skipped: String(sampleNames.length) });
  });
});

describe("failures (GCS fake)", () => {
  it("names access_token when GCS refuses it", async () => {
    await writeTree(join(workspace, "dist"), { "a.txt": "a" });
    const bucket = await newBucket();
    const wrongToken = "ya29.not-the-right-token";
    const result = await runPluginEntry(entry, {
      settings: {
        access_token: { from_secret: "gcs_token" },
        api_endpoint: gcs.endpoint,
        source: "dist",
        target: bucket,
      },
      secrets: { gcs_token: wrongToken },
      env: loopbackOnly,
      cwd: workspace,
      timeout: 60_000,
    });
    expect(result.output).not.toContain(wrongToken);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("401");
    expect(result.stderr).toContain("Set access_token");
    expect(names(bucket)).toEqual([]);
  });

  it("never reaches Google for a service-account key's token, and never prints the key", async () => {
    await writeTree(join(workspace, "dist"), { "a.txt": "a" });
    const bucket = await newBucket();
    const result = await runPluginEntry(entry, {
      settings: {
        token: { from_secret: "gcs_key" },
        api_endpoint: gcs.endpoint,
        source: "dist",
        target: bucket,
      },
      secrets: { gcs_key: serviceAccount.json },
      env: loopbackOnly,
      cwd: workspace,
      timeout: 60_000,
    });
    expectNoSecrets(result.output);
    expect(result.exitCode).not.toBe(0);
    // The guard stopped the token request before any lookup: proof that it is in place.
    expect(result.stderr).toContain("loopback-only: refused to reach oauth2.googleapis.com");
    expect(names(bucket)).toEqual([]);
  });

  it("refuses a token that is not a key before any request, without printing it", async () => {
    const result = await runPluginEntry(entry, {
      settings: { token: { from_secret: "gcs_key" }, source: "dist", target: "bucket" },
      secrets: { gcs_key: "definitely-not-a-key" },
      env: loopbackOnly,
      cwd: workspace,
      timeout: 30_000,
    });
    expect(result.output).not.toContain("definitely-not-a-key");
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("token/json_key");
  });

  it("says that the bucket does not exist", async () => {
    await writeTree(join(workspace, "dist"), { "a.txt": "a" });
    const result = await runPlugin({ source: "dist", target: "no-such-bucket/x" });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('bucket "no-such-bucket" does not exist');
  });

  it("refuses ACL entries it cannot apply, and a target without a bucket", async () => {
    const result = await runPlugin({
      source: "dist",
      target: "/",
      acl: ["allUsers:READER", "user-jane@example.com:OWNER"],
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("PLUGIN_ACL (acl)");
    expect(result.stderr).toContain("PLUGIN_TARGET (target)");
  });
});

describe("--print-settings", () => {
  for (const encoding of ["drone", "woodpecker"] as const) {
    it(`decodes a ${encoding}-encoded step with the Go plugin's variables, secrets masked`, async () => {
      const result = await runPluginEntry(entry, {
        encoding,
        settings: {
          source: "dist/*.html,assets/**",
          target: "my-bucket/site/",
          acl: ["allUsers:READER"],
          gzip: ["js", "css"],
          "cache-control": "public,max-age=60",
          metadata: { "x-foo": "bar" },
          oidc_token_id: { from_secret: "oidc" },
        },
        secrets: { oidc: "eyJhbGciOiJSUzI1NiJ9.oidc-token.signature" },
        env: { ...loopbackOnly, GOOGLE_CREDENTIALS: serviceAccount.json },
        argv: ["--print-settings"],
        cwd: workspace,
        timeout: 30_000,
      });
      expectNoSecrets(result.output);
      expect(result.output).not.toContain("oidc-token.signature");
      expect(result.exitCode, result.output).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        token: "******",
        oidc_token_id: "******",
        source: "dist/*.html,assets/**",
        target: "my-bucket/site/",
        acl: ["allUsers:READER"],
        gzip: ["js", "css"],
        cache_control: "public,max-age=60",
        metadata: { "x-foo": "bar" },
        download: false,
        concurrency: 16,
      });
    });
  }
});
