import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { redactedCause, redactSecrets } from "./redact-secrets.js";

describe("redactSecrets", () => {
  it("masks every known secret, also URL-encoded", () => {
    const key = "abc+def/ghi==";
    const text = `key ${key} and ${encodeURIComponent(key)} again`;
    expect(redactSecrets(text, [key])).toBe("key *** and *** again");
  });

  it("ignores empty and very short secrets, which would mangle words", () => {
    expect(redactSecrets("a bc def", ["", "bc", undefined])).toBe("a bc def");
  });

  it("drops URL query strings, where SAS tokens and access tokens travel", () => {
    const text =
      "PUT https://acct.blob.core.windows.net/c/k?sv=2024-01-01&sig=SECRET%2Bsig&se=2030 failed";
    const redacted = redactSecrets(text);
    expect(redacted).toBe("PUT https://acct.blob.core.windows.net/c/k?*** failed");
    expect(redacted).not.toContain("SECRET");
  });

  it("masks signatures, bearer tokens, connection-string keys and private keys", () => {
    const text = [
      "sig=abcdef&x=1",
      "Authorization: Bearer ya29.token-value",
      "SharedKey devstoreaccount1:c2lnbmF0dXJl",
      "AccountName=a;AccountKey=bXlrZXk=;EndpointSuffix=core",
      "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----",
    ].join("\n");
    const redacted = redactSecrets(text);
    for (const secret of ["abcdef", "ya29.token-value", "c2lnbmF0dXJl", "bXlrZXk=", "MIIE"]) {
      expect(redacted).not.toContain(secret);
    }
    expect(redacted).toContain("Bearer ***");
    expect(redacted).toContain("EndpointSuffix=core");
  });
});

describe("redactedCause", () => {
  it("keeps name, redacted message, code and status, and nothing of the request", () => {
    const sdkError = Object.assign(new Error("failed with sig=TOPSECRET"), {
      name: "RestError",
      code: "AuthorizationFailure",
      statusCode: 403,
      request: { headers: { authorization: "SharedKey account:TOPSECRET2" } },
    });
    const cause = redactedCause(sdkError, ["TOPSECRET2"]);
    expect(cause).toMatchObject({
      name: "RestError",
      code: "AuthorizationFailure",
      statusCode: 403,
    });
    expect(inspect(cause, { depth: 5 })).not.toMatch(/TOPSECRET/);
  });

  it("returns undefined for no error", () => {
    expect(redactedCause(undefined)).toBeUndefined();
  });
});
