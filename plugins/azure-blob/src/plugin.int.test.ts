import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { runPluginEntry } from "@spotkit/runtime/testing";
import { createObjectStore, type ObjectInfo, type ObjectStore } from "@spotkit/storage";
import { type AzurePeer, createAzuriteContainer, startAzurite } from "@spotkit/test-peers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sampleTree, writeTree } from "./test-support/sample-tree.js";

const entry = join(import.meta.dirname, "..", "dist", "main.js");
const sampleNames = Object.keys(sampleTree).sort();

let azurite: AzurePeer;
let workspace: string;
let containerCount = 0;

beforeAll(async () => {
  azurite = await startAzurite();
}, 60_000);
afterAll(async () => {
  await azurite?.stop();
});
beforeEach(async () => {
  workspace = await mkdtemp(join(tmpdir(), "spotkit-azure-blob-"));
  return () => rm(workspace, { recursive: true, force: true });
});

/** A fresh, empty container for one test. */
async function newContainer(): Promise<string> {
  containerCount += 1;
  const name = `test-${containerCount}-${Date.now()}`;
  await createAzuriteContainer(azurite, name);
  return name;
}

/** A store over the container, for checking what the plugin wrote. */
function inspect(container: string): ObjectStore {
  return createObjectStore({
    type: "azure",
    container,
    connectionString: azurite.connectionString,
  });
}

async function listBlobs(container: string): Promise<ObjectInfo[]> {
  const blobs: ObjectInfo[] = [];
  for await (const entry of inspect(container).list()) {
    if (entry.type === "object") blobs.push(entry);
  }
  return blobs.sort((left, right) => (left.key < right.key ? -1 : 1));
}

async function readBlob(container: string, key: string): Promise<Buffer> {
  const { body } = await inspect(container).get(key);
  return readAll(body);
}

/** Compared as hashes: a deep equality of megabyte buffers is slow and prints unreadable diffs. */
function sha256(content: string | Buffer | undefined): string {
  return createHash("sha256")
    .update(content ?? "")
    .digest("hex");
}

async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Runs dist/main.js as Drone would: the key from a secret, the rest as plain settings. */
async function runPlugin(
  settings: Record<string, unknown>,
  options: {
    env?: Record<string, string>;
    argv?: string[];
    encoding?: "drone" | "woodpecker";
  } = {},
) {
  const result = await runPluginEntry(entry, {
    settings: {
      account: azurite.accountName,
      account_key: { from_secret: "azure_key" },
      endpoint: azurite.endpoint,
      ...settings,
    },
    secrets: { azure_key: azurite.accountKey },
    cwd: workspace,
    timeout: 60_000,
    ...options,
  });
  expectNoSecrets(result.output);
  return result;
}

function expectNoSecrets(output: string) {
  expect(output).not.toContain(azurite.accountKey);
  // The key's first line of base64 alone, as a library might print a part of it.
  expect(output).not.toContain(azurite.accountKey.slice(0, 24));
}

