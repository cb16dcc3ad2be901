import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { definePlugin, type PluginContext } from "@spotkit/runtime";
import type { ObjectStore } from "@spotkit/storage";
import { createAzureBlobStore } from "@spotkit/storage/azure";
import { formatSyncSummary, type SyncSummary, syncDown, syncOutputs, syncUp } from "@spotkit/sync";
import packageJson from "../package.json" with { type: "json" };
import { AzureBlobPluginError } from "./azure-blob-plugin-error.js";
import { pickAzureCredential } from "./azure-credential.js";
import { blobxferWalk, isGlob } from "./blobxfer-walk.js";
import { derivedSecrets } from "./derived-secrets.js";
import { explainFailure } from "./explain-failure.js";
import { type AzureBlobSettings, settings } from "./settings.js";
import { createStoreConfig, createSyncRules, partSizeBytes } from "./store-config.js";
import { validateSettings } from "./validate-settings.js";

type RunContext = PluginContext<AzureBlobSettings>;

/** The Azure Blob plugin: a drop-in for drone-plugins/drone-azure-storage (`plugins/azure-storage`). */
export const plugin = definePlugin({
  name: "azure-blob",
  description:
    "Publishes files to an Azure Blob Storage container (or downloads them), uploading only what changed; a drop-in for plugins/azure-storage.",
  version: packageJson.version,
  settings,
  validate: validateSettings,
  async run(context) {
    const { settings: values, logger, signal } = context;
    for (const secret of derivedSecrets(values)) context.secrets.add(secret);
    const credential = pickAzureCredential(values);
    // The local source is checked first: a typo should not wait for the network.
    const walk = values.download ? undefined : await resolveUploadWalk(values, context.cwd);
    const store = createAzureBlobStore(createStoreConfig(values));
    logger.debug(`signing in with the ${credential ?? "default"} credential`);
    try {
      await store.check({ signal });
      const summary = walk
        ? await upload(store, walk, values, context)
        : await download(store, values, context);
      logger.info(formatSyncSummary(summary));
      for (const [name, value] of Object.entries(syncOutputs(summary))) {
        await context.outputs.set(name, value);
      }
    } catch (error) {
      throw explainFailure(error, credential);
    }
  },
});

async function resolveUploadWalk(values: AzureBlobSettings, cwd: string) {
  const source = values.source as string; // validate() requires it for uploads
  if (isGlob(source)) return blobxferWalk(source, cwd, false);
  const path = resolve(cwd, source);
  const stats = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
    throw error;
  });
  if (stats === undefined) {
    throw new AzureBlobPluginError(
      "E_AZURE_SOURCE_NOT_FOUND",
      `The source ${JSON.stringify(source)} does not exist in ${cwd}: set source to the folder or file to upload (relative to the workspace), or to a glob such as "dist/**".`,
    );
  }
  return blobxferWalk(source, cwd, stats.isFile());
}

function upload(
  store: ObjectStore,
  walk: { cwd: string; source: string },
  values: AzureBlobSettings,
  context: RunContext,
): Promise<SyncSummary> {
  context.logger.info(
    `uploading ${values.source} to ${store.url}${values.target ? ` under ${values.target}` : ""}`,
  );
  const partSize = partSizeBytes(values.part_size);
  return syncUp({
    store,
    cwd: walk.cwd,
    source: walk.source,
    exclude: values.exclude,
    ...(values.strip_prefix ? { stripPrefix: values.strip_prefix } : {}),
    ...(values.target ? { target: values.target } : {}),
    rules: createSyncRules(values),
    delete: values.delete,
    dryRun: values.dry_run,
    concurrency: values.concurrency,
    ...(partSize === undefined ? {} : { partSize }),
    signal: context.signal,
    logger: context.logger,
  });
}

function download(
  store: ObjectStore,
  values: AzureBlobSettings,
  context: RunContext,
): Promise<SyncSummary> {
  const target = values.target || ".";
  context.logger.info(
    `downloading ${store.url}${values.source ? ` under ${values.source}` : ""} to ${target}`,
  );
  return syncDown({
    store,
    ...(values.source ? { source: values.source } : {}),
    target,
    cwd: context.cwd,
    delete: values.delete,
    dryRun: values.dry_run,
    concurrency: values.concurrency,
    signal: context.signal,
    logger: context.logger,
  });
}
