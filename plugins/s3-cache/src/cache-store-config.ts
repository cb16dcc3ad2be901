import { resolve } from "node:path";
import type {
  AzureBlobStoreConfig,
  GcsStoreConfig,
  ObjectStoreConfig,
  PutOptions,
  S3StoreConfig,
} from "@spotkit/storage";
import { parseS3Endpoint, type S3EndpointInfo } from "./parse-s3-endpoint.js";
import type { CacheSettings } from "./settings.js";
import type { SettingsReport } from "./settings-report.js";

/** The settings {@link createCacheStoreConfig} reads (the runtime's `skip_verify` among them). */
export type CacheStoreSettings = CacheSettings & { skip_verify?: boolean };

/** Options archives are uploaded with, from the backend's settings. */
export type CachePutOptions = Pick<PutOptions, "acl" | "encryption">;

/** What {@link createCacheStoreConfig} makes of the settings. */
export interface CacheStoreSetup {
  /** The store, for `createObjectStore`. Its keys start at the bucket's (container's, folder's) root. */
  store: ObjectStoreConfig;
  /** Options of every archive upload (ACL, encryption). */
  putOptions: CachePutOptions;
  /**
   * The folder inside the bucket that every cache object lies under: the folder part of `root`
   * (`bucket/folder`) or of `endpoint` (`s3://bucket/folder`); `""` for none.
   */
  rootPrefix: string;
  /** True when only `endpoint` named the bucket (`s3://bucket`, an AWS bucket URL): a plugins/s3-cache habit. */
  bucketFromEndpointOnly: boolean;
}

/** What the store needs besides the settings. */
export interface CacheStoreInputs {
  /** The workspace, for a relative `filesystem_cache_root`. */
  cwd: string;
  /**
   * The environment, for the stores' fallbacks (`AWS_*`, `AZURE_STORAGE_*`). Undefined when it is
   * not known yet (plugin validation): checks that depend on it are then left out.
   */
  env: Readonly<Record<string, string | undefined>> | undefined;
}

/**
 * Builds the object store's configuration from the settings of the chosen `backend`, as the Go
 * plugins read them: plugins/s3-cache's `root` (bucket, then a folder) and `endpoint` parsing
 * (bucket and region from AWS URLs, `s3://bucket`), drone-cache's `bucket`, Azure's account,
 * container and `AZURE_BLOB_STORAGE_URL`, GCS's JSON key and endpoint, the filesystem's root.
 * Every problem goes to `report` naming its setting.
 *
 * @returns the setup, or undefined when an issue was reported.
 */
export function createCacheStoreConfig(
  values: CacheStoreSettings,
  inputs: CacheStoreInputs,
  report: SettingsReport,
): CacheStoreSetup | undefined {
  const issueCount = report.issues.length;
  warnAboutOtherBackends(values, report);
  const root = splitRoot(values.root);
  let setup: CacheStoreSetup | undefined;
  switch (values.backend) {
    case "s3":
      setup = createS3Setup(values, inputs, root, report);
      break;
    case "gcs":
      setup = createGcsSetup(values, inputs, root, report);
      break;
    case "azure":
      setup = createAzureSetup(values, inputs, root, report);
      break;
    case "filesystem":
      setup = {
        store: { type: "filesystem", root: resolve(inputs.cwd, values.filesystem_cache_root) },
        putOptions: {},
        // There is no bucket: all of root is a folder under filesystem_cache_root.
        rootPrefix: [root.bucket, root.folder].filter((part) => part !== "").join("/"),
        bucketFromEndpointOnly: false,
      };
      break;
  }
  return report.issues.length > issueCount ? undefined : setup;
}

// --- internal ---

interface SplitRoot {
  /** The first segment of `root`, `""` when `root` is unset. */
  bucket: string;
  /** The rest of `root`, `""` for none. */
  folder: string;
}

function splitRoot(root: string | undefined): SplitRoot {
  const segments = (root ?? "").split("/").filter((segment) => segment !== "");
  const [bucket = "", ...folder] = segments;
  return { bucket, folder: folder.join("/") };
}

