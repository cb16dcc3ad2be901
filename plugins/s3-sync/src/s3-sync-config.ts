import { join, resolve } from "node:path";
import type { S3StoreConfig } from "@spotkit/storage/s3";
import type { DownloadSyncOptions, SyncRules, UploadSyncOptions } from "@spotkit/sync";
import { toMetadataRule, toRuleValue } from "./rule-keys.js";
import type { S3SyncRunSettings } from "./settings.js";

/** What the upload `source` turned out to be on disk (read by the caller, so this stays pure). */
export type SourceKind = "directory" | "file" | "other";

/** What {@link createS3SyncConfig} needs besides the settings. */
export interface S3SyncInputs {
  /** The workspace: relative sources and download targets start here. */
  cwd: string;
  /** The environment the plugin runs in; the store reads `AWS_*` fallbacks from it. */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * What the upload source is: a folder syncs its content (plugins/s3-sync), anything else is a
   * file or a glob whose paths become keys (plugins/s3). Ignored for a download.
   * @default "other"
   */
  sourceKind?: SourceKind;
  /** The file holding `oidc_token_id`'s token; required when that setting is set. */
  webIdentityTokenFile?: string;
}

/** The options of an upload, without what only exists at run time (store, signal, logger). */
export type UploadJobOptions = Omit<UploadSyncOptions, "store" | "signal" | "logger">;

/** The options of a download, without what only exists at run time (store, signal, logger). */
export type DownloadJobOptions = Omit<DownloadSyncOptions, "store" | "signal" | "logger">;

/** The sync to run: its direction and the options of `syncUp` or `syncDown`. */
export type S3SyncJob =
  | { direction: "upload"; options: UploadJobOptions }
  | { direction: "download"; options: DownloadJobOptions };

/** Everything a run needs: the store, the sync, and notes for the log. */
export interface S3SyncConfig {
  /** The settings of `createS3Store`. */
  store: S3StoreConfig;
  job: S3SyncJob;
  /** Settings that are set but have no effect, and behaviours that differ from the Go plugins. */
  warnings: string[];
}

/** Settings that only shape uploads, with how to tell whether they are set. */
const uploadOnlySettings: ReadonlyArray<[keyof S3SyncRunSettings, (value: unknown) => boolean]> = [
  ["acl", isSet],
  ["content_type", isSet],
  ["content_encoding", isSet],
  ["cache_control", isSet],
  ["metadata", isSet],
  ["redirects", isSet],
  ["encryption", isSet],
  ["storage_class", isSet],
  ["gzip", isNonEmptyList],
  ["exclude", isNonEmptyList],
  ["part_size", isSet],
  ["multipart_threshold", isSet],
  ["force", (value) => value === true],
];

/** Bytes in a MiB, the unit of `part_size` and `multipart_threshold`. */
const mebibyte = 1024 * 1024;

/**
 * `multipart_threshold` when neither it nor `part_size` is set, in MiB. Below it a file goes up in
 * one streamed PutObject, as rclone does below its 200 MiB cutoff: one request instead of a part
 * per 8 MiB, and no part buffers in memory; above it, parts upload in parallel and a failure
 * costs one part, not the whole file.
 */
export const defaultMultipartThresholdMebibytes = 128;

/**
 * Maps the decoded settings to the store's configuration and the sync's options. Pure: it reads
 * no file and no variable; the caller says what the source is and where the token file lies.
 *
 * - upload, folder source: the folder's content goes under `target` (plugins/s3-sync);
 * - upload, file or glob source: each file's path as written, minus `strip_prefix`, goes under
 *   `target` (plugins/s3);
 * - download: the objects under the `source` prefix go into the `target` folder, relative to the
 *   workspace (a leading `/` is ignored, as plugins/s3 does); a literal `strip_prefix` names a
 *   subfolder of it, as plugins/s3 wrote there.
 *
 * @throws {UntranslatableRuleKeyError} for a rule key that `validateS3SyncSettings` reports too.
 */
export function createS3SyncConfig(
  settings: S3SyncRunSettings,
  inputs: S3SyncInputs,
): S3SyncConfig {
  const warnings: string[] = [];
  const store = createStoreConfig(settings, inputs, warnings);
  if (settings.download) {
    for (const [name, isGiven] of uploadOnlySettings) {
      if (isGiven(settings[name])) {
        warnings.push(`${name} only applies to uploads; it is ignored with download.`);
      }
    }
    return {
      store,
      job: { direction: "download", options: downloadOptions(settings, inputs, warnings) },
      warnings,
    };
  }
  return {
    store,
    job: { direction: "upload", options: uploadOptions(settings, inputs) },
    warnings,
  };
}

/**
 * The endpoint as the Go plugins read it: a URL, or a host (and port) to which `https://` is added.
 * An empty value means AWS.
 *
 * @example normalizeEndpoint("minio.example.com:9000") // "https://minio.example.com:9000"
 */
export function normalizeEndpoint(endpoint: string | undefined): string | undefined {
  const trimmed = endpoint?.trim() ?? "";
  if (trimmed === "") return undefined;
  return trimmed.includes("://") ? trimmed : `https://${trimmed}`;
}

