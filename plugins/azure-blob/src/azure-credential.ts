import type { AzureBlobSettings } from "./settings.js";

/** Which credential a run signs its requests with. */
export type AzureCredentialKind =
  | "connection-string"
  | "account-key"
  | "sas-token"
  | "service-principal"
  | "azure-identity";

/** The settings a credential is read from. */
export type CredentialSettings = Pick<
  AzureBlobSettings,
  | "connection_string"
  | "account_key"
  | "sas_token"
  | "client_id"
  | "tenant_id"
  | "client_secret"
  | "use_azure_identity"
>;

/**
 * Picks the credential as @spotkit/storage's Azure adapter does, the first that is set winning:
 * connection string, account key, SAS token, service principal, then DefaultAzureCredential.
 *
 * @returns undefined when no credential is set.
 */
export function pickAzureCredential(values: CredentialSettings): AzureCredentialKind | undefined {
  if (values.connection_string) return "connection-string";
  if (values.account_key) return "account-key";
  if (values.sas_token) return "sas-token";
  if (values.client_id && values.tenant_id && values.client_secret) return "service-principal";
  if (values.use_azure_identity) return "azure-identity";
  return undefined;
}

/** What to change when Azure refuses a credential, naming its setting and variable. */
export const credentialAdvice: Record<AzureCredentialKind, string> = {
  "account-key":
    "Set account_key (or the AZURE_STORAGE_ACCOUNT_KEY variable) to one of the account's two access keys (Azure portal → Storage account → Security + networking → Access keys).",
  "sas-token":
    "Set sas_token (or AZURE_STORAGE_SAS_TOKEN) to a SAS that has not expired and allows read, add, create, write, delete and list on the container; or use account_key (AZURE_STORAGE_ACCOUNT_KEY).",
  "connection-string":
    "Check connection_string (or AZURE_STORAGE_CONNECTION_STRING): its AccountName, AccountKey or SharedAccessSignature, and BlobEndpoint.",
  "service-principal":
    "Check client_id, tenant_id and client_secret (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_CLIENT_SECRET), and give the service principal the Storage Blob Data Contributor role on the container.",
  "azure-identity":
    "use_azure_identity signs in with the identity DefaultAzureCredential finds (workload identity, managed identity, AZURE_* variables, az login): check which one it is, and give it the Storage Blob Data Contributor role on the container.",
};
