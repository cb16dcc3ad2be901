import type { PluginIssue } from "@spotkit/runtime";
import { pickAzureCredential } from "./azure-credential.js";
import type { AzureBlobSettings } from "./settings.js";

/**
 * Checks the settings that depend on each other, before any request: a credential is set, it has
 * what it needs to find the account, and an upload has a source. Every problem is reported at once.
 */
export function validateSettings(values: AzureBlobSettings): PluginIssue[] {
  const issues: PluginIssue[] = [];
  const credential = pickAzureCredential(values);
  if (credential === undefined) {
    issues.push({
      setting: "account_key",
      message:
        "no Azure credential: set account_key (or the AZURE_STORAGE_ACCOUNT_KEY variable) with account, or one of sas_token (AZURE_STORAGE_SAS_TOKEN), connection_string (AZURE_STORAGE_CONNECTION_STRING), client_id/tenant_id/client_secret, use_azure_identity: true",
    });
  }
  if (credential === "account-key" && !values.account) {
    issues.push({
      setting: "account",
      message:
        "account_key belongs to a storage account: set account (or storage_account, AZURE_STORAGE_ACCOUNT) to its name",
    });
  }
  const needsLocation =
    credential === "sas-token" ||
    credential === "service-principal" ||
    credential === "azure-identity";
  if (needsLocation && !values.account && !values.endpoint) {
    issues.push({
      setting: "account",
      message:
        "set account (or storage_account, AZURE_STORAGE_ACCOUNT), or endpoint, so that the storage account can be found",
    });
  }
  const servicePrincipalParts = [values.client_id, values.tenant_id, values.client_secret];
  if (values.client_secret && servicePrincipalParts.some((part) => !part)) {
    issues.push({
      setting: "client_secret",
      message: "a service principal needs client_id, tenant_id and client_secret together",
    });
  }
  if (!values.download && !values.source) {
    issues.push({
      setting: "source",
      message:
        "set source (or AZURE_STORAGE_SOURCE) to the folder, file or glob to upload, such as dist",
    });
  }
  if (!values.download && values.source?.trim() === "/") {
    issues.push({
      setting: "source",
      message: "source / would upload the whole file system: name the folder to upload",
    });
  }
  return issues;
}
