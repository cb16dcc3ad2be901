import { resolve } from "node:path";
import { type BuildMetadata, type SettingIssue, SettingsError } from "@spotkit/runtime";
import type { ObjectStoreConfig } from "@spotkit/storage";
import { type CacheKeyContext, createCacheKeyScope } from "./cache-key-scope.js";
import {
  CacheKeyTemplateError,
  isCacheKeyTemplate,
  renderCacheKeyTemplate,
  type TemplateScope,
} from "./cache-key-template.js";
import type { ArchiveFormat, CacheLayoutName } from "./cache-layout.js";
import type { CachePutOptions, CacheStoreSettings } from "./cache-store-config.js";
import { GlobLimitError } from "./expand-globs.js";
import { HashFilesError } from "./hash-files.js";
import type { CacheMode } from "./resolve-cache-mode.js";
import { findExistingMounts, normalizeMountPatterns } from "./resolve-mounts.js";
import { sanitizeCacheKey } from "./sanitize-cache-key.js";
import { createSettingsReport, type SettingsReport } from "./settings-report.js";
import { checkStaticCacheSettings, describeTemplateProblem } from "./validate-cache-settings.js";

export type { ArchiveFormat, CacheLayoutName } from "./cache-layout.js";
export type { CacheMode } from "./resolve-cache-mode.js";
export { validateCacheSettings } from "./validate-cache-settings.js";

/** drone-cache's key when `cache_key` is not set (spotkit keeps the branch readable, not hashed). */
export const defaultCacheKeyTemplate = "{{ .Commit.Branch }}";

/** Everything a cache run needs, decided from the settings before any transfer. */
export interface CacheConfig {
  /** What the run does. */
  mode: CacheMode;
  /** The store, for `createObjectStore`; object keys start at the bucket's (container's) root. */
  store: ObjectStoreConfig;
  /** Options of every archive upload (S3 ACL and encryption, GCS ACL). */
  putOptions: CachePutOptions;
  /** The folder mounts are relative to and restored into (absolute). */
  localRoot: string;
  /**
   * The mounts, relative to `localRoot`, `/`-separated. rebuild: those that exist, globs expanded
   * (a missing one is a warning, drone-cache #134), none inside another. restore: plain mounts as
   * written plus what globs match now (a glob's matches may not exist before the restore: see
   * `mountPatterns`). flush: empty.
   */
  mounts: string[];
  /** The `mount` setting normalised (relative to `localRoot`, `/`-separated), globs kept. */
  mountPatterns: string[];
  /** Which naming scheme the settings chose. */
  layout: CacheLayoutName;
  /**
   * The folder of the bucket under which keys live: `remote_root` (drone-cache layout) or the
   * folder part of `root` (plugins/s3-cache layout), `""` for the bucket's root.
   */
  namespace: string;
  /** The archive's object name: `archive.tar.zst`, or plugins/s3-cache's `filename`. */
  filename: string;
  /**
   * The object that holds the archive of `key`: `<namespace>/<key>/<filename>`. The key is put in
   * as given (never rewritten), so the key can be found again inside an object key.
   */
  objectKey(key: string): string;
  /** The exact key of this run, rendered and sanitised (`""` in flush mode). */
  key: string;
  /**
   * Keys to fall back to in restore mode, in order (empty otherwise): plugins/s3-cache's
   * `fallback_path`, then each `restore_keys` entry. Each is tried as an exact key, then as a
   * prefix. An entry ending in `/` only matches keys under that folder.
   */
  restoreKeys: string[];
  format: ArchiveFormat;
  /** Compression level; undefined for the format's default. */
  level: number | undefined;
  skipSymlinks: boolean;
  override: boolean;
  /** `exit_code` / `fail_on_error`: fail the step instead of warning. */
  failOnError: boolean;
  /** `backend_operation_timeout`, in milliseconds. */
  operationTimeoutMs: number;
  /**
   * What flush deletes: objects under `prefix` (always ending in `/`, never the whole bucket) last
   * modified more than `maxAgeDays` days ago.
   */
  flush: { prefix: string; maxAgeDays: number };
  /** Notes for the log: ignored settings, missing mounts, unreadable checksum files. */
  warnings: string[];
}

/** What {@link resolveCacheConfig} needs besides the settings. */
export interface ResolveCacheConfigContext {
  /** The working directory (the workspace): relative paths and templates' files start here. */
  cwd: string;
  /** The environment: store fallbacks (`AWS_*`…) and `$VAR` in mounts. */
  env: Readonly<Record<string, string | undefined>>;
  /** The build, for default keys and paths and for templates. */
  build: BuildMetadata;
  /** The clock of the `epoch` template function. @default () => new Date() */
  now?: () => Date;
  /** What the `os` and `arch` template functions print. @default this process's platform */
  platform?: { os: string; arch: string };
  signal?: AbortSignal;
}

