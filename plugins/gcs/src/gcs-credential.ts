import type { GcsSettings } from "./settings.js";

/** Which credential a run signs its requests with. */
export type GcsCredentialKind =
  | "access-token"
  | "workload-identity"
  | "token"
  | "json-key"
  | "application-default";

/** The five settings of workload identity federation, as plugins/gcs names them. */
export const workloadIdentitySettings = [
  "pool_id",
  "provider_id",
  "project_number",
  "service_account_email",
  "oidc_token_id",
] as const;

/** The settings a credential is read from. */
export type CredentialSettings = Pick<
  GcsSettings,
  "access_token" | "token" | "json_key" | (typeof workloadIdentitySettings)[number]
>;

/**
 * Picks the credential, the first that is set winning: `access_token` (spotkit's), workload
 * identity (all five of its settings, as plugins/gcs requires), `token`, `json_key`, then
 * application default credentials, the Go plugin's order.
 */
export function pickGcsCredential(values: CredentialSettings): GcsCredentialKind {
  if (values.access_token) return "access-token";
  if (workloadIdentitySettings.every((name) => values[name])) return "workload-identity";
  if (values.token) return "token";
  if (values.json_key) return "json-key";
  return "application-default";
}

/** What to change when GCS refuses a credential, naming its settings and variables. */
export const credentialAdvice: Record<GcsCredentialKind, string> = {
  "access-token":
    "Set access_token to a current OAuth 2.0 access token (they expire after an hour; gcloud auth print-access-token) of an identity with access to the bucket, or use token/json_key with a service-account JSON key.",
  "workload-identity":
    "Check pool_id, provider_id, project_number and service_account_email, that oidc_token_id holds a current OIDC token the pool's provider accepts, and that the pool may impersonate the service account (roles/iam.workloadIdentityUser).",
  token:
    "Set token (or the GOOGLE_CREDENTIALS variable) or json_key to the JSON key of a service account that has a role such as roles/storage.objectAdmin on the bucket.",
  "json-key":
    "Set json_key or token (GOOGLE_CREDENTIALS) to the JSON key of a service account that has a role such as roles/storage.objectAdmin on the bucket.",
  "application-default":
    "No token, json_key or access_token is set, so application default credentials were used: set token (or GOOGLE_CREDENTIALS) or json_key to a service-account JSON key, or check the runner's workload identity or GOOGLE_APPLICATION_CREDENTIALS.",
};
