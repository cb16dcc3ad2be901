/**
 * @spotkit/runtime — everything a Drone-compatible CI plugin needs: settings decoded exactly as
 * Drone and Woodpecker encode them, build metadata, a secret-masking logger, child processes,
 * retries, HTTP, outputs and cards.
 */
export { z } from "zod";
export { type BuildMetadata, readBuildMetadata } from "./build-metadata.js";
export { type Card, writeCard } from "./card.js";
export { type CommonSettingsShape, commonSettings } from "./common-settings.js";
export {
  definePlugin,
  type Plugin,
  type PluginContext,
  type PluginDefinition,
  type PluginIssue,
} from "./define-plugin.js";
export { type Exec, ExecError, type ExecOptions, type ExecResult } from "./exec.js";
export { ExitCode, executePlugin, type PluginIo } from "./execute-plugin.js";
export { createFetch, type HttpOptions } from "./http.js";
export { createLogger, type Logger, type LoggerOptions, type LogLevel } from "./logger.js";
export { createOutputs, type Outputs } from "./outputs.js";
export { formatBytes, type Progress, type ProgressOptions } from "./progress.js";
export {
  parseRetryAfter,
  type RetryOptions,
  retry,
  retryAfterFromResponse,
  sleep,
} from "./retry.js";
export { runMain } from "./run-main.js";
export { SecretMasker } from "./secret-masker.js";
export { parseSemVer, type SemVer } from "./semver.js";
export { type SettingMeta, type SettingsOf, type SettingsShape, setting } from "./setting.js";
export { type SettingIssue, SettingsError, UsageError } from "./settings-error.js";
export { settingsJsonSchema } from "./settings-json-schema.js";
export {
  renderSettingsTable,
  replaceSettingsTable,
  settingsTableMarkers,
} from "./settings-table.js";
export { SpotkitError } from "./spotkit-error.js";
