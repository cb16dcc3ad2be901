import { definePlugin } from "@spotkit/runtime";
import { createS3Store } from "@spotkit/storage/s3";
import { formatSyncSummary, syncDown, syncOutputs, syncUp } from "@spotkit/sync";
import packageJson from "../package.json" with { type: "json" };
import { describeCredentials } from "./describe-credentials.js";
import { inspectSource } from "./inspect-source.js";
import { createS3SyncConfig, type S3SyncConfig } from "./s3-sync-config.js";
import { settings } from "./settings.js";
import { rejectUnsupportedSettings } from "./unsupported-settings.js";
import { validateS3SyncSettings } from "./validate-settings.js";
import { writeWebIdentityToken } from "./web-identity-token.js";

/**
 * The S3 sync plugin: a drop-in for drone-plugins/drone-s3-sync (`plugins/s3-sync`) and
 * drone-plugins/drone-s3 (`plugins/s3`), uploading only what changed (multipart above the part
 * size), or downloading a prefix.
 */
export const plugin = definePlugin({
  name: "s3-sync",
  description:
    "Syncs a folder or a glob of files with an S3 or S3-compatible bucket (or downloads a prefix), transferring only what changed; a drop-in for plugins/s3-sync and plugins/s3.",
  version: packageJson.version,
  settings,
  validate: validateS3SyncSettings,
  async run(context) {
    const { settings: values, logger, signal } = context;
    rejectUnsupportedSettings(context.env);

    let webIdentityTokenFile: string | undefined;
    if (values.oidc_token_id) {
      const token = await writeWebIdentityToken(values.oidc_token_id);
      context.defer(() => token.remove());
      webIdentityTokenFile = token.path;
    }
    const sourceKind = values.download
      ? undefined
      : await inspectSource(context.cwd, values.source);
    const config = createS3SyncConfig(values, {
      cwd: context.cwd,
      env: context.env,
      ...(sourceKind === undefined ? {} : { sourceKind }),
      ...(webIdentityTokenFile === undefined ? {} : { webIdentityTokenFile }),
    });
    for (const warning of config.warnings) logger.warn(warning);

    const store = createS3Store(config.store);
    const endpoint = config.store.endpoint ?? `AWS (${values.region})`;
    logger.debug(`credentials: ${describeCredentials(values)}`);
    logger.debug(
      `endpoint ${endpoint}, path style ${String(config.store.forcePathStyle ?? config.store.endpoint !== undefined)}, checksums ${config.store.checksumMode ?? (config.store.endpoint === undefined ? "when_supported" : "when_required")}`,
    );
    // No separate bucket check: the sync's first request is the listing, whose error (unlike a
    // HEAD's, which has no body) tells a wrong secret from a missing permission.
    logger.info(describeDirection(config, store.url, endpoint));

    const { job } = config;
    const summary =
      job.direction === "upload"
        ? await syncUp({ ...job.options, store, signal, logger })
        : await syncDown({ ...job.options, store, signal, logger });
    logger.info(formatSyncSummary(summary));
    for (const [name, value] of Object.entries(syncOutputs(summary))) {
      await context.outputs.set(name, value);
    }
  },
});

function describeDirection(config: S3SyncConfig, storeUrl: string, endpoint: string): string {
  const { job } = config;
  if (job.direction === "download") {
    return `downloading ${storeUrl}/${job.options.source ?? ""} into ${job.options.target} (${endpoint})`;
  }
  const target = (job.options.target ?? "").replace(/^\/+/, "");
  const source = job.options.source === "." ? `${job.options.cwd}/` : String(job.options.source);
  return `uploading ${source} to ${storeUrl}/${target} (${endpoint})`;
}
