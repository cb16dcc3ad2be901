import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type AzurePeer, startAzurite } from "./azurite.js";

/**
 * Sends a Blob service request signed with Shared Key, built by hand: the Azure SDK is not a
 * dependency of this package, and a hand-made signature proves the published key is the right one.
 */
async function signedRequest(
  peer: AzurePeer,
  method: string,
  path: string,
  query: Record<string, string>,
  accountKey: string,
): Promise<Response> {
  const headers: Record<string, string> = {
    "x-ms-date": new Date().toUTCString(),
    "x-ms-version": "2021-08-06",
  };
  const canonicalHeaders = Object.keys(headers)
    .sort()
    .map((name) => `${name}:${headers[name]}\n`)
    .join("");
  const canonicalQuery = Object.keys(query)
    .sort()
    .map((name) => `\n${name}:${query[name]}`)
    .join("");
  const url = new URL(`${peer.endpoint}${path}`);
  const canonicalResource = `/${peer.accountName}${url.pathname}${canonicalQuery}`;
  // VERB, then eleven standard headers (all empty here), then x-ms-* headers, then the resource.
  const stringToSign = `${method}\n${"\n".repeat(11)}${canonicalHeaders}${canonicalResource}`;
  const signature = createHmac("sha256", Buffer.from(accountKey, "base64"))
    .update(stringToSign, "utf8")
    .digest("base64");
  for (const [name, value] of Object.entries(query)) {
    url.searchParams.set(name, value);
  }
  return await fetch(url, {
    method,
    headers: { ...headers, authorization: `SharedKey ${peer.accountName}:${signature}` },
  });
}

describe("azurite", () => {
  it("starts on 127.0.0.1, accepts the well-known key, refuses another, and stops", async () => {
    const peer = await startAzurite();
    try {
      expect(peer.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
      expect(peer.connectionString).toContain(`BlobEndpoint=${peer.endpoint};`);
      expect(peer.connectionString).toContain(`AccountKey=${peer.accountKey};`);
      const created = await signedRequest(
        peer,
        "PUT",
        "/smoke",
        { restype: "container" },
        peer.accountKey,
      );
      expect(created.status).toBe(201);
      const listed = await signedRequest(peer, "GET", "", { comp: "list" }, peer.accountKey);
      expect(listed.status).toBe(200);
      expect(await listed.text()).toContain("<Name>smoke</Name>");
      const wrongKey = Buffer.from("not the key").toString("base64");
      const refused = await signedRequest(peer, "GET", "", { comp: "list" }, wrongKey);
      expect(refused.status).toBe(403);
    } finally {
      await peer.stop();
    }
    await expect(fetch(`${peer.endpoint}?comp=list`)).rejects.toThrow();
  });
});