function createS3Setup(
  values: CacheStoreSettings,
  inputs: CacheStoreInputs,
  root: SplitRoot,
  report: SettingsReport,
): CacheStoreSetup | undefined {
  const parsed = parseS3Endpoint(values.endpoint, { disableSsl: values.disable_ssl });
  if (!parsed.ok) {
    report.issues.push({ setting: "endpoint", message: parsed.problem });
    return undefined;
  }
  const fromEndpoint: S3EndpointInfo = parsed.value;
  const bucketSetting = values.bucket?.trim() || undefined;
  if (
    fromEndpoint.bucket !== undefined &&
    root.bucket !== "" &&
    root.bucket !== fromEndpoint.bucket
  ) {
    report.issues.push({
      setting: "root",
      message: `endpoint already names the bucket ${fromEndpoint.bucket}, and root names ${root.bucket}: remove the bucket from root (or from endpoint)`,
    });
  }
  if (
    fromEndpoint.bucket !== undefined &&
    bucketSetting !== undefined &&
    bucketSetting !== fromEndpoint.bucket
  ) {
    report.issues.push({
      setting: "bucket",
      message: `endpoint names the bucket ${fromEndpoint.bucket}, bucket says ${bucketSetting}: keep one of them`,
    });
  }
  if (bucketSetting !== undefined && root.bucket !== "" && root.bucket !== bucketSetting) {
    report.issues.push({
      setting: "root",
      message: `root starts with the bucket ${root.bucket} (plugins/s3-cache), bucket says ${bucketSetting}: keep one of them`,
    });
  }
  const region = values.region?.trim() || undefined;
  if (fromEndpoint.region !== undefined && region !== undefined && region !== fromEndpoint.region) {
    report.issues.push({
      setting: "region",
      message: `endpoint names the region ${fromEndpoint.region}, region says ${region}: remove region (or fix endpoint)`,
    });
  }
  const bucket = bucketSetting ?? fromEndpoint.bucket ?? (root.bucket || undefined);
  if (bucket === undefined) {
    report.issues.push({
      setting: "bucket",
      message:
        "no bucket is set: set bucket (S3_BUCKET) to the bucket's name; plugins/s3-cache users can keep root, or endpoint: s3://bucket",
    });
  }
  checkS3Credentials(values, report);
  if (bucket === undefined) return undefined;

  const store: { type: "s3" } & S3StoreConfig = {
    type: "s3",
    bucket,
    env: { ...(inputs.env ?? {}) },
    roleSessionName: values.assume_role_session_name,
  };
  if (fromEndpoint.endpoint !== undefined) store.endpoint = fromEndpoint.endpoint;
  const chosenRegion = region ?? fromEndpoint.region;
  if (chosenRegion !== undefined) store.region = chosenRegion;
  if (values.path_style !== undefined) store.forcePathStyle = values.path_style;
  if (values.access_key) store.accessKeyId = values.access_key;
  if (values.secret_key) store.secretAccessKey = values.secret_key;
  if (values.session_token) store.sessionToken = values.session_token;
  if (values.profile) store.profile = values.profile;
  if (values.assume_role_arn) {
    store.roleArn = values.assume_role_arn;
    if (values.external_id) store.externalId = values.external_id;
  } else if (values.user_role_arn) {
    store.roleArn = values.user_role_arn;
    if (values.user_role_external_id) store.externalId = values.user_role_external_id;
  }
  if (values.skip_verify) store.skipVerify = true;
  if (
    values.file_credentials &&
    inputs.env !== undefined &&
    inputs.env.AWS_SHARED_CREDENTIALS_FILE !== values.file_credentials
  ) {
    report.warnings.push(
      `file_credentials is only read through the environment: set AWS_SHARED_CREDENTIALS_FILE=${values.file_credentials} in the step's environment (and profile), or use access_key/secret_key.`,
    );
  }
  const putOptions: CachePutOptions = {};
  if (values.acl) putOptions.acl = values.acl;
  if (values.encryption) putOptions.encryption = values.encryption;
  return {
    store,
    putOptions,
    rootPrefix: joinFolders(fromEndpoint.prefix, root.folder),
    bucketFromEndpointOnly:
      fromEndpoint.bucket !== undefined && bucketSetting === undefined && root.bucket === "",
  };
}

