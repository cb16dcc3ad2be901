import { describe, expect, it } from "vitest";
import { resolveS3Credentials } from "./s3-credentials.js";
import { StorageError } from "./storage-error.js";

const region = "us-east-1";

describe("resolveS3Credentials", () => {
  it("uses static keys, with the session token", () => {
    const resolved = resolveS3Credentials(
      { accessKeyId: "AKIA1", secretAccessKey: "secret-1", sessionToken: "token-1" },
      { env: {}, region },
    );
    expect(resolved.source).toBe("static");
    expect(resolved.credentials).toEqual({
      accessKeyId: "AKIA1",
      secretAccessKey: "secret-1",
      sessionToken: "token-1",
    });
    expect(resolved.secrets).toEqual(["secret-1", "token-1"]);
  });

  it("reads AWS_* from env only when no credential setting is given", () => {
    const env = { AWS_ACCESS_KEY_ID: "AKIAENV", AWS_SECRET_ACCESS_KEY: "env-secret" };
    const fromEnv = resolveS3Credentials({}, { env, region });
    expect(fromEnv.source).toBe("static");
    expect(fromEnv.credentials).toEqual({ accessKeyId: "AKIAENV", secretAccessKey: "env-secret" });
    // An explicit profile wins over keys in the environment.
    expect(resolveS3Credentials({ profile: "ci" }, { env, region }).source).toBe("profile");
    expect(resolveS3Credentials({}, { env: { AWS_PROFILE: "ci" }, region }).source).toBe("profile");
  });

  it("assumes a role, signed with the static keys, and prefers web identity when a token file is set", () => {
    const assume = resolveS3Credentials(
      {
        accessKeyId: "AKIA1",
        secretAccessKey: "secret-1",
        roleArn: "arn:aws:iam::1:role/ci",
        externalId: "x",
      },
      { env: {}, region },
    );
    expect(assume.source).toBe("assume-role");
    expect(typeof assume.credentials).toBe("function");
    expect(assume.secrets).toEqual(["secret-1"]);
    const web = resolveS3Credentials(
      {},
      {
        env: { AWS_ROLE_ARN: "arn:aws:iam::1:role/ci", AWS_WEB_IDENTITY_TOKEN_FILE: "/run/token" },
        region,
      },
    );
    expect(web.source).toBe("web-identity");
  });

  it("falls back to the SDK's default chain", () => {
    const resolved = resolveS3Credentials({}, { env: {}, region });
    expect(resolved.source).toBe("default-chain");
    expect(resolved.secrets).toEqual([]);
  });

  it.each([
    [{ accessKeyId: "AKIA1" }, "secret_key"],
    [{ secretAccessKey: "secret-only" }, "access_key"],
    [{ webIdentityTokenFile: "/run/token" }, "role_arn"],
  ])("refuses incomplete settings %j, naming %s", (settings, setting) => {
    let caught: unknown;
    try {
      resolveS3Credentials(settings, { env: {}, region });
    } catch (error) {
      caught = error;
    }
    expect(StorageError.isInstance(caught)).toBe(true);
    expect((caught as StorageError).code).toBe("E_STORAGE_AUTH");
    expect((caught as StorageError).message).toContain(setting);
    expect((caught as StorageError).message).not.toContain("secret-only");
  });
});
