import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AzurePeer, startAzurite } from "./azurite.js";
import { createAzuriteContainer } from "./azurite-container.js";

describe("createAzuriteContainer", () => {
  let peer: AzurePeer;
  beforeAll(async () => {
    peer = await startAzurite();
  }, 60_000);
  afterAll(async () => {
    await peer?.stop();
  });

  it("creates a container, so that creating it again is a conflict", async () => {
    await createAzuriteContainer(peer, "made-by-helper");
    // 409 ContainerAlreadyExists proves the first request was accepted and the container is there.
    await expect(createAzuriteContainer(peer, "made-by-helper")).rejects.toThrow(/HTTP 409/);
  });

  it("rejects a request signed with a wrong key", async () => {
    const wrongKey = Buffer.alloc(64, 1).toString("base64");
    await expect(
      createAzuriteContainer({ ...peer, accountKey: wrongKey }, "never-made"),
    ).rejects.toThrow(/HTTP 403/);
  });
});