describe("upload (azurite)", () => {
  it("uploads a folder recursively, names relative to it as blobxfer did, then only what changed", async () => {
    await writeTree(join(workspace, "dist"), sampleTree);
    const container = await newContainer();
    const settings = { container, source: "dist", part_size: "1MiB" };

    const first = await runPlugin(settings);
    expect(first.exitCode, first.output).toBe(0);
    expect((await listBlobs(container)).map((blob) => blob.key)).toEqual(sampleNames);
    expect(first.outputs).toMatchObject({
      files: String(sampleNames.length),
      uploaded: String(sampleNames.length),
      skipped: "0",
      deleted: "0",
    });
    expect(Number(first.outputs.bytes)).toBeGreaterThan(3 * 1024 * 1024);
    expect(first.outputs.seconds).toMatch(/^\d+\.\d$/);
    expect(first.stderr + first.stdout).toMatch(
      /synced 7 files .*: 7 uploaded, 0 unchanged, 0 deleted/,
    );
    for (const name of sampleNames) {
      expect(sha256(await readBlob(container, name)), name).toBe(sha256(sampleTree[name]));
    }
    const blobs = await listBlobs(container);
    expect(blobs.find((blob) => blob.key === "index.html")?.contentType).toBe(
      "text/html; charset=utf-8",
    );
    // The 3 MiB file went up in blocks, and still has the MD5 of its whole content.
    expect(blobs.find((blob) => blob.key === "assets/big.bin")?.md5).toMatch(/^[0-9a-f]{32}$/);

    const again = await runPlugin(settings);
    expect(again.exitCode, again.output).toBe(0);
    expect(again.outputs).toMatchObject({ uploaded: "0", skipped: String(sampleNames.length) });

    await writeFile(join(workspace, "dist", "css", "site.css"), "body { color: #000 }");
    const changed = await runPlugin(settings);
    expect(changed.exitCode, changed.output).toBe(0);
    expect(changed.outputs).toMatchObject({
      uploaded: "1",
      skipped: String(sampleNames.length - 1),
    });
    expect((await readBlob(container, "css/site.css")).toString()).toBe("body { color: #000 }");
  });

  it("keeps every folder of the source but the first, as blobxfer's --strip-components 1 did", async () => {
    await writeTree(join(workspace, "build", "dist"), { "a.txt": "a", "sub/b.txt": "b" });
    await writeTree(workspace, { "notes.txt": "n" });
    const container = await newContainer();

    const nested = await runPlugin({ container, source: "build/dist" });
    expect(nested.exitCode, nested.output).toBe(0);
    const single = await runPlugin({ container, source: "notes.txt" });
    expect(single.exitCode, single.output).toBe(0);
    expect((await listBlobs(container)).map((blob) => blob.key)).toEqual([
      "dist/a.txt",
      "dist/sub/b.txt",
      "notes.txt",
    ]);
  });

  it("deletes blobs under the target that no local file maps to, and strips a prefix", async () => {
    await writeTree(join(workspace, "site"), {
      "assets/a.css": "a",
      "assets/b.css": "b",
      "x.html": "x",
    });
    const container = await newContainer();
    const settings = {
      container,
      source: "site",
      target: "web/v1",
      strip_prefix: "assets/",
      delete: true,
    };

    const first = await runPlugin(settings);
    expect(first.exitCode, first.output).toBe(0);
    expect((await listBlobs(container)).map((blob) => blob.key)).toEqual([
      "web/v1/a.css",
      "web/v1/b.css",
      "web/v1/x.html",
    ]);

    await rm(join(workspace, "site", "assets", "b.css"));
    const second = await runPlugin(settings);
    expect(second.exitCode, second.output).toBe(0);
    expect(second.outputs).toMatchObject({ uploaded: "0", deleted: "1", skipped: "2" });
    expect((await listBlobs(container)).map((blob) => blob.key)).toEqual([
      "web/v1/a.css",
      "web/v1/x.html",
    ]);
  });

  it("writes headers and metadata from the rules, and gzips what gzip names", async () => {
    await writeTree(join(workspace, "dist"), {
      "index.html": "<p>hello</p>".repeat(50),
      "data.bin": "raw",
    });
    const container = await newContainer();
    const result = await runPlugin({
      container,
      source: "dist",
      // Drone sorts a map's keys when it encodes it ("**" first): the most specific key wins.
      cache_control: { "*.html": "no-cache", "**": "max-age=60" },
      content_type: { ".bin": "application/x-spotkit" },
      metadata: { "*.html": { team: "Web" } },
      gzip: ["html"],
    });
    expect(result.exitCode, result.output).toBe(0);
    const store = inspect(container);
    const html = await store.head("index.html");
    expect(html).toMatchObject({
      cacheControl: "no-cache",
      contentEncoding: "gzip",
      contentType: "text/html; charset=utf-8",
    });
    expect(html?.metadata).toMatchObject({ team: "Web" });
    expect((await store.head("data.bin"))?.contentType).toBe("application/x-spotkit");
    expect((await store.head("data.bin"))?.cacheControl).toBe("max-age=60");
    const { gunzipSync } = await import("node:zlib");
    expect(gunzipSync(await readBlob(container, "index.html")).toString()).toBe(
      "<p>hello</p>".repeat(50),
    );
  });

  it("changes nothing in a dry run, but reports what it would do", async () => {
    await writeTree(join(workspace, "dist"), sampleTree);
    const container = await newContainer();
    const result = await runPlugin({ container, source: "dist", dry_run: true });
    expect(result.exitCode, result.output).toBe(0);
    expect(result.outputs).toMatchObject({ uploaded: String(sampleNames.length), deleted: "0" });
    expect(result.output).toContain("dry run: would sync 7 files");
    expect(await listBlobs(container)).toEqual([]);
  });

  it("signs in with a connection string instead of the key", async () => {
    await writeTree(join(workspace, "dist"), { "a.txt": "a" });
    const container = await newContainer();
    const result = await runPluginEntry(entry, {
      settings: { container, source: "dist", connection_string: { from_secret: "connection" } },
      secrets: { connection: azurite.connectionString },
      cwd: workspace,
      timeout: 60_000,
    });
    expectNoSecrets(result.output);
    expect(result.output).not.toContain(azurite.connectionString);
    expect(result.exitCode, result.output).toBe(0);
    expect((await listBlobs(container)).map((blob) => blob.key)).toEqual(["a.txt"]);
  });
});

