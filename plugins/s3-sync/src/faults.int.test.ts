import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runPluginEntry } from "@spotkit/runtime/testing";
import { createS3Store, type ObjectStore } from "@spotkit/storage";
import {
  createS3TestClient,
  type FaultProxy,
  type S3Peer,
  startFaultProxy,
  startS3Peer,
} from "@spotkit/test-peers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The whole plugin, from its built entry, syncing through a proxy that injects the faults a
// real S3 endpoint produces: the sync must complete and every object must match its file.
const entry = join(import.meta.dirname, "..", "dist", "main.js");
const bucket = "spotkit-faults";

let peer: S3Peer;
let proxy: FaultProxy;
let store: ObjectStore;
let admin: ReturnType<typeof createS3TestClient>;
let workspace: string;
const files = new Map<string, Buffer>();

beforeAll(async () => {
  peer = await startS3Peer();
  admin = createS3TestClient(peer);
  await admin.createBucket(bucket);
  proxy = await startFaultProxy({ target: peer.endpoint });
  store = createS3Store({
    bucket,
    endpoint: peer.endpoint,
    region: peer.region,
    accessKeyId: peer.accessKeyId,
    secretAccessKey: peer.secretAccessKey,
  });
  workspace = await mkdtemp(join(tmpdir(), "spotkit-s3-faults-"));
  for (let index = 0; index < 300; index++) {
    files.set(`site/${index % 10}/page-${index}.html`, randomBytes(2048 + index));
  }
  files.set("site/video/large.bin", randomBytes(12 * 1024 * 1024));
  for (const [path, content] of files) {
    await mkdir(dirname(join(workspace, path)), { recursive: true });
    await writeFile(join(workspace, path), content);
  }
}, 120_000);

afterAll(async () => {
  await proxy?.stop();
  await peer?.stop();
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

function sync(target: string) {
  return runPluginEntry(entry, {
    cwd: workspace,
    timeout: 120_000,
    settings: {
      endpoint: proxy.endpoint,
      bucket,
      source: "site",
      target,
      part_size: 5,
      access_key: { from_secret: "key" },
      secret_key: { from_secret: "secret" },
    },
    secrets: { key: peer.accessKeyId, secret: peer.secretAccessKey },
  });
}

async function expectEveryObjectMatches(target: string): Promise<void> {
  const keys: string[] = [];
  for await (const listed of store.list({ prefix: `${target}/` })) {
    if (listed.type === "object") keys.push(listed.key);
  }
  expect(keys.length).toBe(files.size);
  for (const [path, content] of files) {
    const { body } = await store.get(`${target}/${path.slice("site/".length)}`);
    const hash = createHash("sha256");
    for await (const chunk of body) hash.update(chunk as Buffer);
    expect(hash.digest("hex"), path).toBe(createHash("sha256").update(content).digest("hex"));
  }
  expect(await admin.countMultipartUploads(bucket)).toBe(0);
}

describe("s3-sync through a faulty S3 endpoint", () => {
  it("completes despite throttling, 500s, dropped connections and slow answers", async () => {
    const rules = [
      proxy.faults.add({
        match: { method: "PUT" },
        skip: 20,
        times: 6,
        action: { type: "s3-error", status: 503, code: "SlowDown" },
      }),
      proxy.faults.add({
        match: { method: "PUT", query: /partNumber=2/ },
        times: 1,
        action: { type: "drop-request", afterBytes: 1024 * 1024 },
      }),
      proxy.faults.add({
        match: { method: "PUT", query: /partNumber=1/ },
        times: 1,
        action: { type: "s3-error", status: 500, code: "InternalError" },
      }),
      proxy.faults.add({
        match: { method: "GET", query: /list-type=2/ },
        times: 1,
        action: { type: "s3-error", status: 503, code: "ServiceUnavailable" },
      }),
      proxy.faults.add({
        match: { method: "PUT" },
        skip: 100,
        times: 3,
        action: { type: "delay", ms: 1500 },
      }),
    ];
    const result = await sync("faulty");
    expect(result.exitCode, result.output).toBe(0);
    for (const rule of rules) expect(rule.applied).toBeGreaterThan(0);
    expect(result.output).not.toContain(peer.secretAccessKey);
    await expectEveryObjectMatches("faulty");
  });

  it("a dropped response on the listing is retried and the re-sync uploads nothing", async () => {
    const first = await sync("again");
    expect(first.exitCode, first.output).toBe(0);
    const dropped = proxy.faults.add({
      match: { method: "GET", query: /list-type=2/ },
      times: 1,
      action: { type: "drop-response", afterBytes: 512 },
    });
    const second = await sync("again");
    expect(second.exitCode, second.output).toBe(0);
    expect(dropped.applied).toBe(1);
    expect(second.outputs).toMatchObject({ uploaded: "0", skipped: String(files.size) });
    await expectEveryObjectMatches("again");
  });
});
