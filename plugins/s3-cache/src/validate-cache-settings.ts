import type { PluginIssue } from "@spotkit/runtime";
import {
  CacheKeyTemplateError,
  isCacheKeyTemplate,
  parseCacheKeyTemplate,
} from "./cache-key-template.js";
import { type CacheLayoutChoice, chooseCacheLayout } from "./cache-layout.js";
import { type CacheStoreSettings, createCacheStoreConfig } from "./cache-store-config.js";
import { parseGoDuration } from "./parse-go-duration.js";
import { type CacheMode, resolveCacheMode } from "./resolve-cache-mode.js";
import { createSettingsReport, type SettingsReport } from "./settings-report.js";

/** Default of `backend_operation_timeout`, in milliseconds. */
export const defaultOperationTimeoutMs = 10 * 60 * 1000;

/** The part of the settings that can be decided without the build, the environment or the disk. */
export interface StaticCacheSettings {
  mode: CacheMode;
  layout: CacheLayoutChoice;
  operationTimeoutMs: number;
}

/**
 * Checks the settings that depend on each other, before any work: the mode, the layout and
 * archive format, the store's settings (bucket, endpoint, credentials that go together), the
 * timeout and the syntax of every key template. Every problem is reported, each naming its
 * setting and saying what to change. For a plugin's `validate`.
 */
export function validateCacheSettings(values: CacheStoreSettings): PluginIssue[] {
  const report = createSettingsReport();
  checkStaticCacheSettings(values, { cwd: "/", env: undefined }, report);
  return report.issues;
}

/**
 * What {@link validateCacheSettings} checks, returning what it decided (undefined when an issue
 * was reported) and the store setup. Used by `resolveCacheConfig` so both agree.
 */
export function checkStaticCacheSettings(
  values: CacheStoreSettings,
  inputs: Parameters<typeof createCacheStoreConfig>[1],
  report: SettingsReport,
): { settings?: StaticCacheSettings; store?: ReturnType<typeof createCacheStoreConfig> } {
  const mode = resolveCacheMode(values, report);
  const store = createCacheStoreConfig(values, inputs, report);
  const layout = chooseCacheLayout(
    values,
    { bucketFromEndpointOnly: store?.bucketFromEndpointOnly ?? false },
    report,
  );
  if (mode === "rebuild" && values.mount.every((mount) => mount.trim() === "")) {
    report.issues.push({
      setting: "mount",
      message:
        "rebuild needs to know what to save: set mount to the folders to cache, such as [node_modules]",
    });
  }
  const operationTimeoutMs = readTimeout(values.backend_operation_timeout, report);
  checkTemplates(values, report);
  if (mode === undefined || layout === undefined || operationTimeoutMs === undefined) {
    return { store };
  }
  return { settings: { mode, layout, operationTimeoutMs }, store };
}

// --- internal ---

function readTimeout(
  value: string | number | undefined,
  report: SettingsReport,
): number | undefined {
  if (value === undefined || value === "") return defaultOperationTimeoutMs;
  const milliseconds = parseGoDuration(value);
  if (milliseconds === undefined || milliseconds <= 0) {
    report.issues.push({
      setting: "backend_operation_timeout",
      message: `${JSON.stringify(value)} is not a duration above zero: write it as Go does, such as 90s, 10m or 1h30m (or a number of seconds)`,
    });
    return undefined;
  }
  return milliseconds;
}

function checkTemplates(values: CacheStoreSettings, report: SettingsReport): void {
  const single: Array<["cache_key" | "path" | "fallback_path", string | undefined]> = [
    ["cache_key", values.cache_key],
    ["path", values.path],
    ["fallback_path", values.fallback_path],
  ];
  for (const [setting, template] of single) {
    if (template === undefined || !isCacheKeyTemplate(template)) continue;
    checkSyntax(setting, template, undefined, report);
  }
  values.restore_keys.forEach((template, index) => {
    if (isCacheKeyTemplate(template)) checkSyntax("restore_keys", template, index, report);
  });
}

function checkSyntax(
  setting: string,
  template: string,
  index: number | undefined,
  report: SettingsReport,
): void {
  try {
    parseCacheKeyTemplate(template);
  } catch (error) {
    if (!(error instanceof CacheKeyTemplateError)) throw error;
    report.issues.push({ setting, message: describeTemplateProblem(template, index, error) });
  }
}

/** The message of a template problem, quoting the template (and its place in a list). */
export function describeTemplateProblem(
  template: string,
  index: number | undefined,
  error: Error,
): string {
  const where = index === undefined ? "" : `item ${index + 1} `;
  return `${where}${JSON.stringify(template)}: ${error.message}`;
}