/** True when a source holds glob syntax (`*`, `?`, `[…]`, `{…}`, extglobs). */
export function hasGlobSyntax(source: string): boolean {
  return /[*?[\]{}]|[!@+]\(/.test(source);
}

/** A download `source` as a key prefix: no leading `/` or `./`; `.` means the whole bucket. */
export function toDownloadPrefix(source: string): string {
  let prefix = source.trim();
  for (let step = 0; step < 100 && /^(?:\.\/|\/)/.test(prefix); step++) {
    prefix = prefix.replace(/^(?:\.\/|\/)/, "");
  }
  return prefix === "." ? "" : prefix;
}

// --- internal ---

function createStoreConfig(
  settings: S3SyncRunSettings,
  inputs: S3SyncInputs,
  warnings: string[],
): S3StoreConfig {
  const endpoint = normalizeEndpoint(settings.endpoint);
  const store: S3StoreConfig = {
    bucket: settings.bucket,
    region: settings.region,
    env: { ...inputs.env },
    roleSessionName: settings.assume_role_session_name,
  };
  if (endpoint !== undefined) store.endpoint = endpoint;
  if (settings.path_style !== undefined) store.forcePathStyle = settings.path_style;
  if (settings.checksum_mode !== undefined) store.checksumMode = settings.checksum_mode;
  if (settings.ca_bundle) store.caBundle = settings.ca_bundle;
  if (settings.skip_verify) store.skipVerify = true;
  if (settings.max_attempts !== undefined) store.maxAttempts = settings.max_attempts;
  if (settings.access_key) store.accessKeyId = settings.access_key;
  if (settings.secret_key) store.secretAccessKey = settings.secret_key;
  if (settings.session_token) store.sessionToken = settings.session_token;

  if (settings.oidc_token_id) {
    if (inputs.webIdentityTokenFile === undefined) {
      throw new TypeError("oidc_token_id is set: pass the file its token was written to");
    }
    store.webIdentityTokenFile = inputs.webIdentityTokenFile;
    if (settings.assume_role) store.roleArn = settings.assume_role;
  } else if (settings.assume_role) {
    store.roleArn = settings.assume_role;
    if (settings.external_id) store.externalId = settings.external_id;
    if (settings.access_key) {
      warnings.push(
        "assume_role is assumed with access_key/secret_key; plugins/s3 ignored assume_role when keys were set. Remove assume_role to use the keys' own permissions.",
      );
    }
  } else if (settings.user_role_arn) {
    store.roleArn = settings.user_role_arn;
    if (settings.user_role_external_id) store.externalId = settings.user_role_external_id;
  }
  if (settings.external_id && !settings.assume_role) {
    warnings.push("external_id only applies to assume_role; it is ignored.");
  }
  if (settings.external_id && settings.assume_role && settings.oidc_token_id) {
    warnings.push(
      "external_id does not apply to AssumeRoleWithWebIdentity (oidc_token_id); it is ignored.",
    );
  }
  if (settings.user_role_external_id && !settings.user_role_arn) {
    warnings.push("user_role_external_id only applies to user_role_arn; it is ignored.");
  }
  return store;
}

function uploadOptions(settings: S3SyncRunSettings, inputs: S3SyncInputs): UploadJobOptions {
  // A folder syncs its content, as plugins/s3-sync does: its files are named relative to it.
  const isFolder = inputs.sourceKind === "directory";
  const options: UploadJobOptions = {
    source: isFolder ? "." : settings.source,
    cwd: isFolder ? resolve(inputs.cwd, settings.source) : inputs.cwd,
    target: settings.target,
    rules: uploadRules(settings),
    delete: settings.delete,
    dryRun: settings.dry_run,
    force: settings.force,
    concurrency: settings.max_concurrency,
    // With part_size alone, files larger than one part go up in parts, as they always did.
    multipartThreshold:
      (settings.multipart_threshold ?? settings.part_size ?? defaultMultipartThresholdMebibytes) *
      mebibyte,
  };
  if (settings.exclude.length > 0) options.exclude = settings.exclude;
  if (settings.strip_prefix) options.stripPrefix = settings.strip_prefix;
  if (settings.part_size !== undefined) options.partSize = settings.part_size * mebibyte;
  return options;
}

function uploadRules(settings: S3SyncRunSettings): SyncRules {
  const rules: SyncRules = {};
  const contentType = toRuleValue(settings.content_type);
  if (contentType !== undefined) rules.contentType = contentType;
  const contentEncoding = toRuleValue(settings.content_encoding);
  if (contentEncoding !== undefined) rules.contentEncoding = contentEncoding;
  const cacheControl = toRuleValue(settings.cache_control);
  if (cacheControl !== undefined) rules.cacheControl = cacheControl;
  const acl = toRuleValue(settings.acl);
  if (acl !== undefined) rules.acl = acl;
  const metadata = toMetadataRule(settings.metadata);
  if (metadata !== undefined) rules.metadata = metadata;
  if (settings.redirects !== undefined && Object.keys(settings.redirects).length > 0) {
    rules.redirects = settings.redirects;
  }
  if (settings.encryption) rules.encryption = settings.encryption;
  if (settings.storage_class) rules.storageClass = settings.storage_class;
  if (settings.gzip.length > 0) rules.gzip = settings.gzip;
  return rules;
}

function downloadOptions(
  settings: S3SyncRunSettings,
  inputs: S3SyncInputs,
  warnings: string[],
): DownloadJobOptions {
  // plugins/s3 drops a leading "/" of the download target: the folder is in the workspace.
  let target = settings.target.replace(/^\/+/, "");
  if (settings.strip_prefix) {
    // plugins/s3 wrote downloads to <target>/<strip_prefix><key below source>.
    target = join(target === "" ? "." : target, settings.strip_prefix);
    warnings.push(
      `strip_prefix with download writes into ${JSON.stringify(target)}, as plugins/s3 did; set target to that folder and remove strip_prefix to say so directly.`,
    );
  }
  return {
    source: toDownloadPrefix(settings.source),
    target: target === "" ? "." : target,
    cwd: inputs.cwd,
    delete: settings.delete,
    dryRun: settings.dry_run,
    concurrency: settings.max_concurrency,
  };
}

function isSet(value: unknown): boolean {
  return value !== undefined && value !== "";
}

function isNonEmptyList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}
