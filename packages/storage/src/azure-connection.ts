import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import {
  AnonymousCredential,
  BlobServiceClient,
  StorageSharedKeyCredential,
} from "@azure/storage-blob";
import type { AzureBlobStoreConfig } from "./azure-blob-store.js";
import { redactSecrets } from "./redact-secrets.js";
import { StorageError } from "./storage-error.js";

/** How an Azure store reaches its account: where, with which credential, and how to talk about it. */
export interface AzureConnection {
  /** The Blob service URL, with the SAS query when the credential is a SAS. */
  serviceUrl: string;
  credential: StorageSharedKeyCredential | AnonymousCredential | TokenCredential;
  /** The storage account, when known. */
  account?: string;
  /** Which credential was picked (see {@link resolveAzureConnection} for the order). */
  kind: "connection-string" | "account-key" | "sas" | "client-secret" | "azure-identity";
  /** What to check when Azure refuses the credential, naming the settings. */
  credentialHint: string;
  /** Credential values that must never appear in a message. */
  secrets: string[];
}

/**
 * Picks the credential of an Azure store, the first that is set winning:
 * 1. `connectionString` (or `AZURE_STORAGE_CONNECTION_STRING`), with its own endpoint;
 * 2. `accountKey` (or `AZURE_STORAGE_KEY` / `AZURE_STORAGE_ACCOUNT_KEY`) with `account`;
 * 3. `sasToken` (or `AZURE_STORAGE_SAS_TOKEN`);
 * 4. `clientId` + `tenantId` + `clientSecret`: an Azure AD service principal;
 * 5. `useAzureIdentity`: `DefaultAzureCredential` (environment, workload identity, managed
 *    identity, Azure CLI…), which reads its own `AZURE_*` variables from the process.
 *
 * @throws {StorageError} `E_STORAGE_AUTH` when none is set, or when a setting it needs is missing.
 */
export function resolveAzureConnection(config: AzureBlobStoreConfig): AzureConnection {
  const env = config.env ?? {};
  const connectionString = config.connectionString ?? env.AZURE_STORAGE_CONNECTION_STRING;
  const account = config.account ?? env.AZURE_STORAGE_ACCOUNT;
  const accountKey = config.accountKey ?? env.AZURE_STORAGE_KEY ?? env.AZURE_STORAGE_ACCOUNT_KEY;
  const sasToken = config.sasToken ?? env.AZURE_STORAGE_SAS_TOKEN;
  const endpoint = trimSlashes(config.endpoint ?? env.AZURE_STORAGE_BLOB_ENDPOINT);

  if (connectionString) {
    // The SDK parses every form (account key, SAS, emulator shortcut); keep only what it found.
    const parsed = parseConnectionString(connectionString);
    const parsedKey = /(?:^|;)\s*AccountKey=([^;]+)/i.exec(connectionString)?.[1];
    const parsedSas = /(?:^|;)\s*SharedAccessSignature=([^;]+)/i.exec(connectionString)?.[1];
    return {
      serviceUrl: parsed.url,
      credential: parsed.credential,
      account: parsed.accountName || account,
      kind: "connection-string",
      credentialHint:
        "check the connection string (connection_string): its AccountName, AccountKey or SharedAccessSignature, and BlobEndpoint",
      secrets: compact([connectionString, parsedKey, parsedSas]),
    };
  }
  if (accountKey) {
    if (!account) {
      throw new StorageError(
        "E_STORAGE_AUTH",
        "An Azure account key needs its account name: set `account` (or AZURE_STORAGE_ACCOUNT).",
      );
    }
    return {
      serviceUrl: endpoint ?? defaultEndpoint(account),
      credential: new StorageSharedKeyCredential(account, accountKey),
      account,
      kind: "account-key",
      credentialHint: `check account_key: it must be an access key of account "${account}"`,
      secrets: [accountKey],
    };
  }
  const baseUrl = endpoint ?? (account ? defaultEndpoint(account) : undefined);
  if (sasToken) {
    if (!baseUrl) {
      throw new StorageError(
        "E_STORAGE_AUTH",
        "A SAS token needs to know where the account is: set `account` or `endpoint`.",
      );
    }
    const query = sasToken.replace(/^\?/, "");
    return {
      serviceUrl: `${baseUrl}?${query}`,
      credential: new AnonymousCredential(),
      ...(account ? { account } : {}),
      kind: "sas",
      credentialHint:
        "check the SAS token (sas_token): it must not be expired and must allow read, add, create, write, delete and list on the container",
      secrets: compact([query, new URLSearchParams(query).get("sig") ?? undefined]),
    };
  }
  const hasServicePrincipal = Boolean(config.clientId && config.tenantId && config.clientSecret);
  if (hasServicePrincipal || config.useAzureIdentity) {
    if (!baseUrl) {
      throw new StorageError(
        "E_STORAGE_AUTH",
        "Azure AD sign-in needs to know where the account is: set `account` or `endpoint`.",
      );
    }
    return {
      serviceUrl: baseUrl,
      credential: lazyIdentityCredential(config, hasServicePrincipal),
      ...(account ? { account } : {}),
      kind: hasServicePrincipal ? "client-secret" : "azure-identity",
      credentialHint: hasServicePrincipal
        ? "check client_id, tenant_id and client_secret, and that the service principal has the Storage Blob Data Contributor role on the container"
        : "check the identity DefaultAzureCredential found (AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_FEDERATED_TOKEN_FILE, managed identity, az login) and that it has the Storage Blob Data Contributor role on the container",
      secrets: compact([config.clientSecret]),
    };
  }
  throw new StorageError(
    "E_STORAGE_AUTH",
    "No Azure credentials: set connection_string, account with account_key, sas_token, client_id/tenant_id/client_secret, or use_azure_identity.",
  );
}

// --- internal ---

function parseConnectionString(connectionString: string): BlobServiceClient {
  try {
    return BlobServiceClient.fromConnectionString(connectionString);
  } catch (error) {
    // The SDK's own message names the missing part; it never needs the string itself.
    const reason = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    throw new StorageError(
      "E_STORAGE_AUTH",
      `The Azure connection string (connection_string) cannot be read: ${redactSecrets(reason, [connectionString])}`,
    );
  }
}

function defaultEndpoint(account: string): string {
  return `https://${account}.blob.core.windows.net`;
}

function trimSlashes(url: string | undefined): string | undefined {
  return url ? url.replace(/\/+$/, "") : undefined;
}

function compact(values: (string | undefined)[]): string[] {
  return values.filter((value): value is string => value !== undefined && value !== "");
}

/**
 * A token credential that loads @azure/identity (and MSAL behind it) on the first token request
 * only, so that stores using a key or a SAS never pay for loading it.
 */
function lazyIdentityCredential(
  config: AzureBlobStoreConfig,
  servicePrincipal: boolean,
): TokenCredential {
  let credential: Promise<TokenCredential> | undefined;
  return {
    async getToken(
      scopes: string | string[],
      options?: GetTokenOptions,
    ): Promise<AccessToken | null> {
      credential ??= import("@azure/identity").then((identity) =>
        servicePrincipal
          ? new identity.ClientSecretCredential(
              config.tenantId as string,
              config.clientId as string,
              config.clientSecret as string,
            )
          : new identity.DefaultAzureCredential(
              config.clientId ? { managedIdentityClientId: config.clientId } : {},
            ),
      );
      return (await credential).getToken(scopes, options);
    },
  };
}
