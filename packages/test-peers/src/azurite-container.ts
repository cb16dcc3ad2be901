import { createHmac } from "node:crypto";

/** The azurite account a test talks to; an `AzurePeer` is one. */
export interface AzuriteAccount {
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  endpoint: string;
  /** The account name, `devstoreaccount1` for azurite. */
  accountName: string;
  /** The account key, base64 as azurite publishes it. */
  accountKey: string;
}

/** A Blob service version azurite knows. */
const serviceVersion = "2021-12-02";

/**
 * Creates a container in azurite with a Shared Key-signed Create Container request. The plugins
 * have no reason to create containers (they expect them to exist, and the store interface has no
 * such call), and @azure/storage-blob is not one of their dependencies, so the request is signed
 * here by hand.
 *
 * Rejects unless azurite answers 201 Created (an existing container gets 409).
 */
export async function createAzuriteContainer(account: AzuriteAccount, name: string): Promise<void> {
  const url = new URL(`${account.endpoint}/${name}?restype=container`);
  const date = new Date().toUTCString();
  // String-to-sign of Shared Key (version 2015-02-21 and later): the verb, eleven standard headers
  // (all empty here, Content-Length included since the body is empty), the x-ms-* headers, and
  // the canonicalized resource, which for a path-style emulator URL repeats the account name.
  const stringToSign = [
    "PUT",
    ...Array.from({ length: 11 }, () => ""),
    `x-ms-date:${date}`,
    `x-ms-version:${serviceVersion}`,
    `/${account.accountName}${url.pathname}\nrestype:container`,
  ].join("\n");
  const signature = createHmac("sha256", Buffer.from(account.accountKey, "base64"))
    .update(stringToSign, "utf8")
    .digest("base64");
  const response = await fetch(url, {
    method: "PUT",
    headers: {
      "x-ms-date": date,
      "x-ms-version": serviceVersion,
      authorization: `SharedKey ${account.accountName}:${signature}`,
    },
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status !== 201) {
    throw new Error(
      `Creating the container ${name} failed: HTTP ${response.status} ${await response.text()}`,
    );
  }
}
