import { definePlugin } from "@spotkit/runtime";
import { createS3Store, resolveS3Credentials } from "@spotkit/storage/s3";
import { formatSyncSummary, syncDown, syncOutputs, syncUp } from "@spotkit/sync";
import packageJson from "../package.json" with { type: "json" };
import { describeCredentials } from "./describe-credentials.js";
import { inspectSource } from "./inspect-source.js";
import { createS3SyncConfig, type S3SyncConfig } from "./s3-sync-config.js";
import { settings } from "./settings.js";
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

    // Resolved once, for the store and for CloudFront: an assumed role is then assumed once.
    const credentials = resolveS3Credentials(config.store, {
      env: context.env,
      region: values.region,
    });
    const store = createS3Store({ ...config.store, resolvedCredentials: credentials });
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

    // As plugins/s3-sync: once everything is synced (deletes included), and only then.
    const distribution = values.cloudfront_distribution;
    if (job.direction === "upload" && distribution) {
      // Loaded only here: CloudFront's SDK would cost every other run its start-up time.
      const { invalidateCloudFront, invalidationPath } = await import("./invalidate-cloudfront.js");
      const path = invalidationPath(job.options.target ?? "");
      if (job.options.dryRun) {
        logger.info(`would invalidate ${path} of the CloudFront distribution ${distribution}`);
        return;
      }
      const invalidation = await invalidateCloudFront({
        distributionId: distribution,
        path,
        credentials: credentials.credentials,
        endpoint: context.env.AWS_ENDPOINT_URL_CLOUDFRONT || undefined,
        maxAttempts: config.store.maxAttempts,
        signal,
      });
      logger.info(
        `invalidating ${path} of the CloudFront distribution ${distribution} (invalidation ${invalidation}; CloudFront takes a few minutes)`,
      );
      await context.outputs.set("cloudfront_invalidation", invalidation);
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
