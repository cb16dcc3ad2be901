import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import {
  CloudFrontClient,
  CreateDistributionCommand,
  GetInvalidationCommand,
  ListInvalidationsCommand,
} from "@aws-sdk/client-cloudfront";
import { type PluginEntryOptions, runPluginEntry } from "@spotkit/runtime/testing";
import type { ObjectStore } from "@spotkit/storage";
import { createS3Store } from "@spotkit/storage/s3";
import {
  createS3TestClient,
  type S3Peer,
  signalWhen,
  startFaultProxy,
  startMoto,
  startS3Peer,
} from "@spotkit/test-peers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const entry = join(import.meta.dirname, "..", "dist", "main.js");
const bucket = "spotkit-sync";
const wrongSecret = "wrong-secret-XXXXXXXXXXXXXXXX";
// The machine's CA bundle, as CI machines set it: it must not disturb an http endpoint.
const caBundle = process.env.AWS_CA_BUNDLE ?? "/etc/ssl/certs/ca-certificates.crt";

let peer: S3Peer;
let admin: ReturnType<typeof createS3TestClient>;
let store: ObjectStore;
let workspaceRoot: string;

beforeAll(async () => {
  peer = await startS3Peer();
  admin = createS3TestClient(peer);
  await admin.createBucket(bucket);
  store = createS3Store({
    bucket,
    endpoint: peer.endpoint,
    region: peer.region,
    accessKeyId: peer.accessKeyId,
    secretAccessKey: peer.secretAccessKey,
  });
  workspaceRoot = await mkdtemp(join(tmpdir(), "spotkit-s3-sync-test-"));
}, 120_000);

afterAll(async () => {
  await peer?.stop();
  if (workspaceRoot) await rm(workspaceRoot, { recursive: true, force: true });
});

/** A fresh workspace holding the given files (path → content). */
async function workspace(files: Record<string, string | Buffer> = {}): Promise<string> {
  const folder = await mkdtemp(join(workspaceRoot, "ws-"));
  await writeFiles(folder, files);
  return folder;
}

async function writeFiles(folder: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(folder, path)), { recursive: true });
    await writeFile(join(folder, path), content);
  }
}

/**
 * Runs the built entry as Drone starts it: the peer's endpoint and the bucket as settings, the
 * keys from secrets, and the machine's AWS_CA_BUNDLE. Every run's output is checked for secrets.
 */
async function run(
  cwd: string,
  settings: Record<string, unknown>,
  options: Omit<PluginEntryOptions, "cwd" | "settings"> & { credentials?: boolean } = {},
) {
  const { credentials = true, ...rest } = options;
  const result = await runPluginEntry(entry, {
    timeout: 90_000,
    ...rest,
    cwd,
    settings: {
      endpoint: peer.endpoint,
      bucket,
      ...(credentials
        ? {
            access_key: { from_secret: "s3_access_key" },
            secret_key: { from_secret: "s3_secret_key" },
          }
        : {}),
      ...settings,
    },
    secrets: {
      s3_access_key: peer.accessKeyId,
      s3_secret_key: peer.secretAccessKey,
      ...rest.secrets,
    },
    env: { AWS_CA_BUNDLE: caBundle, ...rest.env },
  });
  expectNoSecrets(result.output);
  return result;
}

function expectNoSecrets(output: string): void {
  expect(output).not.toContain(peer.secretAccessKey);
  expect(output).not.toContain(peer.accessKeyId);
  expect(output).not.toContain(wrongSecret);
}

async function keysUnder(prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const entry of store.list({ prefix })) {
    if (entry.type === "object") keys.push(entry.key);
  }
  return keys.sort();
}

