import { describe, expect, it } from "vitest";
import { credentialSecrets, parseCredentialsJson } from "./credentials-json.js";
import { createServiceAccountKey } from "./test-support/service-account-key.js";

describe("parseCredentialsJson", () => {
  it("reads a service-account key and other credential files", () => {
    const key = createServiceAccountKey();
    const parsed = parseCredentialsJson(key.json);
    expect(parsed.ok && parsed.credentials.client_email).toBe(
      "publisher@spotkit-test.iam.gserviceaccount.com",
    );
    expect(
      parseCredentialsJson(
        '{"type":"authorized_user","client_id":"x","client_secret":"y","refresh_token":"z"}',
      ).ok,
    ).toBe(true);
  });

  it.each([
    ["not json at all", "it is not JSON"],
    ['"a string"', "not a JSON object"],
    ["[1]", "not a JSON object"],
    ['{"private_key":"k"}', 'no "type"'],
    ['{"type":"service_account","client_email":"a@b"}', "no client_email or private_key"],
  ])("refuses %j, saying why without quoting it", (text, problem) => {
    const parsed = parseCredentialsJson(text);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toContain(problem);
    expect(!parsed.ok && parsed.problem).not.toContain(text);
  });
});

describe("credentialSecrets", () => {
  it("masks the private key with real and escaped line breaks, and its id", () => {
    const key = createServiceAccountKey();
    const parsed = parseCredentialsJson(key.json);
    const secrets = parsed.ok ? credentialSecrets(parsed.credentials) : [];
    expect(secrets).toContain(key.privateKey);
    expect(secrets).toContain(key.privateKey.replaceAll("\n", "\\n"));
    expect(secrets).toContain(key.privateKeyId);
  });

  it("masks a user credential's client secret and refresh token", () => {
    expect(
      credentialSecrets({ type: "authorized_user", client_secret: "cs", refresh_token: "rt" }),
    ).toEqual(["cs", "rt"]);
  });
});
