import {
  CreateBucketCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { findExecutable } from "./find-executable.js";
import { startMoto } from "./moto.js";

const hasMoto = findExecutable("moto_server", process.env) !== undefined;
if (!hasMoto) {
  console.warn("moto tests skipped: moto_server is not on PATH (pip install 'moto[server]')");
}

describe("moto", () => {
  it.skipIf(!hasMoto)("starts on 127.0.0.1, serves S3 and stops", async () => {
    const peer = await startMoto();
    try {
      expect(peer.kind).toBe("moto");
      expect(peer.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const client = new S3Client({
        endpoint: peer.endpoint,
        region: peer.region,
        forcePathStyle: true,
        credentials: { accessKeyId: peer.accessKeyId, secretAccessKey: peer.secretAccessKey },
      });
      await client.send(new CreateBucketCommand({ Bucket: "smoke" }));
      await client.send(new PutObjectCommand({ Bucket: "smoke", Key: "k", Body: "moto body" }));
      const got = await client.send(new GetObjectCommand({ Bucket: "smoke", Key: "k" }));
      expect(await got.Body?.transformToString()).toBe("moto body");
      client.destroy();
    } finally {
      await peer.stop();
    }
    // Stopped means nothing answers on its port any more.
    await expect(fetch(`${peer.endpoint}/`)).rejects.toThrow();
    // Stopping twice is harmless.
    await peer.stop();
  });
});