function checkS3Credentials(values: CacheStoreSettings, report: SettingsReport): void {
  const hasKey = Boolean(values.access_key);
  const hasSecret = Boolean(values.secret_key);
  if (hasKey && !hasSecret) {
    report.issues.push({
      setting: "secret_key",
      message:
        "access_key is set without its secret: set secret_key (or AWS_SECRET_ACCESS_KEY) too",
    });
  }
  if (hasSecret && !hasKey) {
    report.issues.push({
      setting: "access_key",
      message: "secret_key is set without its key: set access_key (or AWS_ACCESS_KEY_ID) too",
    });
  }
  if (values.session_token && !(hasKey && hasSecret)) {
    report.issues.push({
      setting: "session_token",
      message:
        "a session token belongs to temporary keys: set access_key and secret_key with it, or remove it",
    });
  }
  if (values.assume_role_arn && values.user_role_arn) {
    report.issues.push({
      setting: "user_role_arn",
      message:
        "assuming user_role_arn with the credentials of assume_role_arn (a chain of two roles) is not supported: set only one of them",
    });
  }
}

function createGcsSetup(
  values: CacheStoreSettings,
  inputs: CacheStoreInputs,
  root: SplitRoot,
  report: SettingsReport,
): CacheStoreSetup | undefined {
  const bucketSetting = values.bucket?.trim() || undefined;
  if (bucketSetting !== undefined && root.bucket !== "" && root.bucket !== bucketSetting) {
    report.issues.push({
      setting: "root",
      message: `root starts with the bucket ${root.bucket}, bucket says ${bucketSetting}: keep one of them`,
    });
    return undefined;
  }
  const bucket = bucketSetting ?? (root.bucket || undefined);
  if (bucket === undefined) {
    report.issues.push({
      setting: "bucket",
      message: "no bucket is set: set bucket (GCS_BUCKET) to the GCS bucket's name",
    });
    return undefined;
  }
  const store: { type: "gcs" } & GcsStoreConfig = {
    type: "gcs",
    bucket,
    env: { ...(inputs.env ?? {}) },
  };
  const endpoint = values.endpoint?.trim() ?? "";
  if (endpoint !== "") {
    const url = endpoint.includes("://")
      ? endpoint
      : `${values.disable_ssl ? "http" : "https"}://${endpoint}`;
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      report.issues.push({
        setting: "endpoint",
        message: `${JSON.stringify(endpoint)} is not an http(s) URL: give the GCS JSON API URL, such as http://127.0.0.1:4443`,
      });
      return undefined;
    }
    store.apiEndpoint = url.replace(/\/+$/, "");
  }
  if (values.json_key) store.credentials = values.json_key;
  if (values.skip_verify) {
    report.warnings.push(
      "skip_verify does not apply to GCS: add the endpoint's CA to NODE_EXTRA_CA_CERTS instead.",
    );
  }
  const putOptions: CachePutOptions = {};
  if (values.gcs_acl) putOptions.acl = values.gcs_acl;
  return { store, putOptions, rootPrefix: root.folder, bucketFromEndpointOnly: false };
}

function createAzureSetup(
  values: CacheStoreSettings,
  inputs: CacheStoreInputs,
  root: SplitRoot,
  report: SettingsReport,
): CacheStoreSetup | undefined {
  const issueCount = report.issues.length;
  const containerSetting = values.container?.trim() || undefined;
  if (containerSetting !== undefined && root.bucket !== "" && root.bucket !== containerSetting) {
    report.issues.push({
      setting: "root",
      message: `root starts with the container ${root.bucket}, container says ${containerSetting}: keep one of them`,
    });
  }
  const container = containerSetting ?? (root.bucket || undefined);
  if (container === undefined) {
    report.issues.push({
      setting: "container",
      message:
        "no container is set: set container (AZURE_CONTAINER_NAME) to the blob container's name",
    });
  }
  const account = values.account_name?.trim() || undefined;
  const connectionString = values.azure_connection_string || undefined;
  if (
    inputs.env !== undefined &&
    account === undefined &&
    connectionString === undefined &&
    !inputs.env.AZURE_STORAGE_ACCOUNT &&
    !inputs.env.AZURE_STORAGE_CONNECTION_STRING
  ) {
    report.issues.push({
      setting: "account_name",
      message:
        "no storage account is set: set account_name (AZURE_ACCOUNT_NAME) with account_key, or azure_connection_string",
    });
  }
  const principal = [values.azure_client_id, values.azure_client_secret, values.azure_tenant_id];
  if (principal.some(Boolean) && !principal.every(Boolean)) {
    report.issues.push({
      setting: "azure_client_id",
      message:
        "a service principal needs all three of azure_client_id, azure_client_secret and azure_tenant_id: set the missing ones, or remove them to use account_key",
    });
  }
  const endpoint = azureEndpoint(values, account, report);
  if (report.issues.length > issueCount || container === undefined) return undefined;

  const store: { type: "azure" } & AzureBlobStoreConfig = {
    type: "azure",
    container,
    env: { ...(inputs.env ?? {}) },
  };
  if (account !== undefined) store.account = account;
  if (values.account_key) store.accountKey = values.account_key;
  if (values.azure_sas_token) store.sasToken = values.azure_sas_token;
  if (connectionString !== undefined) store.connectionString = connectionString;
  if (endpoint !== undefined) store.endpoint = endpoint;
  if (principal.every(Boolean)) {
    store.clientId = values.azure_client_id;
    store.clientSecret = values.azure_client_secret;
    store.tenantId = values.azure_tenant_id;
  }
  if (values.skip_verify) store.skipVerify = true;
  return { store, putOptions: {}, rootPrefix: root.folder, bucketFromEndpointOnly: false };
}

