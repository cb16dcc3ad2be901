import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zstdCompressSync } from "node:zlib";
import type { PluginEntryOptions } from "@spotkit/runtime/testing";
import type { ObjectStore } from "@spotkit/storage";
import { createS3Store } from "@spotkit/storage/s3";
import {
  createS3TestClient,
  findFreePort,
  type S3Peer,
  signalWhen,
  startFaultProxy,
  startS3Peer,
} from "@spotkit/test-peers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { snapshotTree, writeCacheTree } from "./test-support/cache-tree.js";
import { craftTar } from "./test-support/craft-tar.js";
import { runCachePlugin } from "./test-support/run-cache-plugin.js";

// The cache plugin from its built entry against a real S3 server (radosgw, SigV4 enforced; moto
// when SPOTKIT_S3_PEER=moto), settings encoded as Drone encodes them.

const bucket = "spotkit-cache";
const wrongSecret = "wrong-secret-XXXXXXXXXXXXXXXX";

let peer: S3Peer;
let admin: ReturnType<typeof createS3TestClient>;
let store: ObjectStore;
let scratch: string;
let folderCount = 0;

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
  scratch = await mkdtemp(join(tmpdir(), "spotkit-s3-cache-int-"));
}, 180_000);

afterAll(async () => {
  await peer?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/**
 * A fresh workspace, two levels below the scratch folder so that a test can check that nothing
 * was written beside it (`<scratch>/<n>/outside`) or above.
 */
async function workspace(): Promise<string> {
  folderCount += 1;
  const folder = join(scratch, String(folderCount), "workspace");
  await mkdir(folder, { recursive: true });
  return folder;
}

/** Runs the entry with the peer's endpoint and keys (from secrets); checks the output for them. */
async function run(
  cwd: string,
  settings: Record<string, unknown>,
  options: Omit<PluginEntryOptions, "cwd" | "settings"> = {},
) {
  const result = await runCachePlugin(cwd, {
    ...options,
    settings: {
      endpoint: peer.endpoint,
      bucket,
      region: peer.region,
      path_style: true,
      access_key: { from_secret: "s3_access_key" },
      secret_key: { from_secret: "s3_secret_key" },
      ...settings,
    },
    secrets: {
      s3_access_key: peer.accessKeyId,
      s3_secret_key: peer.secretAccessKey,
      ...options.secrets,
    },
  });
  expect(result.output).not.toContain(peer.secretAccessKey);
  expect(result.output).not.toContain(wrongSecret);
  return result;
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

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe("rebuild and restore (radosgw)", () => {
  it("round-trips a tree of a few thousand files with symlinks, empty folders and exec bits", async () => {
    const source = await workspace();
    await writeCacheTree(source, "node_modules", { files: 3000 });
    await writeCacheTree(source, ".m2/repository", { files: 50, salt: "maven" });
    const settings = {
      remote_root: "round-trip",
      cache_key: "deps-{{ .Commit.Branch }}",
      mount: ["node_modules", ".m2/repository", "missing-folder"],
    };

    const saved = await run(source, { ...settings, rebuild: true });
    expect(saved.exitCode, saved.output).toBe(0);
    expect(saved.output).toContain("missing-folder"); // a missing mount is a warning (drone-cache #134)
    expect(saved.outputs).toMatchObject({ cache_key: "deps-feature/cache", cache_saved: "true" });
    expect(await keysUnder("round-trip/")).toEqual([
      "round-trip/deps-feature/cache/archive.tar.zst",
    ]);
    const object = await store.head("round-trip/deps-feature/cache/archive.tar.zst");
    expect(Number(saved.outputs.bytes)).toBe(object?.size);
    expect(await admin.countMultipartUploads(bucket)).toBe(0);

    // Restored over stale content, which the restore replaces.
    const target = await workspace();
    await writeCacheTree(target, "node_modules", { files: 10, salt: "stale" });
    await writeFile(join(target, "node_modules", "stale-only.js"), "stale");
    await writeFile(join(target, "keep-me.txt"), "not a mount");
    const restored = await run(target, { ...settings, restore: true });
    expect(restored.exitCode, restored.output).toBe(0);
    expect(restored.outputs).toMatchObject({
      cache_hit: "exact",
      cache_key: "deps-feature/cache",
      bytes: String(object?.size),
    });
    expect(Number(restored.outputs.seconds)).toBeGreaterThanOrEqual(0);
    expect(await snapshotTree(target, "node_modules")).toEqual(
      await snapshotTree(source, "node_modules"),
    );
    expect(await snapshotTree(target, ".m2/repository")).toEqual(
      await snapshotTree(source, ".m2/repository"),
    );
    expect(await exists(join(target, "node_modules", "stale-only.js"))).toBe(false);
    expect(await readFile(join(target, "keep-me.txt"), "utf8")).toBe("not a mount");
  });

  it("renders key templates with build metadata and file hashes, and a changed file changes the key", async () => {
    const cwd = await workspace();
    await writeCacheTree(cwd, "node_modules", { files: 20 });
    await writeFile(join(cwd, "package-lock.json"), '{"lockfileVersion":3}');
    await mkdir(join(cwd, "packages", "a"), { recursive: true });
    await writeFile(join(cwd, "packages", "a", "package.json"), '{"name":"a"}');
    const settings = {
      remote_root: "templates",
      cache_key:
        '{{ .Repo.Owner }}-{{ .Repo.Name }}-{{ .Build.Number }}-{{ checksum "package-lock.json" }}-{{ hashFiles "**/package.json" }}-{{ os }}-{{ arch }}',
      mount: ["node_modules"],
    };
    const saved = await run(cwd, { ...settings, rebuild: true });
    expect(saved.exitCode, saved.output).toBe(0);
    const key = saved.outputs.cache_key ?? "";
    expect(key).toMatch(/^octo-app-42-[0-9a-f]{32}-[0-9a-f]{64}-linux-(amd64|arm64)$/);

    const hit = await run(cwd, { ...settings, restore: true });
    expect(hit.outputs).toMatchObject({ cache_hit: "exact", cache_key: key });

    await writeFile(join(cwd, "package-lock.json"), '{"lockfileVersion":3,"changed":true}');
    const miss = await run(cwd, { ...settings, restore: true });
    expect(miss.exitCode, miss.output).toBe(0);
    expect(miss.outputs).toMatchObject({ cache_hit: "miss", cache_key: "" });
    expect(miss.stderr).toContain("cache miss");
  });

  it("falls back through restore_keys in order, newest archive of the first matching prefix", async () => {
    const settings = { remote_root: "fallback", mount: ["node_modules"] };
    for (const [key, salt] of [
      ["deps-linux-1", "one"],
      ["deps-linux-2", "two"],
      ["deps-mac-9", "nine"],
    ] as const) {
      const cwd = await workspace();
      await writeCacheTree(cwd, "node_modules", { files: 5, salt });
      const saved = await run(cwd, { ...settings, cache_key: key, rebuild: true });
      expect(saved.exitCode, saved.output).toBe(0);
      // S3 keeps whole seconds: let each archive be newer than the one before.
      await new Promise((resolve) => setTimeout(resolve, 1100));
    }

    const cwd = await workspace();
    const restored = await run(cwd, {
      ...settings,
      cache_key: "deps-linux-3",
      restore_keys: ["deps-linux-", "deps-"],
      restore: true,
    });
    expect(restored.exitCode, restored.output).toBe(0);
    expect(restored.outputs).toMatchObject({ cache_hit: "partial", cache_key: "deps-linux-2" });
    expect(
      await readFile(join(cwd, "node_modules", "ünï cödé", "file with spaces.txt"), "utf8"),
    ).toBe("unicode two\n");

    const second = await run(await workspace(), {
      ...settings,
      cache_key: "deps-windows-1",
      restore_keys: ["deps-windows-", "deps-"],
      restore: true,
    });
    expect(second.outputs).toMatchObject({ cache_hit: "partial", cache_key: "deps-mac-9" });
  });

  it("keeps an existing archive when override is false, and replaces it by default", async () => {
    const settings = { remote_root: "override", cache_key: "fixed", mount: ["node_modules"] };
    const cwd = await workspace();
    await writeCacheTree(cwd, "node_modules", { files: 5, salt: "first" });
    expect((await run(cwd, { ...settings, rebuild: true })).outputs.cache_saved).toBe("true");
    const first = await store.head("override/fixed/archive.tar.zst");

    await writeCacheTree(cwd, "extra", { files: 1 });
    await writeFile(join(cwd, "node_modules", "package-0", "empty.txt"), "second");
    const kept = await run(cwd, { ...settings, override: false, rebuild: true });
    expect(kept.exitCode, kept.output).toBe(0);
    expect(kept.outputs).toMatchObject({ cache_saved: "false", bytes: "0" });
    expect(kept.stderr).toContain("override is false");
    expect((await store.head("override/fixed/archive.tar.zst"))?.etag).toBe(first?.etag);

    const replaced = await run(cwd, { ...settings, rebuild: true });
    expect(replaced.outputs.cache_saved).toBe("true");
    const target = await workspace();
    await run(target, { ...settings, restore: true });
    expect(await readFile(join(target, "node_modules", "package-0", "empty.txt"), "utf8")).toBe(
      "second",
    );
  });

  it("saves with gzip and plain tar too (archive_format), and restores each", async () => {
    for (const [format, extension] of [
      ["gzip", "tar.gz"],
      ["tar", "tar"],
    ] as const) {
      const settings = {
        remote_root: `format-${format}`,
        cache_key: "k",
        mount: ["node_modules"],
        archive_format: format,
      };
      const source = await workspace();
      await writeCacheTree(source, "node_modules", { files: 30 });
      const saved = await run(source, { ...settings, rebuild: true });
      expect(saved.exitCode, saved.output).toBe(0);
      expect(await keysUnder(`format-${format}/`)).toEqual([
        `format-${format}/k/archive.${extension}`,
      ]);
      const target = await workspace();
      const restored = await run(target, { ...settings, restore: true });
      expect(restored.outputs.cache_hit, restored.output).toBe("exact");
      expect(await snapshotTree(target, "node_modules")).toEqual(
        await snapshotTree(source, "node_modules"),
      );
    }
  });

  it("takes plugins/s3-cache's settings: root, path, fallback_path, filename and mode", async () => {
    const legacy = { root: bucket, bucket: undefined, mount: ["node_modules"] };
    const source = await workspace();
    await writeCacheTree(source, "node_modules", { files: 10, salt: "main" });
    const saved = await run(source, {
      ...legacy,
      mode: "rebuild",
      path: "octo/app/main",
      filename: "archive.tgz",
    });
    expect(saved.exitCode, saved.output).toBe(0);
    expect(await keysUnder("octo/app/main/")).toEqual(["octo/app/main/archive.tgz"]);
    expect((await readObject("octo/app/main/archive.tgz")).subarray(0, 2)).toEqual(
      Buffer.from([0x1f, 0x8b]),
    );

    // The branch has no cache yet: fallback_path (the default branch's) is used.
    const target = await workspace();
    const restored = await run(target, {
      ...legacy,
      mode: "restore",
      path: "octo/app/feature-x",
      fallback_path: "octo/app/main",
      filename: "archive.tgz",
    });
    expect(restored.exitCode, restored.output).toBe(0);
    expect(restored.outputs).toMatchObject({ cache_hit: "partial", cache_key: "octo/app/main" });
    expect(await snapshotTree(target, "node_modules")).toEqual(
      await snapshotTree(source, "node_modules"),
    );
  });
});

describe("flush (radosgw)", () => {
  it("deletes the caches under flush_path older than flush_age days", async () => {
    const cwd = await workspace();
    await writeCacheTree(cwd, "node_modules", { files: 3 });
    for (const key of ["a", "b"]) {
      await run(cwd, {
        remote_root: "flush-me",
        cache_key: key,
        mount: ["node_modules"],
        rebuild: true,
      });
    }
    await run(cwd, {
      remote_root: "flush-other",
      cache_key: "c",
      mount: ["node_modules"],
      rebuild: true,
    });

    const young = await run(cwd, { flush: true, flush_path: "flush-me", flush_age: 30 });
    expect(young.exitCode, young.output).toBe(0);
    expect(young.outputs).toMatchObject({ deleted: "0" });
    expect(await keysUnder("flush-me/")).toHaveLength(2);

    await new Promise((resolve) => setTimeout(resolve, 1100));
    const all = await run(cwd, { flush: true, flush_path: "flush-me", flush_age: 0 });
    expect(all.exitCode, all.output).toBe(0);
    expect(all.outputs).toMatchObject({ deleted: "2" });
    expect(await keysUnder("flush-me/")).toEqual([]);
    expect(await keysUnder("flush-other/")).toHaveLength(1);
  });
});

describe("damaged and hostile archives (radosgw)", () => {
  /** A saved archive of a small tree, and a workspace whose mount holds other content. */
  async function prepare(remoteRoot: string) {
    const source = await workspace();
    await writeCacheTree(source, "node_modules", { files: 200 });
    const settings = { remote_root: remoteRoot, cache_key: "k", mount: ["node_modules"] };
    const saved = await run(source, { ...settings, rebuild: true });
    expect(saved.exitCode, saved.output).toBe(0);
    const objectKey = `${remoteRoot}/k/archive.tar.zst`;
    const archive = await readObject(objectKey);
    const target = await workspace();
    await writeCacheTree(target, "node_modules", { files: 5, salt: "local" });
    const before = await snapshotTree(target, "node_modules");
    return { settings, objectKey, archive, target, before };
  }

  it("treats a truncated archive as a miss and leaves the mount untouched; fails with exit_code", async () => {
    const { settings, objectKey, archive, target, before } = await prepare("truncated");
    await store.put(objectKey, archive.subarray(0, Math.floor(archive.length / 2)));

    const restored = await run(target, { ...settings, restore: true });
    expect(restored.exitCode, restored.output).toBe(0);
    expect(restored.outputs).toMatchObject({ cache_hit: "miss" });
    expect(restored.stderr).toMatch(/restoring the cache failed: .*(truncated|ends early)/i);
    expect(await snapshotTree(target, "node_modules")).toEqual(before);

    const failed = await run(target, { ...settings, restore: true, exit_code: true });
    expect(failed.exitCode).toBe(1);
    expect(await snapshotTree(target, "node_modules")).toEqual(before);
  });

  it("treats a corrupted archive as a miss and leaves the mount untouched", async () => {
    const { settings, objectKey, archive, target, before } = await prepare("corrupted");
    const corrupted = Buffer.from(archive);
    for (let offset = 64; offset < corrupted.length; offset += 997) {
      corrupted[offset] = (corrupted[offset] ?? 0) ^ 0xff;
    }
    await store.put(objectKey, corrupted);

    const restored = await run(target, { ...settings, restore: true });
    expect(restored.exitCode, restored.output).toBe(0);
    expect(restored.outputs).toMatchObject({ cache_hit: "miss" });
    expect(restored.stderr).toMatch(
      /restoring the cache failed: .*(corrupt|truncated|ends early)/i,
    );
    expect(await snapshotTree(target, "node_modules")).toEqual(before);
  });

  it.each([
    ["tar-slip", [{ name: "node_modules/../../outside/slip.txt", type: "file", content: "slip" }]],
    [
      "an absolute path",
      [{ name: "/tmp/spotkit-s3-cache-absolute.txt", type: "file", content: "abs" }],
    ],
    [
      "a symlink escape and a file written through it",
      [
        { name: "node_modules/escape", type: "symlink", linkname: "../../outside" },
        { name: "node_modules/escape/through-link.txt", type: "file", content: "through" },
      ],
    ],
    [
      "a hard link escape",
      [{ name: "node_modules/passwd", type: "hardlink", linkname: "../../outside/target.txt" }],
    ],
    ["a device file", [{ name: "node_modules/device", type: "character-device" }]],
  ] as const)("refuses an archive with %s, writing nothing anywhere", async (_name, entries) => {
    const target = await workspace();
    const outside = join(target, "..", "outside");
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, "target.txt"), "outside the workspace");
    await writeCacheTree(target, "node_modules", { files: 5, salt: "local" });
    const before = await snapshotTree(target, "node_modules");
    const hostile = zstdCompressSync(
      craftTar([
        { name: "node_modules/", type: "directory" },
        { name: "node_modules/innocent.js", type: "file", content: "ok" },
        ...entries,
      ]),
    );
    const remoteRoot = `hostile-${folderCount}`;
    await store.put(`${remoteRoot}/k/archive.tar.zst`, hostile);

    const restored = await run(target, {
      remote_root: remoteRoot,
      cache_key: "k",
      mount: ["node_modules"],
      restore: true,
    });
    expect(restored.exitCode, restored.output).toBe(0);
    expect(restored.outputs).toMatchObject({ cache_hit: "miss" });
    expect(restored.stderr).toContain("The archive was refused and nothing was written");
    expect(await snapshotTree(target, "node_modules")).toEqual(before);
    expect(await exists(join(outside, "slip.txt"))).toBe(false);
    expect(await exists(join(outside, "through-link.txt"))).toBe(false);
    expect(await readFile(join(outside, "target.txt"), "utf8")).toBe("outside the workspace");
    expect(await exists("/tmp/spotkit-s3-cache-absolute.txt")).toBe(false);

    const failed = await run(target, {
      remote_root: remoteRoot,
      cache_key: "k",
      mount: ["node_modules"],
      restore: true,
      exit_code: true,
    });
    expect(failed.exitCode).toBe(1);
  });
});

describe("failures (radosgw)", () => {
  it("warns about wrong credentials without printing them, and fails with exit_code", async () => {
    const cwd = await workspace();
    await writeCacheTree(cwd, "node_modules", { files: 5 });
    const settings = {
      remote_root: "wrong-credentials",
      cache_key: "k",
      mount: ["node_modules"],
      secret_key: { from_secret: "wrong_secret" },
    };
    const secrets = { wrong_secret: wrongSecret };

    const saved = await run(cwd, { ...settings, rebuild: true }, { secrets });
    expect(saved.exitCode, saved.output).toBe(0);
    expect(saved.outputs).toMatchObject({ cache_saved: "false" });
    expect(saved.stderr).toMatch(/credentials/i);
    expect(await keysUnder("wrong-credentials/")).toEqual([]);

    const restored = await run(cwd, { ...settings, restore: true }, { secrets });
    expect(restored.exitCode, restored.output).toBe(0);
    expect(restored.outputs).toMatchObject({ cache_hit: "miss" });

    const failed = await run(cwd, { ...settings, restore: true, exit_code: true }, { secrets });
    expect(failed.exitCode).toBe(1);
    expect(failed.stderr).toMatch(/credentials/i);
  });

  it("is a warning and a miss when the endpoint is unreachable", async () => {
    const port = await findFreePort(); // nothing listens there
    const cwd = await workspace();
    await writeCacheTree(cwd, "node_modules", { files: 5 });
    const before = await snapshotTree(cwd, "node_modules");
    const settings = {
      endpoint: `http://127.0.0.1:${port}`,
      remote_root: "unreachable",
      cache_key: "k",
      mount: ["node_modules"],
      backend_operation_timeout: "20s",
    };
    const restored = await run(cwd, { ...settings, restore: true });
    expect(restored.exitCode, restored.output).toBe(0);
    expect(restored.outputs).toMatchObject({ cache_hit: "miss" });
    expect(restored.stderr).toContain("restoring the cache failed");
    expect(await snapshotTree(cwd, "node_modules")).toEqual(before);

    const saved = await run(cwd, { ...settings, rebuild: true });
    expect(saved.exitCode, saved.output).toBe(0);
    expect(saved.outputs).toMatchObject({ cache_saved: "false" });

    const failed = await run(cwd, { ...settings, rebuild: true, exit_code: true });
    expect(failed.exitCode).toBe(1);
  });

  it("shows the decoded settings with --print-settings, secrets masked", async () => {
    const cwd = await workspace();
    const result = await run(
      cwd,
      { mount: ["node_modules"], restore: true },
      {
        argv: ["--print-settings"],
      },
    );
    expect(result.exitCode, result.output).toBe(0);
    const printed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({ secret_key: "******", mount: ["node_modules"] });
  });
});

describe("cancellation and faults (radosgw through a fault proxy)", () => {
  it("stops on SIGTERM mid-upload, leaving no object and no incomplete multipart upload", async () => {
    const proxy = await startFaultProxy({ target: peer.endpoint });
    try {
      // Hold the second part back, so the upload surely runs when SIGTERM arrives.
      const held = proxy.faults.add({
        match: { method: "PUT", query: /partNumber=/ },
        skip: 1,
        times: 1,
        action: { type: "delay", ms: 30_000 },
      });
      const cwd = await workspace();
      await mkdir(join(cwd, "cache"), { recursive: true });
      // Incompressible, so that the archive needs several 8 MiB parts.
      await writeFile(join(cwd, "cache", "blob.bin"), randomBytes(40 * 1024 * 1024));
      const result = await run(
        cwd,
        {
          endpoint: proxy.endpoint,
          remote_root: "cancelled",
          cache_key: "k",
          mount: ["cache"],
          rebuild: true,
        },
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

  it("retries 5xx, SlowDown and dropped connections, and completes save and restore", async () => {
    const proxy = await startFaultProxy({ target: peer.endpoint });
    try {
      const cwd = await workspace();
      await writeCacheTree(cwd, "node_modules", { files: 100 });
      await writeFile(join(cwd, "node_modules", "blob.bin"), randomBytes(36 * 1024 * 1024));
      const settings = {
        endpoint: proxy.endpoint,
        remote_root: "faults",
        cache_key: "k",
        mount: ["node_modules"],
      };
      const faults = [
        proxy.faults.add({
          match: { method: "PUT", query: /partNumber=1(&|$)/ },
          times: 1,
          action: { type: "s3-error", status: 503, code: "SlowDown" },
        }),
        proxy.faults.add({
          match: { method: "PUT", query: /partNumber=2(&|$)/ },
          times: 1,
          action: { type: "drop-request", afterBytes: 1024 * 1024 },
        }),
        proxy.faults.add({
          match: { method: "POST", query: /uploadId=/ },
          times: 1,
          action: { type: "s3-error", status: 500, code: "InternalError" },
        }),
      ];
      const saved = await run(cwd, { ...settings, rebuild: true });
      expect(saved.exitCode, saved.output).toBe(0);
      expect(saved.outputs.cache_saved, saved.output).toBe("true");
      for (const fault of faults) expect(fault.applied).toBe(1);

      const getFaults = [
        proxy.faults.add({
          match: { method: "GET", path: /\/faults\/k\// },
          times: 1,
          action: { type: "status", status: 503 },
        }),
        proxy.faults.add({
          match: { method: "GET", path: /\/faults\/k\// },
          times: 1,
          action: { type: "drop-response", afterBytes: 4 * 1024 * 1024 },
        }),
      ];
      const target = await workspace();
      const restored = await run(target, { ...settings, restore: true });
      expect(restored.exitCode, restored.output).toBe(0);
      expect(restored.outputs.cache_hit, restored.output).toBe("exact");
      for (const fault of getFaults) expect(fault.applied).toBe(1);
      expect(await snapshotTree(target, "node_modules")).toEqual(
        await snapshotTree(cwd, "node_modules"),
      );
    } finally {
      await proxy.stop();
    }
  });
});
