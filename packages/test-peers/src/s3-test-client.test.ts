import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findExecutable } from "./find-executable.js";
import { type S3Peer, startS3Peer } from "./s3-peer.js";
import { createS3TestClient } from "./s3-test-client.js";

const hasS3Peer =
  findExecutable("radosgw", process.env) !== undefined ||
  findExecutable("moto_server", process.env) !== undefined;

describe("createS3TestClient", () => {
  it("refuses an endpoint off 127.0.0.1 before sending anything", async () => {
    const client = createS3TestClient({
      endpoint: "http://192.0.2.1:7480",
      region: "us-east-1",
      accessKeyId: "key",
      secretAccessKey: "secret",
    });
    await expect(client.createBucket("anything")).rejects.toMatchObject({
      code: "E_PEER_CONFIG",
      message: expect.stringContaining("not 192.0.2.1"),
    });
  });

  describe.skipIf(!hasS3Peer)("against the S3 peer", () => {
    let peer: S3Peer;
    beforeAll(async () => {
      peer = await startS3Peer();
    }, 90_000);
    afterAll(async () => {
      await peer?.stop();
    });

    it("creates a bucket, writes and heads an object, and counts open multipart uploads", async () => {
      const client = createS3TestClient(peer);
      await client.createBucket("client-test");
      const key = "folder/a name+with (odd) chars.txt";
      const put = await client.send("PUT", `/client-test/${key}`, {
        body: "hello",
        headers: { "X-Amz-Website-Redirect-Location": "/elsewhere.html" },
      });
      expect(put.status).toBe(200);
      expect(await client.headObject("client-test", key)).toMatchObject({
        "content-length": "5",
        "x-amz-website-redirect-location": "/elsewhere.html",
      });
      expect(await client.headObject("client-test", "missing")).toBeUndefined();
      expect(await client.countMultipartUploads("client-test")).toBe(0);
      const started = await client.send("POST", "/client-test/big", { query: { uploads: "" } });
      expect(started.status).toBe(200);
      expect(await client.countMultipartUploads("client-test")).toBe(1);
    });

    it.skipIf(!hasS3Peer)(
      "is refused by radosgw when signing with a wrong secret",
      async (context) => {
        // moto checks no signatures, so only radosgw can show that the signature matters.
        if (peer.kind !== "radosgw") context.skip();
        const client = createS3TestClient({ ...peer, secretAccessKey: "wrong" });
        await expect(client.createBucket("never-made")).rejects.toThrow(/HTTP 403/);
      },
    );
  });
});