/**
 * The Blob service URL from `azure_blob_storage_url` (or `endpoint`): a full URL is used as given,
 * with the account appended as its path when it has none and its host does not name the account
 * (Azurite and other emulators: `http://127.0.0.1:10000/devstoreaccount1`); a host suffix becomes
 * `https://<account>.<suffix>`, as drone-cache builds it.
 */
function azureEndpoint(
  values: CacheStoreSettings,
  account: string | undefined,
  report: SettingsReport,
): string | undefined {
  const setting = values.azure_blob_storage_url ? "azure_blob_storage_url" : "endpoint";
  const text = (values.azure_blob_storage_url ?? values.endpoint ?? "").trim();
  if (text === "") return undefined;
  if (text.includes("://")) {
    if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol)) {
      report.issues.push({
        setting,
        message: `${JSON.stringify(text)} is not an http(s) URL: give a host suffix (blob.core.windows.net) or the Blob service URL`,
      });
      return undefined;
    }
    const url = new URL(text);
    const withoutSlash = text.replace(/\/+$/, "");
    if (url.pathname.replace(/\/+$/, "") !== "" || account === undefined) return withoutSlash;
    return url.hostname.startsWith(`${account}.`) ? withoutSlash : `${withoutSlash}/${account}`;
  }
  if (account === undefined) {
    report.issues.push({
      setting: "account_name",
      message: `${setting} ${JSON.stringify(text)} is a host suffix, which needs the account: set account_name (AZURE_ACCOUNT_NAME), or give the full Blob service URL`,
    });
    return undefined;
  }
  const suffix = text.replace(/^\.+/, "").replace(/\/+$/, "");
  return `${values.disable_ssl ? "http" : "https"}://${account}.${suffix}`;
}

/** Settings that only one backend reads, to warn about when another backend is chosen. */
const backendOnlySettings: ReadonlyArray<{
  backend: CacheStoreSettings["backend"];
  names: ReadonlyArray<keyof CacheStoreSettings>;
}> = [
  { backend: "s3", names: ["acl", "encryption", "assume_role_arn", "user_role_arn", "path_style"] },
  { backend: "gcs", names: ["json_key", "gcs_acl"] },
  {
    backend: "azure",
    names: ["account_key", "container", "azure_sas_token", "azure_connection_string"],
  },
];

function warnAboutOtherBackends(values: CacheStoreSettings, report: SettingsReport): void {
  for (const { backend, names } of backendOnlySettings) {
    if (backend === values.backend) continue;
    for (const name of names) {
      const value = values[name];
      if (value === undefined || value === "") continue;
      report.warnings.push(
        `${name} only applies to backend ${backend}; it is ignored with backend ${values.backend}.`,
      );
    }
  }
}

function joinFolders(...folders: Array<string | undefined>): string {
  return folders
    .flatMap((folder) => (folder ?? "").split("/"))
    .filter((segment) => segment !== "")
    .join("/");
}
