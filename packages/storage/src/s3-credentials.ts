import type { S3ClientConfig } from "@aws-sdk/client-s3";
import {
  fromIni,
  fromNodeProviderChain,
  fromTemporaryCredentials,
  fromTokenFile,
} from "@aws-sdk/credential-providers";
import { shareCredentials } from "./share-credentials.js";
import { StorageError } from "./storage-error.js";

/** The credential fields of an S3 store's configuration (see `S3StoreConfig`). */
export interface S3CredentialSettings {
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  profile?: string;
  roleArn?: string;
  roleSessionName?: string;
  externalId?: string;
  webIdentityTokenFile?: string;
}

/** Which kind of credentials {@link resolveS3Credentials} chose. */
export type S3CredentialSource =
  | "static"
  | "web-identity"
  | "assume-role"
  | "profile"
  | "default-chain";

/** What {@link resolveS3Credentials} returns. */
export interface ResolvedS3Credentials {
  source: S3CredentialSource;
  /** What to give the S3 client as `credentials`. */
  credentials: NonNullable<S3ClientConfig["credentials"]>;
  /** Values that must be masked wherever a message could show them. */
  secrets: string[];
}

/**
 * Chooses the credentials of an S3 store. The explicit settings are used when any credential field
 * is set; otherwise the same fields are read from `env` (`AWS_ACCESS_KEY_ID`,
 * `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_ROLE_ARN`, `AWS_WEB_IDENTITY_TOKEN_FILE`,
 * `AWS_ROLE_SESSION_NAME`, `AWS_PROFILE`). Then, first match wins:
 *
 * 1. `webIdentityTokenFile` (with `roleArn`): AssumeRoleWithWebIdentity (`fromTokenFile`).
 * 2. `roleArn`: AssumeRole (`fromTemporaryCredentials`), signed with the credentials that steps
 *    3–5 would choose (drone-s3's `access_key` + `assume_role`).
 * 3. `accessKeyId` + `secretAccessKey` (+ `sessionToken`): static keys.
 * 4. `profile`: that profile of the shared config and credentials files (`fromIni`).
 * 5. The SDK's default chain (`fromNodeProviderChain`: environment, SSO, web identity, shared
 *    files, ECS and EC2 metadata). This step reads `process.env` itself, as the SDK documents.
 *
 * A provider (every choice but static keys) is shared (see {@link shareCredentials}): clients
 * given the same result fetch the credentials once, not once each.
 *
 * @throws {StorageError} `E_STORAGE_AUTH` when the settings are incomplete (a key without its
 * secret, a token file without a role).
 */
export function resolveS3Credentials(
  settings: S3CredentialSettings,
  options: { env: Record<string, string | undefined>; region: string },
): ResolvedS3Credentials {
  const resolved = chooseCredentials(settings, options);
  return typeof resolved.credentials === "function"
    ? { ...resolved, credentials: shareCredentials(resolved.credentials) }
    : resolved;
}

// --- internal ---

function chooseCredentials(
  settings: S3CredentialSettings,
  options: { env: Record<string, string | undefined>; region: string },
): ResolvedS3Credentials {
  const chosen = hasExplicitCredentials(settings) ? settings : settingsFromEnv(options.env);
  const secrets = [chosen.secretAccessKey, chosen.sessionToken].filter(
    (value): value is string => value !== undefined && value !== "",
  );
  const clientConfig = { region: options.region };

  if (chosen.webIdentityTokenFile) {
    if (!chosen.roleArn) {
      throw new StorageError(
        "E_STORAGE_AUTH",
        "A web identity token file is set but no role: set `role_arn` (AWS_ROLE_ARN) to the role to assume with it.",
      );
    }
    return {
      source: "web-identity",
      credentials: fromTokenFile({
        webIdentityTokenFile: chosen.webIdentityTokenFile,
        roleArn: chosen.roleArn,
        ...(chosen.roleSessionName ? { roleSessionName: chosen.roleSessionName } : {}),
        clientConfig,
      }),
      secrets,
    };
  }
  const base = baseCredentials(chosen);
  if (chosen.roleArn) {
    return {
      source: "assume-role",
      credentials: fromTemporaryCredentials({
        params: {
          RoleArn: chosen.roleArn,
          RoleSessionName: chosen.roleSessionName || `spotkit-${Date.now()}`,
          ...(chosen.externalId ? { ExternalId: chosen.externalId } : {}),
        },
        masterCredentials: base.credentials,
        clientConfig,
      }),
      secrets,
    };
  }
  return { ...base, secrets };
}

function hasExplicitCredentials(settings: S3CredentialSettings): boolean {
  return Boolean(
    settings.accessKeyId ||
      settings.secretAccessKey ||
      settings.sessionToken ||
      settings.profile ||
      settings.roleArn ||
      settings.webIdentityTokenFile,
  );
}

function settingsFromEnv(env: Record<string, string | undefined>): S3CredentialSettings {
  const read = (name: string) => (env[name] === "" ? undefined : env[name]);
  const settings: S3CredentialSettings = {};
  const fields: [keyof S3CredentialSettings, string][] = [
    ["accessKeyId", "AWS_ACCESS_KEY_ID"],
    ["secretAccessKey", "AWS_SECRET_ACCESS_KEY"],
    ["sessionToken", "AWS_SESSION_TOKEN"],
    ["profile", "AWS_PROFILE"],
    ["roleArn", "AWS_ROLE_ARN"],
    ["roleSessionName", "AWS_ROLE_SESSION_NAME"],
    ["webIdentityTokenFile", "AWS_WEB_IDENTITY_TOKEN_FILE"],
  ];
  for (const [field, variable] of fields) {
    const value = read(variable);
    if (value !== undefined) {
      settings[field] = value;
    }
  }
  return settings;
}

function baseCredentials(settings: S3CredentialSettings): Omit<ResolvedS3Credentials, "secrets"> {
  const { accessKeyId, secretAccessKey, sessionToken, profile } = settings;
  if (accessKeyId || secretAccessKey) {
    if (!accessKeyId || !secretAccessKey) {
      throw new StorageError(
        "E_STORAGE_AUTH",
        accessKeyId
          ? "An access key is set without its secret: set `secret_key` (AWS_SECRET_ACCESS_KEY) too."
          : "A secret key is set without its access key: set `access_key` (AWS_ACCESS_KEY_ID) too.",
      );
    }
    return {
      source: "static",
      credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    };
  }
  if (profile) {
    return { source: "profile", credentials: fromIni({ profile }) };
  }
  return { source: "default-chain", credentials: fromNodeProviderChain() };
}