/**
 * Turns the decoded settings into a {@link CacheConfig}: mode, store, layout and archive format,
 * the rendered key and restore keys, the mounts (globs expanded against the disk), the flush
 * prefix. Reads the disk (mounts, `checksum`, `hashFiles`) but writes nothing and makes no request.
 *
 * @throws {SettingsError} listing every setting that is wrong, each with what to change; the
 * same problems {@link validateCacheSettings} finds, plus those that need the build or the disk
 * (a key that renders empty, a mount outside local_root, an unknown template field).
 */
export async function resolveCacheConfig(
  values: CacheStoreSettings,
  context: ResolveCacheConfigContext,
): Promise<CacheConfig> {
  const report = createSettingsReport();
  const checked = checkStaticCacheSettings(values, { cwd: context.cwd, env: context.env }, report);
  const { settings: decided, store: storeSetup } = checked;
  if (decided === undefined || storeSetup === undefined || report.issues.length > 0) {
    throw toSettingsError(report);
  }
  const { mode, layout, operationTimeoutMs } = decided;

  const localRoot = chooseLocalRoot(values.local_root, context);
  const mountPatterns = normalizeMountPatterns(
    values.mount,
    { localRoot, env: context.env },
    report,
  );
  let mounts: string[] = [];
  if (report.issues.length === 0 && mode !== "flush") {
    const signalOption = context.signal === undefined ? {} : { signal: context.signal };
    const existing = await findExistingMounts(
      mountPatterns,
      { localRoot, ...signalOption },
      // A restore is expected to find its mounts missing: that is not worth a warning.
      mode === "rebuild" ? report : { issues: report.issues, warnings: [] },
    );
    mounts = mode === "rebuild" ? existing : mergeRestoreMounts(mountPatterns, existing);
    if (mode === "rebuild" && mounts.length === 0 && mountPatterns.length > 0) {
      report.warnings.push("No mount exists: there is nothing to save.");
    }
  }

  const names = describeRepository(context.build);
  const namespace = chooseNamespace(values, layout.layout, storeSetup.rootPrefix, names, report);
  const keyContext: CacheKeyContext = {
    cwd: context.cwd,
    build: context.build,
    ...(context.now === undefined ? {} : { now: context.now }),
    ...(context.platform === undefined ? {} : { platform: context.platform }),
    ...(context.signal === undefined ? {} : { signal: context.signal }),
  };
  const scope = createCacheKeyScope(keyContext, report.warnings);
  let key = "";
  let restoreKeys: string[] = [];
  if (mode !== "flush") {
    key = (await renderKey(values, layout.layout, names, scope, report)) ?? "";
    if (mode === "restore") {
      restoreKeys = await renderRestoreKeys(values, layout.layout, names, scope, key, report);
    }
  }
  const flushPrefix = chooseFlushPrefix(values, layout.layout, storeSetup.rootPrefix, names, {
    report,
    required: mode === "flush",
  });

  if (report.issues.length > 0) throw toSettingsError(report);
  const filename = layout.filename;
  return {
    mode,
    store: storeSetup.store,
    putOptions: storeSetup.putOptions,
    localRoot,
    mounts,
    mountPatterns,
    layout: layout.layout,
    namespace: namespace ?? "",
    filename,
    objectKey: (cacheKey) =>
      namespace === undefined || namespace === ""
        ? `${cacheKey}/${filename}`
        : `${namespace}/${cacheKey}/${filename}`,
    key,
    restoreKeys,
    format: layout.format,
    level: layout.level,
    skipSymlinks: values.skip_symlinks,
    override: values.override,
    failOnError: values.exit_code,
    operationTimeoutMs,
    flush: { prefix: flushPrefix, maxAgeDays: values.flush_age },
    warnings: report.warnings,
  };
}

// --- internal ---

/** The repository and branch names default paths are made of; undefined when the CI gives none. */
interface RepositoryNames {
  owner?: string;
  name?: string;
  branch?: string;
  defaultBranch?: string;
}

function describeRepository(build: BuildMetadata): RepositoryNames {
  return {
    ...(build.repo.owner ? { owner: build.repo.owner } : {}),
    ...(build.repo.name ? { name: build.repo.name } : {}),
    ...(build.commit.branch ? { branch: build.commit.branch } : {}),
    ...(build.repo.defaultBranch ? { defaultBranch: build.repo.defaultBranch } : {}),
  };
}

