import type { ObjectStoreConfig } from "@spotkit/storage";
import { metadataRules, parseByteSize, type SyncRules } from "@spotkit/sync";
import { predefinedAclFor } from "./gcs-acl.js";
import { type GcsCredentialKind, pickGcsCredential } from "./gcs-credential.js";
import type { GcsSettings } from "./settings.js";

/** The GCS member of @spotkit/storage's `ObjectStoreConfig`. */
export type GcsStoreConfig = Extract<ObjectStoreConfig, { type: "gcs" }>;

/** Where the credentials of a run come from, beside the settings. */
export interface CredentialInputs {
  /**
   * The `external_account` JSON built for workload identity (see `externalAccountCredentials`),
   * when that is the credential.
   */
  externalAccount?: Record<string, unknown>;
}

/**
 * The store a run talks to. Only the credential that wins (see `pickGcsCredential`) is passed on,
 * and `env` is empty: `GOOGLE_CREDENTIALS` arrives as the `token` setting (so it is masked), and no
 * other variable may change which project is written to. Application default credentials (no
 * credential setting) still read `GOOGLE_APPLICATION_CREDENTIALS` and the metadata server, through
 * Google's auth library.
 */
export function createStoreConfig(
  bucket: string,
  values: GcsSettings & { skip_verify?: boolean },
  inputs: CredentialInputs = {},
): GcsStoreConfig {
  const config: GcsStoreConfig = { type: "gcs", bucket, env: {} };
  if (values.api_endpoint) config.apiEndpoint = values.api_endpoint;
  // The adapter refuses skip_verify with a message saying what to do instead.
  if (values.skip_verify) config.skipVerify = true;
  const credential: GcsCredentialKind = pickGcsCredential(values);
  switch (credential) {
    case "access-token":
      config.token = values.access_token;
      break;
    case "workload-identity":
      if (inputs.externalAccount) config.credentials = JSON.stringify(inputs.externalAccount);
      break;
    case "token":
      config.credentials = values.token;
      break;
    case "json-key":
      config.credentials = values.json_key;
      break;
    default:
      break;
  }
  return config;
}

/** Headers, metadata, ACL, gzip and storage class of uploaded objects, as the sync engine takes them. */
export function createSyncRules(
  values: Pick<
    GcsSettings,
    | "content_type"
    | "content_encoding"
    | "cache_control"
    | "metadata"
    | "gzip"
    | "storage_class"
    | "acl"
  >,
): SyncRules {
  const rules: SyncRules = {};
  if (values.content_type !== undefined) rules.contentType = values.content_type;
  if (values.content_encoding !== undefined) rules.contentEncoding = values.content_encoding;
  if (values.cache_control !== undefined) rules.cacheControl = values.cache_control;
  const metadata = metadataRules(values.metadata);
  if (metadata !== undefined) rules.metadata = metadata;
  if (values.gzip.length > 0) rules.gzip = values.gzip;
  if (values.storage_class !== undefined) rules.storageClass = values.storage_class;
  const acl = predefinedAclFor(values.acl);
  // validate() has refused entries without a predefined equivalent.
  if (acl.ok && acl.acl !== undefined) rules.acl = acl.acl;
  return rules;
}

/** `part_size` in bytes, or undefined for the store's default. */
export function partSizeBytes(value: GcsSettings["part_size"]): number | undefined {
  return value === undefined ? undefined : parseByteSize(value);
}
