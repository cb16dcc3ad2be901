import { definePlugin, type Logger, type Outputs } from "@spotkit/runtime";
import packageJson from "../package.json" with { type: "json" };
import { resolveCacheConfig, validateCacheSettings } from "./cache-config.js";
import type { CacheOperationOptions } from "./cache-operation-options.js";
import { flushOutputs, rebuildOutputs, restoreOutputs } from "./cache-outputs.js";
import { flushCache } from "./flush.js";
import { openObjectStore } from "./open-object-store.js";
import { rebuildCache } from "./rebuild.js";
import { restoreCache } from "./restore.js";
import { settings } from "./settings.js";

/**
 * The cache plugin: restores and rebuilds build caches (node_modules, .m2, .gradle…) as one
 * tar + zstd archive per key in S3, Azure Blob, GCS or a folder; a drop-in for plugins/s3-cache
 * and drone-cache, with actions/cache-style restore keys.
 */
export const plugin = definePlugin({
  name: "s3-cache",
  description:
    "Restores and rebuilds build caches as one streamed tar + zstd archive per key in S3, Azure Blob, GCS or a folder; a drop-in for plugins/s3-cache and drone-cache.",
  version: packageJson.version,
  settings,
  validate: validateCacheSettings,
  async run(context) {
    const { logger, signal } = context;
    const config = await resolveCacheConfig(context.settings, {
      cwd: context.cwd,
      env: context.env,
      build: context.build,
      signal,
    });
    for (const warning of config.warnings) logger.warn(warning);
    const operation: CacheOperationOptions = {
      store: await openObjectStore(config.store),
      failOnError: config.failOnError,
      operationTimeoutMs: config.operationTimeoutMs,
      logger,
      signal,
    };

    switch (config.mode) {
      case "restore": {
        const result = await restoreCache({
          ...operation,
          key: config.key,
          restoreKeys: config.restoreKeys,
          objectKey: (key) => config.objectKey(key),
          localRoot: config.localRoot,
          // Globs kept: they limit which recorded mounts the restore may replace.
          mounts: config.mountPatterns,
        });
        await setOutputs(context.outputs, restoreOutputs(result), logger);
        return;
      }
      case "rebuild": {
        const result = await rebuildCache({
          ...operation,
          key: config.key,
          objectKey: config.objectKey(config.key),
          localRoot: config.localRoot,
          mounts: config.mounts,
          format: config.format,
          ...(config.level === undefined ? {} : { level: config.level }),
          skipSymlinks: config.skipSymlinks,
          override: config.override,
          putOptions: config.putOptions,
        });
        await setOutputs(context.outputs, rebuildOutputs(result), logger);
        return;
      }
      case "flush": {
        const result = await flushCache({
          ...operation,
          prefix: config.flush.prefix,
          maxAgeDays: config.flush.maxAgeDays,
        });
        await setOutputs(context.outputs, flushOutputs(result), logger);
        return;
      }
    }
  },
});

/**
 * Writes the outputs. A cache never fails a build on its own account, so an outputs file that
 * cannot be written is a warning too.
 */
async function setOutputs(
  outputs: Outputs,
  values: Record<string, string>,
  logger: Logger,
): Promise<void> {
  for (const [name, value] of Object.entries(values)) {
    try {
      await outputs.set(name, value);
    } catch (error) {
      logger.warn(
        `could not write output ${name}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}
