import { type CommonSettingsShape, type SettingsOf, setting } from "@spotkit/runtime";
import { z } from "zod";

/** The backends a cache can live in. */
export const cacheBackends = ["s3", "azure", "gcs", "filesystem"] as const;

/** The modes of a run. */
export const cacheModes = ["restore", "rebuild", "flush"] as const;

/** `archive_format` values: drone-cache's (`tar`, `gzip`, `zstd`) plus `none`, a synonym of `tar`. */
export const archiveFormatNames = ["zstd", "gzip", "tar", "none"] as const;

/** Text compared without regard to case: `S3` and `s3` are the same backend. */
function lowerCaseEnum<const Values extends readonly [string, ...string[]]>(values: Values) {
  return z
    .string()
    .transform((value) => value.trim().toLowerCase())
    .pipe(z.enum(values));
}

/**
 * The settings of the cache plugin: the union of plugins/s3-cache (drone-plugins/drone-s3-cache)
 * and drone-cache (meltwater, now drone-plugins/drone-meltwater-cache), named and aliased as they
 * are there, plus spotkit's additions (`restore_keys`, `mode` for every backend).
 */
export const settings = {
  // --- what to do ---
  mode: setting(lowerCaseEnum(cacheModes).optional(), {
    description:
      "restore, rebuild (save) or flush (delete caches older than flush_age days). Or set one of the booleans restore, rebuild, flush.",
    example: "rebuild",
  }),
  restore: setting(z.boolean().default(false), {
    description:
      "Restore the cache: the same as mode: restore (drone-cache, older plugins/s3-cache).",
    example: true,
  }),
  rebuild: setting(z.boolean().default(false), {
    description: "Save the cache: the same as mode: rebuild (drone-cache, older plugins/s3-cache).",
    example: true,
  }),
  flush: setting(z.boolean().default(false), {
    description: "Delete old caches: the same as mode: flush (plugins/s3-cache).",
    example: true,
  }),
  mount: setting(z.array(z.string()).default([]), {
    description:
      "Folders (or files) to cache, relative to local_root; globs with * and ** are expanded (packages/*/node_modules). Required to rebuild; a missing one is skipped with a warning.",
    example: ["node_modules", ".m2/repository"],
  }),

  // --- where: drone-cache layout (<remote_root>/<cache_key>/archive.tar.zst) ---
  backend: setting(lowerCaseEnum(cacheBackends).default("s3"), {
    description:
      "Where caches live: s3 (AWS and S3-compatible servers), azure, gcs or filesystem. drone-cache's sftp and alioss are not supported.",
    example: "filesystem",
  }),
  cache_key: setting(z.string().optional(), {
    description:
      'The cache key, a Go template: {{ .Commit.Branch }}, {{ .Repo.Name }}, {{ checksum "go.sum" }}, {{ hashFiles "**/package-lock.json" }}, {{ epoch }}, {{ arch }}, {{ os }}. Default: {{ .Commit.Branch }}.',
    example: 'npm-{{ checksum "package-lock.json" }}',
  }),
  restore_keys: setting(z.array(z.string()).default([]), {
    description:
      "Keys to fall back to when cache_key has no cache, in order; each is tried as an exact key, then as a prefix (the newest cache whose key starts with it). Templates as cache_key.",
    example: ["npm-", "npm"],
  }),
  remote_root: setting(z.string().optional(), {
    description:
      "The folder of the bucket that holds this repository's caches (drone-cache layout). Default: the repository name.",
    example: "my-app",
  }),
  local_root: setting(z.string().optional(), {
    description:
      "The folder that mounts are relative to and restored into. Default: the workspace.",
    example: "/drone/src",
  }),

  // --- where: plugins/s3-cache layout (<root>/<path>/<filename>) ---
  root: setting(z.string().optional(), {
    description:
      "plugins/s3-cache: the bucket, optionally followed by a folder (bucket/folder). Selects the plugins/s3-cache layout.",
    example: "build-cache",
  }),
  path: setting(z.string().optional(), {
    description:
      "plugins/s3-cache: the folder of this branch's cache under root. Default: owner/name/branch.",
    example: "my-org/my-app/main",
  }),
  fallback_path: setting(z.string().optional(), {
    description:
      "plugins/s3-cache: the folder restored when path has no cache. Default: owner/name/<default branch>.",
    example: "my-org/my-app/main",
  }),
  filename: setting(z.string().optional(), {
    description:
      "plugins/s3-cache: the archive's name; its extension picks the format: .tar (none), .tgz or .tar.gz (gzip), .tar.zst (zstd). Default: archive.tar.",
    example: "archive.tar.zst",
  }),
  flush_path: setting(z.string().optional(), {
    description:
      "The folder whose old caches flush deletes. Default: owner/name (plugins/s3-cache layout) or remote_root.",
    example: "my-org/my-app",
  }),
  flush_age: setting(z.int().min(0).default(30), {
    description: "flush deletes caches last written more than this many days ago.",
    example: 14,
  }),

  // --- how ---
  archive_format: setting(lowerCaseEnum(archiveFormatNames).optional(), {
    description:
      "zstd (multi-threaded, the default), gzip, or tar (none: uncompressed; drone-cache's default). With filename, its extension decides.",
    example: "gzip",
  }),
  compression_level: setting(z.int().optional(), {
    description:
      "Compression level: zstd 1–19 (default 3), gzip 1–9 (default 6); -1 means the default.",
    example: 6,
  }),
  skip_symlinks: setting(z.boolean().default(false), {
    description: "Leave symbolic links out of the archive.",
    aliases: ["SKIP_SYMLINKS"],
    example: true,
  }),
  override: setting(z.boolean().default(true), {
    description:
      "Save even when a cache already exists under the key. Set false to skip the upload then.",
    example: false,
  }),
  exit_code: setting(z.boolean().default(false), {
    description:
      "Fail the step when restoring or saving fails (a missing cache included). By default a failure is a warning and the step succeeds.",
    aliases: ["PLUGIN_FAIL_ON_ERROR", "EXIT_CODE"],
    example: true,
  }),
  backend_operation_timeout: setting(z.union([z.string(), z.number()]).optional(), {
    description:
      "Longest time one store operation (an upload, a download, a listing) may take, as a Go duration (90s, 10m, 1h30m) or seconds. Default: 10m.",
    aliases: ["BACKEND_OPERATION_TIMEOUT"],
    example: "15m",
  }),

  // --- S3 (and shared by S3 and GCS) ---
  bucket: setting(z.string().optional(), {
    description:
      "The bucket (S3 or GCS). plugins/s3-cache users give it as root, or in endpoint (s3://bucket).",
    aliases: ["S3_BUCKET", "GCS_BUCKET"],
    example: "build-cache",
  }),
  endpoint: setting(z.string().optional(), {
    description:
      "S3: the URL of an S3-compatible server (https:// is added without a scheme), or an AWS URL / s3://bucket that names the bucket and region. GCS: the JSON API URL, for private endpoints and test servers.",
    aliases: [
      "PLUGIN_SERVER",
      "CACHE_S3_ENDPOINT",
      "CACHE_S3_SERVER",
      "S3_ENDPOINT",
      "PLUGIN_GCS_ENDPOINT",
      "GCS_ENDPOINT",
    ],
    example: "https://minio.example.com:9000",
  }),
  region: setting(z.string().optional(), {
    description: "The bucket's region. Default: AWS_REGION, else us-east-1.",
    aliases: ["CACHE_S3_REGION", "S3_REGION"],
    example: "eu-west-1",
  }),
  path_style: setting(z.boolean().optional(), {
    description:
      "Address the bucket as endpoint/bucket (MinIO, Ceph) instead of bucket.endpoint. Default: true with endpoint, false for AWS.",
    aliases: ["AWS_PLUGIN_PATH_STYLE"],
    example: true,
  }),
  disable_ssl: setting(z.boolean().default(false), {
    description: "Use http:// for an endpoint given without a scheme.",
    example: true,
  }),
  access_key: setting(z.string().optional(), {
    description:
      "S3 access key ID. Without keys, the AWS default chain is used (environment, profile, web identity, instance metadata).",
    aliases: ["CACHE_S3_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "CACHE_AWS_ACCESS_KEY_ID"],
    secret: true,
    example: "AKIAIOSFODNN7EXAMPLE",
  }),
  secret_key: setting(z.string().optional(), {
    description: "S3 secret access key, with access_key.",
    aliases: ["CACHE_S3_SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "CACHE_AWS_SECRET_ACCESS_KEY"],
    secret: true,
    example: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  }),
  session_token: setting(z.string().optional(), {
    description: "Session token of temporary S3 credentials, with access_key and secret_key.",
    aliases: ["CACHE_S3_SESSION_TOKEN", "AWS_SESSION_TOKEN"],
    secret: true,
    example: "FwoGZXIvYXdzEXAMPLETOKEN",
  }),
  profile: setting(z.string().optional(), {
    description: "A profile of the shared AWS config and credentials files.",
    aliases: ["CACHE_S3_PROFILE", "AWS_PROFILE"],
    example: "ci",
  }),
  file_credentials: setting(z.string().optional(), {
    description:
      "plugins/s3-cache: a shared credentials file. Read only through AWS_SHARED_CREDENTIALS_FILE in the step's environment (with profile).",
    aliases: ["CACHE_FILE_CREDENTIALS", "AWS_SHARED_CREDENTIALS_FILE"],
    example: "/drone/src/.aws/credentials",
  }),
  accelerated_endpoint: setting(z.string().optional(), {
    description: "plugins/s3-cache's S3 transfer acceleration endpoint: accepted, not supported.",
    aliases: ["CACHE_S3_ACCELERATED_ENDPOINT"],
    deprecated: "S3 transfer acceleration is not supported; remove accelerated_endpoint.",
    example: "s3-accelerate.amazonaws.com",
  }),
  acl: setting(z.string().optional(), {
    description: "Canned ACL of uploaded S3 archives (private, bucket-owner-full-control…).",
    aliases: ["AWS_ACL"],
    example: "bucket-owner-full-control",
  }),
  encryption: setting(z.string().optional(), {
    description: "S3 server-side encryption of uploaded archives: AES256 or aws:kms.",
    aliases: ["AWS_ENCRYPTION"],
    example: "AES256",
  }),
  assume_role_arn: setting(z.string().optional(), {
    description:
      "ARN of a role to assume with AssumeRole, signed with the other credentials (keys, profile or the default chain).",
    aliases: ["PLUGIN_ASSUME_ROLE", "AWS_ASSUME_ROLE_ARN"],
    example: "arn:aws:iam::123456789012:role/ci-cache",
  }),
  assume_role_session_name: setting(z.string().min(1).default("drone-cache"), {
    description: "Session name of the assumed role.",
    aliases: ["ASSUME_ROLE_SESSION_NAME"],
    example: "drone-cache",
  }),
  external_id: setting(z.string().optional(), {
    description: "External ID of the AssumeRole call.",
    example: "a1b2c3",
  }),
  user_role_arn: setting(z.string().optional(), {
    description:
      "drone-cache: a role to assume with the credentials of the step. Cannot be combined with assume_role_arn.",
    aliases: ["AWS_USER_ROLE_ARN"],
    example: "arn:aws:iam::123456789012:role/ci-cache",
  }),
  user_role_external_id: setting(z.string().optional(), {
    description: "External ID of the AssumeRole call of user_role_arn.",
    example: "a1b2c3",
  }),
  sts_endpoint: setting(z.string().optional(), {
    description: "drone-cache's custom STS endpoint: accepted, not supported.",
    aliases: ["AWS_STS_ENDPOINT"],
    deprecated: "a custom STS endpoint is not supported; remove sts_endpoint.",
    example: "https://sts.eu-west-1.amazonaws.com",
  }),

  // --- GCS ---
  json_key: setting(z.string().optional(), {
    description:
      "GCS: a service account's JSON key (its content). Default: GOOGLE_CREDENTIALS, then application default credentials.",
    aliases: ["GCS_CACHE_JSON_KEY"],
    secret: true,
    example: '{"type": "service_account", …}',
  }),
  gcs_acl: setting(z.string().optional(), {
    description:
      "GCS: predefined ACL of uploaded archives (private, projectPrivate…). Default: the bucket's.",
    aliases: ["GCS_ACL"],
    example: "projectPrivate",
  }),
  api_key: setting(z.string().optional(), {
    description:
      "drone-cache's GCS API key: accepted, not supported (API keys cannot write objects).",
    aliases: ["GCP_API_KEY"],
    secret: true,
    deprecated: "GCS API keys cannot write objects; use json_key.",
    example: "AIzaSyEXAMPLE",
  }),
  gcs_encryption_key: setting(z.string().optional(), {
    description: "drone-cache's GCS customer-supplied encryption key: accepted, not supported.",
    aliases: ["GCS_ENCRYPTION_KEY"],
    secret: true,
    deprecated: "customer-supplied encryption keys are not supported; remove gcs_encryption_key.",
    example: "base64-AES-256-key",
  }),

  // --- Azure ---
  account_name: setting(z.string().optional(), {
    description: "Azure: the storage account. Default: AZURE_STORAGE_ACCOUNT.",
    aliases: ["AZURE_ACCOUNT_NAME"],
    example: "mycaches",
  }),
  account_key: setting(z.string().optional(), {
    description: "Azure: an access key of the storage account.",
    aliases: ["AZURE_ACCOUNT_KEY"],
    secret: true,
    example: "base64-account-key==",
  }),
  container: setting(z.string().optional(), {
    description: "Azure: the blob container that holds the caches.",
    aliases: ["AZURE_CONTAINER_NAME", "AZURE_CONTAINER"],
    example: "build-cache",
  }),
  azure_blob_storage_url: setting(z.string().optional(), {
    description:
      "Azure: the Blob service's host suffix (blob.core.windows.net, the default) or its full URL (http://127.0.0.1:10000/devstoreaccount1 for Azurite).",
    aliases: ["AZURE_BLOB_STORAGE_URL"],
    example: "blob.core.windows.net",
  }),
  azure_sas_token: setting(z.string().optional(), {
    description: "Azure: a SAS token of the account or container, instead of account_key.",
    aliases: ["AZURE_STORAGE_SAS_TOKEN"],
    secret: true,
    example: "sv=2022-11-02&ss=b&sig=…",
  }),
  azure_connection_string: setting(z.string().optional(), {
    description: "Azure: a storage connection string (carries the account, key and endpoint).",
    aliases: ["AZURE_STORAGE_CONNECTION_STRING"],
    secret: true,
    example: "DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…",
  }),
  azure_client_id: setting(z.string().optional(), {
    description:
      "Azure: the client ID of a service principal (with azure_client_secret and azure_tenant_id).",
    aliases: ["AZURE_CLIENT_ID", "CLIENT_ID"],
    example: "00000000-0000-0000-0000-000000000000",
  }),
  azure_client_secret: setting(z.string().optional(), {
    description: "Azure: the service principal's secret.",
    aliases: ["AZURE_CLIENT_SECRET", "CLIENT_SECRET"],
    secret: true,
    example: "client-secret",
  }),
  azure_tenant_id: setting(z.string().optional(), {
    description: "Azure: the service principal's tenant.",
    aliases: ["AZURE_TENANT_ID", "TENANT_ID"],
    example: "00000000-0000-0000-0000-000000000000",
  }),

  // --- filesystem ---
  filesystem_cache_root: setting(z.string().min(1).default("/tmp/cache"), {
    description:
      "filesystem: the folder that holds the caches (usually a volume shared between builds).",
    aliases: ["FILESYSTEM_CACHE_ROOT"],
    example: "/cache",
  }),
};

/** The settings' shape, for typing. */
export type CacheSettingsShape = typeof settings;

/** The decoded settings of the cache plugin (before the runtime's common settings are merged in). */
export type CacheSettings = SettingsOf<CacheSettingsShape>;

/** The settings `run` and `validate` receive: the plugin's own plus the runtime's common ones. */
export type CacheRunSettings = SettingsOf<CacheSettingsShape & CommonSettingsShape>;
