import { readdir, readFile } from "node:fs/promises";
import { createServer } from "node:net";
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { startFaultProxy } from "./fault-proxy.js";
import { findExecutable } from "./find-executable.js";
import { startRadosgw } from "./radosgw.js";

const hasRadosgw = findExecutable("radosgw", process.env) !== undefined;
if (!hasRadosgw) {
  console.warn(
    "radosgw tests skipped: radosgw is not on PATH (apt-get install radosgw ceph-mon ceph-osd)",
  );
}

/** PIDs of running processes whose command line mentions `text`. */
async function processesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    const commandLine = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    const stat = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (commandLine.includes(text) && state !== "Z") {
      pids.push(Number(entry));
    }
  }
  return pids;
}

describe("radosgw", () => {
  it.skipIf(!hasRadosgw)(
    "starts, serves SigV4 S3 through the fault proxy, and stops leaving no process behind",
    async () => {
      const peer = await startRadosgw({ memstoreBytes: 256 * 1024 * 1024 });
      const proxy = await startFaultProxy({ target: peer.endpoint });
      try {
        expect(peer.kind).toBe("radosgw");
        expect(await processesMentioning(peer.directory)).toHaveLength(3);
        const config = await readFile(`${peer.directory}/ceph.conf`, "utf8");
        expect(config).not.toContain(":3300");

        // The client signs for the proxy's address; radosgw checks the same Host.
        const client = new S3Client({
          endpoint: proxy.endpoint,
          region: peer.region,
          forcePathStyle: true,
          credentials: { accessKeyId: peer.accessKeyId, secretAccessKey: peer.secretAccessKey },
          requestChecksumCalculation: "WHEN_REQUIRED",
          responseChecksumValidation: "WHEN_REQUIRED",
        });
        await client.send(new CreateBucketCommand({ Bucket: "spotkit" }));
        // One throttled answer on the PUT: the SDK retries it.
        proxy.faults.add({
          match: { method: "PUT", path: /^\/spotkit\/hello\.txt$/ },
          times: 1,
          action: { type: "s3-error", status: 503, code: "SlowDown" },
        });
        await client.send(
          new PutObjectCommand({
            Bucket: "spotkit",
            Key: "hello.txt",
            Body: "hello radosgw",
            Metadata: { "spotkit-sha256": "abc" },
          }),
        );
        expect(proxy.stats.faultsApplied).toBe(1);
        const got = await client.send(
          new GetObjectCommand({ Bucket: "spotkit", Key: "hello.txt" }),
        );
        expect(await got.Body?.transformToString()).toBe("hello radosgw");
        expect(got.Metadata).toEqual({ "spotkit-sha256": "abc" });
        const listed = await client.send(new ListObjectsV2Command({ Bucket: "spotkit" }));
        expect(listed.Contents?.map((object) => object.Key)).toEqual(["hello.txt"]);
        expect(proxy.stats.requestsByMethod.PUT).toBeGreaterThanOrEqual(3);

        // A wrong secret is refused: signatures are really checked.
        const wrong = new S3Client({
          endpoint: proxy.endpoint,
          region: peer.region,
          forcePathStyle: true,
          credentials: { accessKeyId: peer.accessKeyId, secretAccessKey: "wrong" },
          maxAttempts: 1,
        });
        const failure = await wrong
          .send(new GetObjectCommand({ Bucket: "spotkit", Key: "hello.txt" }))
          .catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(S3ServiceException);
        expect((failure as S3ServiceException).name).toBe("SignatureDoesNotMatch");

        await client.send(new DeleteObjectCommand({ Bucket: "spotkit", Key: "hello.txt" }));
        await peer.collectGarbage();
        client.destroy();
        wrong.destroy();
      } finally {
        await proxy.stop();
        await peer.stop();
      }
      expect(await processesMentioning(peer.directory)).toEqual([]);
      await expect(readdir(peer.directory)).rejects.toMatchObject({ code: "ENOENT" });
      await expect(fetch(`${peer.endpoint}/`)).rejects.toThrow();
    },
    120_000,
  );

  it.skipIf(!hasRadosgw)(
    "fails with the daemons' logs when the gateway port is taken, and cleans up",
    async () => {
      // Holds the port; connections that reach it are closed at once, so close() can finish.
      const blocker = createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => blocker.listen({ host: "127.0.0.1", port: 0 }, resolve));
      const port = (blocker.address() as { port: number }).port;
      try {
        const failure = (await startRadosgw({ port }).catch((error: unknown) => error)) as Error & {
          code: string;
        };
        expect(failure.code).toBe("E_PEER_START");
        expect(failure.message).toContain("radosgw");
        expect(failure.message).toMatch(/--- (log\/|radosgw output)/);
        const directory = /its folder (\S+) was removed/.exec(failure.message)?.[1];
        expect(directory).toMatch(/spotkit-radosgw-/);
        expect(await processesMentioning(directory as string)).toEqual([]);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    },
    120_000,
  );

  it.skipIf(!hasRadosgw)(
    "gives up after `timeout` and stops what it started",
    async () => {
      const failure = (await startRadosgw({ timeout: 3000 }).catch(
        (error: unknown) => error,
      )) as Error & {
        code: string;
      };
      expect(failure.code).toBe("E_PEER_TIMEOUT");
      const directory = /its folder (\S+) was removed/.exec(failure.message)?.[1];
      expect(await processesMentioning(directory as string)).toEqual([]);
      await expect(readdir(directory as string)).rejects.toMatchObject({ code: "ENOENT" });
    },
    60_000,
  );

  it("says what to install when the programs are missing", async () => {
    const savedPath = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      await expect(startRadosgw()).rejects.toMatchObject({
        code: "E_PEER_MISSING",
        message: "radosgw not found: apt-get install radosgw ceph-mon ceph-osd",
      });
    } finally {
      process.env.PATH = savedPath;
    }
  });
});
