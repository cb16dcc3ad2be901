import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GcsPeer, startGcsFake } from "./gcs-fake.js";
import { createGcsFakeBucket } from "./gcs-fake-bucket.js";

describe("createGcsFakeBucket", () => {
  let peer: GcsPeer;
  beforeAll(async () => {
    peer = await startGcsFake({ requireToken: "test-token" });
  });
  afterAll(async () => {
    await peer?.stop();
  });

  it("creates a bucket with the bearer token, and rejects without it or twice", async () => {
    await createGcsFakeBucket(peer.endpoint, "made-by-helper", "test-token");
    const response = await fetch(`${peer.endpoint}/storage/v1/b/made-by-helper`, {
      headers: { authorization: "Bearer test-token" },
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: "made-by-helper" });
    await expect(createGcsFakeBucket(peer.endpoint, "no-token")).rejects.toThrow(/HTTP 401/);
    await expect(
      createGcsFakeBucket(peer.endpoint, "made-by-helper", "test-token"),
    ).rejects.toThrow(/HTTP 409/);
  });
});
