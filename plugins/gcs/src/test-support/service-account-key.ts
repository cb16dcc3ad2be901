import { generateKeyPairSync, randomBytes } from "node:crypto";

/** A service-account key file made up for a test, with a real RSA key so that it can sign. */
export interface TestServiceAccountKey {
  /** The key file's content, as a pipeline would pass it to `token`. */
  json: string;
  privateKey: string;
  privateKeyId: string;
}

/**
 * Makes a service-account key like the ones the Cloud console downloads. Its `token_uri` points
 * at 127.0.0.1 so that nothing would ever leave the machine even if a client asked for a token.
 */
export function createServiceAccountKey(): TestServiceAccountKey {
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const privateKeyId = randomBytes(20).toString("hex");
  const json = JSON.stringify(
    {
      type: "service_account",
      project_id: "spotkit-test",
      private_key_id: privateKeyId,
      private_key: privateKey,
      client_email: "publisher@spotkit-test.iam.gserviceaccount.com",
      client_id: "100000000000000000000",
      auth_uri: "http://127.0.0.1:9/auth",
      token_uri: "http://127.0.0.1:9/token",
      universe_domain: "googleapis.com",
    },
    null,
    2,
  );
  return { json, privateKey, privateKeyId };
}
