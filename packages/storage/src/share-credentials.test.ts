import { describe, expect, it } from "vitest";
import { type CredentialProvider, shareCredentials } from "./share-credentials.js";

/** A provider that counts its calls and gives credentials expiring `lifetime` ms from now. */
function countingProvider(lifetime: number | undefined, failFirst = false) {
  let calls = 0;
  const provider: CredentialProvider = async () => {
    calls += 1;
    if (failFirst && calls === 1) throw new Error("STS is down");
    return {
      accessKeyId: `key-${calls}`,
      secretAccessKey: "secret",
      ...(lifetime === undefined ? {} : { expiration: new Date(Date.now() + lifetime) }),
    };
  };
  return { provider, calls: () => calls };
}

describe("shareCredentials", () => {
  it("fetches once for every caller, also for callers at the same time", async () => {
    const { provider, calls } = countingProvider(60 * 60 * 1000);
    const shared = shareCredentials(provider);
    const [first, second] = await Promise.all([shared(), shared()]);
    const third = await shared();
    expect(calls()).toBe(1);
    expect([first?.accessKeyId, second?.accessKeyId, third?.accessKeyId]).toEqual([
      "key-1",
      "key-1",
      "key-1",
    ]);
  });

  it("fetches again five minutes before they expire, or when a client forces a refresh", async () => {
    const expiring = countingProvider(4 * 60 * 1000);
    const sharedExpiring = shareCredentials(expiring.provider);
    await sharedExpiring();
    expect((await sharedExpiring()).accessKeyId).toBe("key-2");

    const lasting = countingProvider(undefined);
    const sharedLasting = shareCredentials(lasting.provider);
    await sharedLasting();
    await sharedLasting();
    expect(lasting.calls()).toBe(1);
    expect((await sharedLasting({ forceRefresh: true })).accessKeyId).toBe("key-2");
  });

  it("does not keep a failed fetch", async () => {
    const { provider, calls } = countingProvider(60 * 60 * 1000, true);
    const shared = shareCredentials(provider);
    await expect(shared()).rejects.toThrow("STS is down");
    expect((await shared()).accessKeyId).toBe("key-2");
    expect(calls()).toBe(2);
  });
});