function chooseLocalRoot(
  localRoot: string | undefined,
  context: ResolveCacheConfigContext,
): string {
  const given = localRoot?.trim() ?? "";
  if (given !== "") {
    const home = context.env.HOME ?? "";
    const expanded = given === "~" ? home : given.startsWith("~/") ? home + given.slice(1) : given;
    return resolve(context.cwd, expanded);
  }
  return context.build.workspace ? resolve(context.cwd, context.build.workspace) : context.cwd;
}

/** Restore mounts: plain ones as written (they may not exist yet), globs as far as they match now. */
function mergeRestoreMounts(patterns: readonly string[], existing: readonly string[]): string[] {
  const mounts = patterns.filter((pattern) => !/[*?[\]{}]|[!@+]\(/.test(pattern));
  for (const mount of existing) if (!mounts.includes(mount)) mounts.push(mount);
  return mounts.filter(
    (mount) => !mounts.some((other) => other !== mount && mount.startsWith(`${other}/`)),
  );
}

/** The folder keys live under; undefined after reporting an issue. */
function chooseNamespace(
  values: CacheStoreSettings,
  layout: CacheLayoutName,
  rootPrefix: string,
  names: RepositoryNames,
  report: SettingsReport,
): string | undefined {
  if (layout === "s3-cache") {
    return sanitizeFolder(rootPrefix, "root", report);
  }
  const remoteRoot = values.remote_root?.trim() || names.name;
  if (remoteRoot === undefined) {
    report.issues.push({
      setting: "remote_root",
      message:
        "the repository's name is unknown (DRONE_REPO_NAME is not set), so there is no default folder for the caches: set remote_root, such as my-app",
    });
    return undefined;
  }
  const setting = values.remote_root?.trim() ? "remote_root" : "root";
  const folder = sanitizeFolder(remoteRoot, setting, report);
  if (folder === undefined) return undefined;
  return [rootPrefix, folder].filter((part) => part !== "").join("/");
}

/** A folder setting without leading, trailing or doubled `/`; `..` is an issue. */
function sanitizeFolder(
  folder: string,
  setting: string,
  report: SettingsReport,
): string | undefined {
  if (folder.split("/").every((segment) => segment === "" || segment === ".")) return "";
  const sanitized = sanitizeCacheKey(folder);
  if (sanitized.ok) return sanitized.key;
  report.issues.push({
    setting,
    message: `${JSON.stringify(folder)} cannot name a folder of the bucket: ${sanitized.problem}`,
  });
  return undefined;
}

async function renderKey(
  values: CacheStoreSettings,
  layout: CacheLayoutName,
  names: RepositoryNames,
  scope: TemplateScope,
  report: SettingsReport,
): Promise<string | undefined> {
  if (layout === "s3-cache") {
    if (values.path?.trim()) return renderOne("path", values.path, undefined, scope, report, {});
    if (names.owner === undefined || names.name === undefined || names.branch === undefined) {
      report.issues.push({
        setting: "path",
        message:
          "the default path owner/name/branch needs DRONE_REPO_OWNER, DRONE_REPO_NAME and DRONE_COMMIT_BRANCH, and one is not set: set path, such as my-org/my-app/main",
      });
      return undefined;
    }
    return renderOne(
      "path",
      `${names.owner}/${names.name}/${names.branch}`,
      undefined,
      scope,
      report,
      {
        plain: true,
      },
    );
  }
  const template = values.cache_key?.trim() ? values.cache_key : defaultCacheKeyTemplate;
  const rendered = await renderOne("cache_key", template, undefined, scope, report, {
    emptyHint:
      template === defaultCacheKeyTemplate
        ? "the default key {{ .Commit.Branch }} needs DRONE_COMMIT_BRANCH, which is not set: set cache_key"
        : undefined,
  });
  return rendered;
}

async function renderRestoreKeys(
  values: CacheStoreSettings,
  layout: CacheLayoutName,
  names: RepositoryNames,
  scope: TemplateScope,
  key: string,
  report: SettingsReport,
): Promise<string[]> {
  const restoreKeys: string[] = [];
  if (layout === "s3-cache") {
    let fallback: string | undefined;
    if (values.fallback_path?.trim()) {
      fallback = await renderOne(
        "fallback_path",
        values.fallback_path,
        undefined,
        scope,
        report,
        {},
      );
    } else if (names.owner && names.name && names.defaultBranch) {
      fallback = sanitizeOrUndefined(`${names.owner}/${names.name}/${names.defaultBranch}`);
    }
    if (fallback !== undefined && fallback !== key) restoreKeys.push(fallback);
  }
  for (const [index, template] of values.restore_keys.entries()) {
    if (template.trim() === "") continue;
    const rendered = await renderOne("restore_keys", template, index, scope, report, {
      prefix: true,
      emptyIsWarning: true,
    });
    if (rendered !== undefined && !restoreKeys.includes(rendered)) restoreKeys.push(rendered);
  }
  return restoreKeys;
}

interface RenderOptions {
  /** Keep a trailing `/` (restore keys are prefixes). */
  prefix?: boolean;
  /** The text is not a template (a default made of CI names): do not parse it. */
  plain?: boolean;
  /** An empty result only warns (a restore key whose variables are unset is skipped). */
  emptyIsWarning?: boolean;
  /** What to say when the result is empty. */
  emptyHint?: string | undefined;
}

/** Renders and sanitises one key; undefined after reporting an issue (or a warning). */
async function renderOne(
  setting: string,
  template: string,
  index: number | undefined,
  scope: TemplateScope,
  report: SettingsReport,
  options: RenderOptions,
): Promise<string | undefined> {
  let rendered: string;
  try {
    rendered =
      options.plain || !isCacheKeyTemplate(template)
        ? template
        : await renderCacheKeyTemplate(template, scope);
  } catch (error) {
    if (
      error instanceof CacheKeyTemplateError ||
      error instanceof HashFilesError ||
      error instanceof GlobLimitError
    ) {
      report.issues.push({ setting, message: describeTemplateProblem(template, index, error) });
      return undefined;
    }
    throw error;
  }
  const sanitized = sanitizeCacheKey(rendered, { prefix: options.prefix === true });
  if (sanitized.ok) return sanitized.key;
  const where = index === undefined ? "" : `item ${index + 1} `;
  if (sanitized.problem === "it is empty" && options.emptyIsWarning) {
    report.warnings.push(
      `${setting} ${where}${JSON.stringify(template)} renders to an empty key; it is skipped.`,
    );
    return undefined;
  }
  report.issues.push({
    setting,
    message:
      sanitized.problem === "it is empty"
        ? `${where}${JSON.stringify(template)} renders to an empty key: ${options.emptyHint ?? "make sure the fields it uses are set, or add fixed text such as a prefix"}`
        : `${where}${JSON.stringify(template)} renders to an unusable key: ${sanitized.problem}`,
  });
  return undefined;
}

function sanitizeOrUndefined(key: string): string | undefined {
  const sanitized = sanitizeCacheKey(key);
  return sanitized.ok ? sanitized.key : undefined;
}

/** The flush prefix; `""` when it cannot be decided and flush is not the mode. */
function chooseFlushPrefix(
  values: CacheStoreSettings,
  layout: CacheLayoutName,
  rootPrefix: string,
  names: RepositoryNames,
  options: { report: SettingsReport; required: boolean },
): string {
  const given = values.flush_path?.trim() ?? "";
  let folder: string | undefined;
  let setting = "flush_path";
  if (given !== "") {
    folder = given;
  } else if (layout === "s3-cache") {
    folder = names.owner && names.name ? `${names.owner}/${names.name}` : undefined;
  } else {
    folder = values.remote_root?.trim() || names.name;
    if (values.remote_root?.trim()) setting = "remote_root";
  }
  const scratch = createSettingsReport();
  const sanitized = folder === undefined ? undefined : sanitizeFolder(folder, setting, scratch);
  if (options.required) {
    options.report.issues.push(...scratch.issues);
    if (folder === undefined) {
      options.report.issues.push({
        setting: "flush_path",
        message:
          layout === "s3-cache"
            ? "the default flush path owner/name needs DRONE_REPO_OWNER and DRONE_REPO_NAME, and one is not set: set flush_path, such as my-org/my-app"
            : "the repository's name is unknown (DRONE_REPO_NAME is not set): set flush_path (or remote_root) to the folder whose old caches to delete",
      });
    } else if (sanitized === "" && rootPrefix === "") {
      options.report.issues.push({
        setting,
        message: `${JSON.stringify(folder)} would flush every cache in the bucket: give the folder of one repository's caches, such as my-org/my-app`,
      });
    }
  }
  const prefix = [rootPrefix, sanitized ?? ""].filter((part) => part !== "").join("/");
  return prefix === "" ? "" : `${prefix}/`;
}

function toSettingsError(report: SettingsReport): SettingsError {
  const issues: SettingIssue[] = report.issues.map((issue) => ({
    ...issue,
    source: `PLUGIN_${issue.setting.toUpperCase()}`,
  }));
  return new SettingsError(issues);
}
