import { describe, expect, it } from "vitest";
import { findExecutable } from "./find-executable.js";
import { startS3Peer } from "./s3-peer.js";

const hasMoto = findExecutable("moto_server", process.env) !== undefined;

describe("startS3Peer", () => {
  it("refuses an unknown SPOTKIT_S3_PEER", async () => {
    await expect(startS3Peer({ SPOTKIT_S3_PEER: "minio", PATH: "" })).rejects.toMatchObject({
      code: "E_PEER_CONFIG",
      message: expect.stringContaining('"radosgw" or "moto"'),
    });
  });

  it("says what to install when neither server is on PATH", async () => {
    await expect(startS3Peer({ PATH: "/nonexistent" })).rejects.toMatchObject({
      code: "E_PEER_MISSING",
      message: expect.stringContaining("apt-get install radosgw ceph-mon ceph-osd"),
    });
  });

  it.skipIf(!hasMoto)("starts moto when SPOTKIT_S3_PEER=moto", async () => {
    const peer = await startS3Peer({ ...process.env, SPOTKIT_S3_PEER: "moto" });
    try {
      expect(peer.kind).toBe("moto");
      expect((await fetch(`${peer.endpoint}/`)).status).toBe(200);
    } finally {
      await peer.stop();
    }
  });
});
