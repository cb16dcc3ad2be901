import { mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { definePlugin, type PluginContext } from "@spotkit/runtime";
import type { ObjectStore } from "@spotkit/storage";
import { createGcsStore } from "@spotkit/storage/gcs";
import {
  detectContentType,
  formatSyncSummary,
  type SyncRules,
  type SyncSummary,
  syncDown,
  syncOutputs,
  syncUp,
} from "@spotkit/sync";
import packageJson from "../package.json" with { type: "json" };
import { parseBucketPath } from "./bucket-path.js";
import { combineSummaries } from "./combine-summaries.js";
import { credentialSecrets, parseCredentialsJson } from "./credentials-json.js";
import { explainFailure } from "./explain-failure.js";
import { externalAccountCredentials } from "./external-account-credentials.js";
import {
  type GcsCredentialKind,
  pickGcsCredential,
  workloadIdentitySettings,
} from "./gcs-credential.js";
import { GcsPluginError } from "./gcs-plugin-error.js";
import { type GcsSettings, settings } from "./settings.js";
import { splitPatternList } from "./split-pattern-list.js";
import {
  type CredentialInputs,
  createStoreConfig,
  createSyncRules,
  partSizeBytes,
} from "./store-config.js";
import { isGlob, planUploadBatches, type SourceKind, type UploadBatch } from "./upload-batches.js";
import { validateSettings } from "./validate-settings.js";

type RunContext = PluginContext<GcsSettings & { skip_verify: boolean }>;

/** The GCS plugin: a drop-in for drone-plugins/drone-gcs (`plugins/gcs`). */
export const plugin = definePlugin({
  name: "gcs",
  description:
    "Publishes files to a Google Cloud Storage bucket (or downloads them), uploading only what changed; a drop-in for plugins/gcs.",
  version: packageJson.version,
  settings,
  validate: validateSettings,
  async run(context) {
    const { settings: values, logger } = context;
    maskCredentialParts(values, context.secrets);
    const credential = pickGcsCredential(values);
    const partial = workloadIdentitySettings.filter((name) => values[name]);
    if (partial.length > 0 && partial.length < workloadIdentitySettings.length) {
      logger.warn(
        `workload identity needs all of ${workloadIdentitySettings.join(", ")}; only ${partial.join(", ")} set, so it is not used`,
      );
    }
    logger.debug(`signing in with the ${credential} credential`);
    try {
      const summary = values.download
        ? await download(values, credential, context)
        : await upload(values, credential, context);
      logger.info(formatSyncSummary(summary));
      for (const [name, value] of Object.entries(syncOutputs(summary))) {
        await context.outputs.set(name, value);
      }
    } catch (error) {
      throw explainFailure(error, credential);
    }
  },
});

async function upload(
  values: RunContext["settings"],
  credential: GcsCredentialKind,
  context: RunContext,
): Promise<SyncSummary> {
  const { bucket, path } = parseBucketPath(values.target as string); // validate() requires it
  const entries = splitPatternList(values.source ?? "");
  // The local sources are checked first: a typo should not wait for the network.
  const kinds = await findSourceKinds(entries, context.cwd);
  const batches = planUploadBatches(entries, { cwd: context.cwd, targetPath: path, kinds });
  if (values.delete && batches.some((batch) => batch.rename)) {
    throw new GcsPluginError(
      "E_GCS_INVALID_SETTINGS",
      `delete cannot be used when one file is stored under the name ${JSON.stringify(path)}: it would delete the other objects of its folder. End target with / to upload into a folder, or turn delete off.`,
    );
  }
  const store = await openStore(bucket, values, credential, context);
  context.logger.info(`uploading ${entries.join(", ")} to ${store.url}${path ? `/${path}` : ""}`);
  const startedAt = performance.now();
  const summaries: SyncSummary[] = [];
  for (const batch of batches) {
    summaries.push(await uploadBatch(store, batch, values, context));
  }
  const [only] = summaries;
  return summaries.length === 1 && only
    ? only
    : combineSummaries(summaries, (performance.now() - startedAt) / 1000);
}

async function uploadBatch(
  store: ObjectStore,
  batch: UploadBatch,
  values: RunContext["settings"],
  context: RunContext,
): Promise<SyncSummary> {
  const rules: SyncRules = createSyncRules(values);
  let cwd = batch.cwd;
  if (batch.rename) {
    cwd = await linkUnderName(batch.rename, context);
    // plugins/gcs takes the type from the local file's extension, not from the object's name.
    if (rules.contentType === undefined && !isGlob(batch.rename.name)) {
      rules.contentType = { [batch.rename.name]: detectContentType(batch.rename.file) };
    }
  }
  const partSize = partSizeBytes(values.part_size);
  const strip = values.strip_prefix;
  return syncUp({
    store,
    cwd,
    source: batch.sources,
    exclude: splitPatternList(values.ignore ?? ""),
    ...(strip ? { stripPrefix: strip } : {}),
    ...(batch.target ? { target: batch.target } : {}),
    rules,
    delete: values.delete,
    dryRun: values.dry_run,
    concurrency: values.concurrency,
    ...(partSize === undefined ? {} : { partSize }),
    signal: context.signal,
    logger: context.logger,
  });
}

async function download(
  values: RunContext["settings"],
  credential: GcsCredentialKind,
  context: RunContext,
): Promise<SyncSummary> {
  const { bucket, path } = parseBucketPath(values.source ?? "");
  const store = await openStore(bucket, values, credential, context);
  // As plugins/gcs: each object lands at target/<its full name>, the path included.
  const target = join(values.target || ".", path);
  context.logger.info(`downloading ${store.url}${path ? `/${path}` : ""} to ${target}`);
  return syncDown({
    store,
    ...(path ? { source: path } : {}),
    target,
    cwd: context.cwd,
    delete: values.delete,
    dryRun: values.dry_run,
    concurrency: values.concurrency,
    signal: context.signal,
    logger: context.logger,
  });
}

/** Creates the store and checks that the bucket and the credential work. */
async function openStore(
  bucket: string,
  values: RunContext["settings"],
  credential: GcsCredentialKind,
  context: RunContext,
): Promise<ObjectStore> {
  const inputs = await prepareCredentials(values, credential, context);
  const store = createGcsStore(createStoreConfig(bucket, values, inputs));
  await store.check({ signal: context.signal });
  return store;
}

/**
 * For workload identity, writes the OIDC token to a private temporary file (Google's auth library
 * reads a file-sourced subject token, and reads it again when it refreshes) and builds the
 * external-account JSON around it. The file is removed when the run ends.
 */
async function prepareCredentials(
  values: GcsSettings,
  credential: GcsCredentialKind,
  context: RunContext,
): Promise<CredentialInputs> {
  if (credential !== "workload-identity") return {};
  const folder = await mkdtemp(join(tmpdir(), "spotkit-gcs-"));
  context.defer(() => rm(folder, { recursive: true, force: true }));
  const tokenFile = join(folder, "oidc-token");
  await writeFile(tokenFile, values.oidc_token_id as string, { mode: 0o600 });
  return {
    externalAccount: externalAccountCredentials(
      {
        projectNumber: values.project_number as string,
        poolId: values.pool_id as string,
        providerId: values.provider_id as string,
        serviceAccountEmail: values.service_account_email as string,
      },
      tokenFile,
    ),
  };
}

/** Whether each non-glob source is a file or a folder; a missing one fails the run. */
async function findSourceKinds(
  entries: readonly string[],
  cwd: string,
): Promise<Map<string, SourceKind>> {
  const kinds = new Map<string, SourceKind>();
  for (const entry of entries) {
    if (isGlob(entry)) continue;
    const stats = await stat(resolve(cwd, entry)).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
      throw error;
    });
    if (stats === undefined) {
      throw new GcsPluginError(
        "E_GCS_SOURCE_NOT_FOUND",
        `The source ${JSON.stringify(entry)} does not exist in ${cwd}: set source to folders, files or globs to upload (relative to the workspace), such as "dist" or "dist/**/*.html".`,
      );
    }
    kinds.set(entry, stats.isFile() ? "file" : "directory");
  }
  return kinds;
}

/**
 * Links a file under the object name it is stored as, in a temporary folder removed at the end,
 * so that the sync (which names objects after files) stores it under that name.
 */
async function linkUnderName(
  rename: { file: string; name: string },
  context: RunContext,
): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), "spotkit-gcs-"));
  context.defer(() => rm(folder, { recursive: true, force: true }));
  await symlink(rename.file, join(folder, rename.name));
  return folder;
}

/** Masks what is inside the credentials JSON: the private key, its id, a user's secrets. */
function maskCredentialParts(values: GcsSettings, secrets: { add(value: string): void }): void {
  for (const text of [values.token, values.json_key]) {
    if (!text) continue;
    const parsed = parseCredentialsJson(text);
    if (!parsed.ok) continue;
    for (const secret of credentialSecrets(parsed.credentials)) secrets.add(secret);
  }
}