describe("download (azurite)", () => {
  it("downloads a folder of the container, then only what changed", async () => {
    await writeTree(join(workspace, "dist"), sampleTree);
    const container = await newContainer();
    expect((await runPlugin({ container, source: "dist", target: "site" })).exitCode).toBe(0);

    const settings = { container, download: true, source: "site", target: "restored" };
    const first = await runPlugin(settings);
    expect(first.exitCode, first.output).toBe(0);
    expect(first.outputs).toMatchObject({
      files: String(sampleNames.length),
      downloaded: String(sampleNames.length),
    });
    for (const name of sampleNames) {
      expect(sha256(await readFile(join(workspace, "restored", name))), name).toBe(
        sha256(sampleTree[name]),
      );
    }

    const again = await runPlugin(settings);
    expect(again.exitCode, again.output).toBe(0);
    expect(again.outputs).toMatchObject({ downloaded: "0", skipped: String(sampleNames.length) });
  });
});

describe("failures (azurite)", () => {
  it("names account_key and AZURE_STORAGE_ACCOUNT_KEY when Azure refuses the key", async () => {
    await writeTree(join(workspace, "dist"), { "a.txt": "a" });
    const container = await newContainer();
    const wrongKey = Buffer.from("not the key of this account, but well formed").toString("base64");
    const result = await runPluginEntry(entry, {
      settings: {
        account: azurite.accountName,
        account_key: { from_secret: "azure_key" },
        endpoint: azurite.endpoint,
        container,
        source: "dist",
      },
      secrets: { azure_key: wrongKey },
      cwd: workspace,
      timeout: 60_000,
    });
    expect(result.output).not.toContain(wrongKey);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("403");
    expect(result.stderr).toContain("account_key");
    expect(result.stderr).toContain("AZURE_STORAGE_ACCOUNT_KEY");
    expect(await listBlobs(container)).toEqual([]);
  });

  it("says that the container does not exist", async () => {
    await writeTree(join(workspace, "dist"), { "a.txt": "a" });
    const result = await runPlugin({ container: "no-such-container", source: "dist" });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toMatch(/container "no-such-container".* does not exist/);
  });

  it("says that the source does not exist, before any request", async () => {
    const result = await runPlugin({ container: "never-created", source: "dist" });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('The source "dist" does not exist');
  });

  it("refuses to start without a credential, naming account_key and its variable", async () => {
    const result = await runPluginEntry(entry, {
      settings: { account: "acme", container: "web", source: "dist" },
      cwd: workspace,
      timeout: 30_000,
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain("account_key");
    expect(result.stderr).toContain("AZURE_STORAGE_ACCOUNT_KEY");
  });
});

describe("--print-settings", () => {
  for (const encoding of ["drone", "woodpecker"] as const) {
    it(`decodes a ${encoding}-encoded step with the Go plugin's variables, secrets masked`, async () => {
      const result = await runPluginEntry(entry, {
        encoding,
        settings: {
          storage_account: "acme",
          container: "web",
          source: "dist",
          // Comma-joined by both runners: the comma inside the braces must not split the glob.
          exclude: ["*.{map,tmp}", "tmp/**"],
          metadata: { "*.html": { team: "web" } },
          sas_token: { from_secret: "sas" },
          "dry-run": true,
        },
        secrets: { sas: "sv=2024-11-04&sig=c2VjcmV0c2lnbmF0dXJl" },
        env: { AZURE_STORAGE_ACCOUNT_KEY: azurite.accountKey },
        argv: ["--print-settings"],
        cwd: workspace,
        timeout: 30_000,
      });
      expectNoSecrets(result.output);
      expect(result.output).not.toContain("c2VjcmV0c2lnbmF0dXJl");
      expect(result.exitCode, result.output).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        account: "acme",
        account_key: "******",
        sas_token: "******",
        container: "web",
        source: "dist",
        exclude: ["*.{map,tmp}", "tmp/**"],
        metadata: { "*.html": { team: "web" } },
        dry_run: true,
        delete: false,
        concurrency: 16,
      });
    });
  }
});
