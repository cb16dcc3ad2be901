import type { ObjectStoreConfig } from "@spotkit/storage";
import { metadataRules, parseByteSize, type SyncRules } from "@spotkit/sync";
import { pickAzureCredential } from "./azure-credential.js";
import type { AzureBlobSettings } from "./settings.js";

/** The Azure member of @spotkit/storage's `ObjectStoreConfig`. */
export type AzureStoreConfig = Extract<ObjectStoreConfig, { type: "azure" }>;

/**
 * The store a run talks to, from the settings. Only the credential that wins (see
 * `pickAzureCredential`) is passed on, and `env` is empty: every variable the adapter would read
 * is a declared setting (so its value is masked), and nothing else in the environment may change
 * which account is written to. `skip_verify` (a common setting) reaches the adapter's HTTPS agent.
 */
export function createStoreConfig(
  values: AzureBlobSettings & { skip_verify?: boolean },
): AzureStoreConfig {
  const credential = pickAzureCredential(values);
  const config: AzureStoreConfig = { type: "azure", container: values.container, env: {} };
  if (values.account) config.account = values.account;
  if (values.endpoint) config.endpoint = values.endpoint;
  if (values.skip_verify) config.skipVerify = true;
  switch (credential) {
    case "connection-string":
      config.connectionString = values.connection_string;
      break;
    case "account-key":
      config.accountKey = values.account_key;
      break;
    case "sas-token":
      config.sasToken = values.sas_token;
      break;
    case "service-principal":
      config.clientId = values.client_id;
      config.tenantId = values.tenant_id;
      config.clientSecret = values.client_secret;
      break;
    case "azure-identity":
      config.useAzureIdentity = true;
      if (values.client_id) config.clientId = values.client_id;
      break;
    default:
      break;
  }
  return config;
}

/** Headers, metadata, gzip and tier of uploaded blobs, as the sync engine takes them. */
export function createSyncRules(
  values: Pick<
    AzureBlobSettings,
    "content_type" | "content_encoding" | "cache_control" | "metadata" | "gzip" | "tier"
  >,
): SyncRules {
  const rules: SyncRules = {};
  if (values.content_type !== undefined) rules.contentType = values.content_type;
  if (values.content_encoding !== undefined) rules.contentEncoding = values.content_encoding;
  if (values.cache_control !== undefined) rules.cacheControl = values.cache_control;
  const metadata = metadataRules(values.metadata);
  if (metadata !== undefined) rules.metadata = metadata;
  if (values.gzip.length > 0) rules.gzip = values.gzip;
  if (values.tier !== undefined) rules.storageClass = values.tier;
  return rules;
}

/** `part_size` in bytes, or undefined for the store's default. */
export function partSizeBytes(value: AzureBlobSettings["part_size"]): number | undefined {
  return value === undefined ? undefined : parseByteSize(value);
}