async function readObject(key: string): Promise<Buffer> {
  const { body } = await store.get(key);
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

const tree = {
  "public/index.html": "<h1>hello</h1>\n",
  "public/css/site.css": "body { color: red }\n",
  "public/docs/ünïcödé file.txt": "unicode and spaces\n",
  "public/empty.txt": "",
  "public/a/b/c/deep.json": '{"deep":true}\n',
};

describe("upload (plugins/s3-sync)", () => {
  it("syncs a folder's content under target, then only what changed, then deletes", async () => {
    const cwd = await workspace(tree);
    const settings = { source: "public", target: "/tree", delete: true };

    const first = await run(cwd, settings);
    expect(first.exitCode, first.output).toBe(0);
    expect(first.outputs).toMatchObject({
      files: "5",
      uploaded: "5",
      skipped: "0",
      deleted: "0",
      bytes: String(
        Object.values(tree).reduce((total, text) => total + Buffer.byteLength(text), 0),
      ),
    });
    expect(Number(first.outputs.seconds)).toBeGreaterThanOrEqual(0);
    expect(first.stderr).toMatch(
      /synced 5 files \(.*\) in .* s .*: 5 uploaded, 0 unchanged, 0 deleted/,
    );
    expect(await keysUnder("tree/")).toEqual([
      "tree/a/b/c/deep.json",
      "tree/css/site.css",
      "tree/docs/ünïcödé file.txt",
      "tree/empty.txt",
      "tree/index.html",
    ]);
    expect((await readObject("tree/docs/ünïcödé file.txt")).toString()).toBe(
      "unicode and spaces\n",
    );
    expect((await readObject("tree/empty.txt")).length).toBe(0);
    expect((await store.head("tree/index.html"))?.contentType).toBe("text/html; charset=utf-8");

    const again = await run(cwd, settings);
    expect(again.exitCode, again.output).toBe(0);
    expect(again.outputs).toMatchObject({ files: "5", uploaded: "0", skipped: "5", deleted: "0" });

    await writeFile(join(cwd, "public/css/site.css"), "body { color: blue }\n");
    const changed = await run(cwd, settings);
    expect(changed.outputs).toMatchObject({ uploaded: "1", skipped: "4", deleted: "0" });
    expect((await readObject("tree/css/site.css")).toString()).toBe("body { color: blue }\n");

    await unlink(join(cwd, "public/empty.txt"));
    const deleted = await run(cwd, settings);
    expect(deleted.outputs).toMatchObject({
      files: "4",
      uploaded: "0",
      skipped: "4",
      deleted: "1",
    });
    expect(await keysUnder("tree/")).not.toContain("tree/empty.txt");
  });

  it("uploads a 12 MiB file in 5 MiB parts and skips it on the next run by its spotkit-sha256", async () => {
    const content = randomBytes(12 * 1024 * 1024);
    const cwd = await workspace({ "big/blob.bin": content });
    const settings = { source: "big", target: "multipart", part_size: 5 };

    const first = await run(cwd, settings);
    expect(first.exitCode, first.output).toBe(0);
    expect(first.outputs).toMatchObject({ uploaded: "1", bytes: String(content.length) });
    const info = await store.head("multipart/blob.bin");
    expect(info?.etag).toMatch(/-3$/); // three parts: 5 + 5 + 2 MiB
    expect(info?.md5).toBeUndefined();
    expect(info?.metadata?.["spotkit-sha256"]).toBe(
      createHash("sha256").update(content).digest("hex"),
    );
    expect(await admin.countMultipartUploads(bucket)).toBe(0);

    const again = await run(cwd, settings);
    expect(again.exitCode, again.output).toBe(0);
    expect(again.outputs).toMatchObject({ uploaded: "0", skipped: "1" });
  });

  it("writes redirects as objects with x-amz-website-redirect-location, once", async () => {
    const cwd = await workspace({ "site/new/page.html": "<p>new</p>" });
    const settings = {
      source: "site",
      target: "web",
      redirects: { "/old/page.html": "/web/new/page.html", "gone.html": "https://example.com/" },
    };
    const first = await run(cwd, settings);
    expect(first.exitCode, first.output).toBe(0);
    expect(first.outputs).toMatchObject({ files: "3", uploaded: "3" });
    const redirect = await admin.headObject(bucket, "web/old/page.html");
    expect(redirect?.["x-amz-website-redirect-location"]).toBe("/web/new/page.html");
    expect(redirect?.["content-length"]).toBe("0");
    expect(
      (await admin.headObject(bucket, "web/gone.html"))?.["x-amz-website-redirect-location"],
    ).toBe("https://example.com/");

    const again = await run(cwd, settings);
    expect(again.outputs).toMatchObject({ uploaded: "0", skipped: "3" });
  });

  it("sets content types, cache control and metadata from strings and pattern maps", async () => {
    const cwd = await workspace({
      "out/logo.svg": "<svg/>",
      "out/build.txt": "log",
      "out/docs/guide.md": "# guide",
      "out/index.html": "<html></html>",
      "out/app.js": "console.log(1)",
    });
    const settings = {
      source: "out",
      target: "headers",
      content_type: {
        ".svg": "image/svg+xml; charset=utf-8", // plugins/s3-sync: an extension
        "\\.txt$": "text/x-log", // plugins/s3: a regular expression
        "docs/**": "text/x-doc", // a glob
      },
      cache_control: "public, max-age=60",
      metadata: { "*.html": { Author: "spotkit", Build: 42 } },
      gzip: ["js"],
    };
    const result = await run(cwd, settings, { encoding: "woodpecker" });
    expect(result.exitCode, result.output).toBe(0);

    expect(await store.head("headers/logo.svg")).toMatchObject({
      contentType: "image/svg+xml; charset=utf-8",
      cacheControl: "public, max-age=60",
    });
    expect((await store.head("headers/build.txt"))?.contentType).toBe("text/x-log");
    expect((await store.head("headers/docs/guide.md"))?.contentType).toBe("text/x-doc");
    expect(await store.head("headers/app.js")).toMatchObject({
      contentType: "text/javascript; charset=utf-8",
      contentEncoding: "gzip",
    });
    const page = await store.head("headers/index.html");
    expect(page?.metadata).toMatchObject({ author: "spotkit", build: "42" });
    expect((await store.head("headers/app.js"))?.metadata?.author).toBeUndefined();

    // S3 listings carry no headers, so a changed rule is applied to unchanged files with force.
    const changed = await run(cwd, { ...settings, cache_control: "no-cache", force: true });
    expect(changed.outputs).toMatchObject({ uploaded: "5", skipped: "0" });
    expect((await store.head("headers/logo.svg"))?.cacheControl).toBe("no-cache");
  });
});

describe("cancellation", () => {
  it("stops on SIGTERM during a multipart upload and leaves no incomplete upload", async () => {
    const proxy = await startFaultProxy({ target: peer.endpoint });
    try {
      // Hold the second part back, so the upload is surely running when SIGTERM arrives.
      const held = proxy.faults.add({
        match: { method: "PUT", query: /partNumber=/ },
        skip: 1,
        times: 1,
        action: { type: "delay", ms: 20_000 },
      });
      const cwd = await workspace({ "big/blob.bin": randomBytes(12 * 1024 * 1024) });
      const result = await run(
        cwd,
        { endpoint: proxy.endpoint, source: "big", target: "cancelled", part_size: 5 },
        { onSpawn: (child) => signalWhen(child, () => held.applied > 0) },
      );
      expect(held.applied).toBe(1);
      expect(result.exitCode, result.output).toBe(143);
      expect(result.stderr).toContain("cancelled");
      expect(await admin.countMultipartUploads(bucket)).toBe(0);
      expect(await keysUnder("cancelled/")).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });
});

describe("upload (plugins/s3)", () => {
  it("keeps a glob's paths, minus a wildcard strip_prefix, and leaves out excluded files", async () => {
    const cwd = await workspace({
      "build/7f3a/dist/app.js": "app",
      "build/7f3a/dist/app.js.map": "map",
      "build/7f3a/dist/lib/util.js": "util",
      "build/7f3a/dist/private/key.txt": "keep out",
      "build/7f3a/notes.txt": "not in dist",
    });
    const result = await run(cwd, {
      source: "build/*/dist/**/*",
      strip_prefix: "build/*/dist/",
      exclude: ["*.map", "build/*/dist/private/**"],
      target: "/releases/1.0",
    });
    expect(result.exitCode, result.output).toBe(0);
    expect(await keysUnder("releases/")).toEqual([
      "releases/1.0/app.js",
      "releases/1.0/lib/util.js",
    ]);
  });

  it("uploads one file under its path as written", async () => {
    const cwd = await workspace({ "out/app.zip": "zip" });
    const result = await run(cwd, { source: "out/app.zip", target: "single" });
    expect(result.exitCode, result.output).toBe(0);
    expect(await keysUnder("single/")).toEqual(["single/out/app.zip"]);
  });

  it("changes nothing in a dry run, but reports what it would do", async () => {
    const cwd = await workspace(tree);
    const result = await run(cwd, { source: "public", target: "dry", dry_run: true });
    expect(result.exitCode, result.output).toBe(0);
    expect(result.outputs).toMatchObject({ files: "5", uploaded: "5" });
    expect(result.stderr).toContain("dry run: would sync 5 files");
    expect(await keysUnder("dry/")).toEqual([]);
  });
});

describe("download", () => {
  it("downloads the objects under a prefix into a folder of the workspace, then only what changed", async () => {
    await store.put("downloads/v1/app.js", "app");
    await store.put("downloads/v1/assets/ünï code.css", "css");
    await store.put("downloads/v10/other.js", "not under downloads/v1/");
    const cwd = await workspace({ "out/stale.txt": "stale" });
    const settings = { download: true, source: "/downloads/v1", target: "/out", delete: true };

    const first = await run(cwd, settings);
    expect(first.exitCode, first.output).toBe(0);
    expect(first.outputs).toMatchObject({
      files: "2",
      downloaded: "2",
      skipped: "0",
      deleted: "1",
    });
    expect(await readFile(join(cwd, "out/app.js"), "utf8")).toBe("app");
    expect(await readFile(join(cwd, "out/assets/ünï code.css"), "utf8")).toBe("css");
    await expect(stat(join(cwd, "out/stale.txt"))).rejects.toMatchObject({ code: "ENOENT" });
    await expect(stat(join(cwd, "out/other.js"))).rejects.toMatchObject({ code: "ENOENT" });

    const again = await run(cwd, settings);
    expect(again.outputs).toMatchObject({ downloaded: "0", skipped: "2" });
  });
});

describe("failures", () => {
  it("names secret_key and AWS_SECRET_ACCESS_KEY when the secret is wrong, and never prints it", async () => {
    const cwd = await workspace(tree);
    const result = await run(
      cwd,
      { source: "public", target: "wrong", secret_key: { from_secret: "wrong_secret" } },
      { secrets: { wrong_secret: wrongSecret } },
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("S3 rejected the credentials");
    expect(result.stderr).toContain("secret_key");
    expect(result.stderr).toContain("AWS_SECRET_ACCESS_KEY");
    expect(await keysUnder("wrong/")).toEqual([]);
  });

  it("requires bucket, naming PLUGIN_BUCKET and S3_BUCKET, before any request", async () => {
    const cwd = await workspace(tree);
    const result = await run(cwd, { source: "public", bucket: undefined });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("PLUGIN_BUCKET or S3_BUCKET");
  });

  it("says so when the bucket does not exist", async () => {
    const cwd = await workspace(tree);
    const result = await run(cwd, { source: "public", bucket: "no-such-bucket" });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('The bucket "no-such-bucket" does not exist');
  });
});

describe("credentials and settings", () => {
  it("reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and prints neither at log_level trace", async () => {
    const cwd = await workspace(tree);
    const result = await run(
      cwd,
      { source: "public", target: "trace", log_level: "trace", ca_bundle: "/nonexistent/ca.pem" },
      {
        credentials: false,
        env: { AWS_ACCESS_KEY_ID: peer.accessKeyId, AWS_SECRET_ACCESS_KEY: peer.secretAccessKey },
      },
    );
    expect(result.exitCode, result.output).toBe(0);
    expect(result.stderr).toContain("credentials: static keys");
    expect(result.outputs).toMatchObject({ uploaded: "5" });
  });

  for (const encoding of ["drone", "woodpecker"] as const) {
    it(`--print-settings decodes a ${encoding}-encoded step and masks the secrets`, async () => {
      const cwd = await workspace();
      const result = await run(
        cwd,
        {
          source: "dist/**/*",
          access: "public-read",
          content_type: { ".svg": "image/svg+xml" },
          exclude: ["*.map", "*.log"],
          dry_run: true,
        },
        { encoding, argv: ["--print-settings"] },
      );
      expect(result.exitCode, result.output).toBe(0);
      const printed = JSON.parse(result.stdout) as Record<string, unknown>;
      expect(printed).toMatchObject({
        bucket,
        endpoint: peer.endpoint,
        access_key: "******",
        secret_key: "******",
        source: "dist/**/*",
        target: "/",
        acl: "public-read",
        content_type: { ".svg": "image/svg+xml" },
        exclude: ["*.map", "*.log"],
        dry_run: true,
        max_concurrency: 16,
        region: "us-east-1",
      });
    });
  }
});

describe("CloudFront invalidation (moto_server as CloudFront, a local fake of AWS's API)", () => {
  let cloudFront: S3Peer;
  let client: CloudFrontClient;
  let distribution: string;

  beforeAll(async () => {
    cloudFront = await startMoto();
    client = new CloudFrontClient({
      region: "us-east-1",
      endpoint: cloudFront.endpoint,
      credentials: {
        accessKeyId: cloudFront.accessKeyId,
        secretAccessKey: cloudFront.secretAccessKey,
      },
    });
    const created = await client.send(
      new CreateDistributionCommand({
        DistributionConfig: {
          CallerReference: "spotkit-test",
          Comment: "spotkit s3-sync test",
          Enabled: true,
          Origins: {
            Quantity: 1,
            Items: [
              {
                Id: "bucket",
                DomainName: `${bucket}.s3.amazonaws.com`,
                S3OriginConfig: { OriginAccessIdentity: "" },
              },
            ],
          },
          DefaultCacheBehavior: {
            TargetOriginId: "bucket",
            ViewerProtocolPolicy: "allow-all",
            MinTTL: 0,
            ForwardedValues: { QueryString: false, Cookies: { Forward: "none" } },
            TrustedSigners: { Enabled: false, Quantity: 0 },
          },
        },
      }),
    );
    distribution = created.Distribution?.Id as string;
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await cloudFront?.stop();
  });

  async function invalidatedPaths(): Promise<string[]> {
    const listed = await client.send(
      new ListInvalidationsCommand({ DistributionId: distribution }),
    );
    const paths: string[] = [];
    for (const summary of listed.InvalidationList?.Items ?? []) {
      const invalidation = await client.send(
        new GetInvalidationCommand({ DistributionId: distribution, Id: summary.Id }),
      );
      paths.push(...(invalidation.Invalidation?.InvalidationBatch?.Paths?.Items ?? []));
    }
    return paths.sort();
  }

  const cloudFrontEnv = () => ({ AWS_ENDPOINT_URL_CLOUDFRONT: cloudFront.endpoint });

  it("invalidates /<target>/* once every file is synced, and says which invalidation", async () => {
    const cwd = await workspace(tree);
    const before = await invalidatedPaths();
    const result = await run(
      cwd,
      { source: "public", target: "/cdn/é t", cloudfront_distribution: distribution },
      { env: cloudFrontEnv() },
    );
    expect(result.exitCode).toBe(0);
    expect(await keysUnder("cdn/")).toHaveLength(5);
    const added = (await invalidatedPaths()).filter((path) => !before.includes(path));
    expect(added).toEqual(["/cdn/%C3%A9%20t/*"]);
    expect(result.outputs.cloudfront_invalidation).toMatch(/^\S+$/);
    expect(result.stderr).toContain(`of the CloudFront distribution ${distribution}`);
  });

  it("only says what it would invalidate in a dry run", async () => {
    const cwd = await workspace(tree);
    const before = await invalidatedPaths();
    const result = await run(
      cwd,
      { source: "public", target: "dry", dry_run: true, cloudfront_distribution: distribution },
      { env: cloudFrontEnv() },
    );
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(
      `would invalidate /dry/* of the CloudFront distribution ${distribution}`,
    );
    expect(await invalidatedPaths()).toEqual(before);
  });

  it("fails, naming the setting, for a distribution that does not exist; the files stay synced", async () => {
    const cwd = await workspace(tree);
    const result = await run(
      cwd,
      { source: "public", target: "nodist", cloudfront_distribution: "E0NOSUCHDIST" },
      { env: cloudFrontEnv() },
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('CloudFront has no distribution "E0NOSUCHDIST"');
    expect(result.stderr).toContain("cloudfront_distribution");
    expect(await keysUnder("nodist/")).toHaveLength(5);
  });

  it("assumes assume_role once for the sync and the invalidation together", async () => {
    // moto serves S3, STS and CloudFront here (radosgw has no STS); every STS request goes
    // through the proxy, which counts them.
    const sts = await startFaultProxy({ target: cloudFront.endpoint });
    try {
      await createS3TestClient(cloudFront).createBucket("spotkit-assumed");
      const cwd = await workspace(tree);
      const result = await run(
        cwd,
        {
          endpoint: cloudFront.endpoint,
          bucket: "spotkit-assumed",
          source: "public",
          target: "assumed",
          assume_role: "arn:aws:iam::123456789012:role/deploy",
          cloudfront_distribution: distribution,
        },
        {
          secrets: {
            s3_access_key: cloudFront.accessKeyId,
            s3_secret_key: cloudFront.secretAccessKey,
          },
          env: { ...cloudFrontEnv(), AWS_ENDPOINT_URL_STS: sts.endpoint },
        },
      );
      expect(result.exitCode, result.output).toBe(0);
      expect(result.stderr).toContain(`of the CloudFront distribution ${distribution}`);
      expect(sts.stats.requests).toBe(1);
    } finally {
      await sts.stop();
    }
  });

  it("refuses cloudfront_distribution with download, before any request", async () => {
    const cwd = await workspace();
    const result = await run(
      cwd,
      { source: "cdn/", target: "out", download: true, cloudfront_distribution: distribution },
      { env: cloudFrontEnv() },
    );
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("cloudfront_distribution");
    expect(result.stderr).toContain("a download changes nothing CloudFront serves");
  });
});
