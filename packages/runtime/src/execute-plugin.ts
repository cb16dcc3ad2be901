import { readBuildMetadata } from "./build-metadata.js";
import { writeCard } from "./card.js";
import { parseCommandLine } from "./command-line.js";
import type { Plugin } from "./define-plugin.js";
import { createExec } from "./exec.js";
import { createFetch } from "./http.js";
import { loadEnvFile } from "./load-env-file.js";
import { createLogger, type Logger, type LogLevel } from "./logger.js";
import { createOutputs } from "./outputs.js";
import { readSettings } from "./read-settings.js";
import { renderHelp } from "./render-help.js";
import { renderPrintSettings } from "./render-print-settings.js";
import { type RetryOptions, retry } from "./retry.js";
import { createMaskingWriter, SecretMasker } from "./secret-masker.js";
import { readSettingKind, type SettingKind } from "./setting-kind.js";
import { findSettingVariables, settingVariable } from "./setting-variables.js";
import { type SettingIssue, SettingsError, UsageError } from "./settings-error.js";
import { SpotkitError } from "./spotkit-error.js";

/** Exit codes of a plugin process. */
export const ExitCode = {
  /** The work was done (or help/version/settings were printed). */
  Success: 0,
  /** The work failed, or settings were invalid. */
  Failure: 1,
  /** The command line could not be understood. */
  Usage: 2,
} as const;

/** Where a plugin run reads its inputs and writes its output. */
export interface PluginIo {
  /** Command-line arguments after the program name. */
  argv: readonly string[];
  /** The environment (`PLUGIN_*`, `DRONE_*`…). */
  env: Readonly<Record<string, string | undefined>>;
  /** The working directory. */
  cwd: string;
  /** Receives standard output (already masked by the runtime). */
  stdout: (text: string) => void;
  /** Receives standard error, where logs go (already masked by the runtime). */
  stderr: (text: string) => void;
  /** Whether standard error is a terminal (colour, progress bars). */
  isTTY?: boolean;
  /** Cancels the run (SIGTERM/SIGINT in a real process). */
  signal?: AbortSignal;
  /** The masker to use; one is created when absent. Secrets found in the settings are added to it. */
  masker?: SecretMasker;
}

/**
 * Runs a plugin once: parse the command line, read and validate every setting, then either answer
 * `--help`/`--version`/`--print-settings` or run the plugin. Returns the exit code; never exits
 * the process and never throws for a plugin's failure. Everything written goes through the secret
 * masker.
 */
export async function executePlugin(plugin: Plugin, io: PluginIo): Promise<number> {
  const masker = io.masker ?? new SecretMasker();
  const stdout = createMaskingWriter(masker, io.stdout);
  const stderr = createMaskingWriter(masker, io.stderr);
  const signal = io.signal ?? new AbortController().signal;
  // Until the settings are read, log at info in text form; errors in settings must still show.
  let logger = createLogger({
    level: "info",
    format: "text",
    write: (text) => stderr.write(text),
    color: false,
  });
  try {
    return await executeWithWriters(plugin, io, { masker, stdout, stderr, signal }, (created) => {
      logger = created;
    });
  } catch (error) {
    return reportFailure(error, logger, signal);
  } finally {
    stdout.flush();
    stderr.flush();
  }
}

interface Writers {
  masker: SecretMasker;
  stdout: { write(text: string): void };
  stderr: { write(text: string): void };
  signal: AbortSignal;
}

async function executeWithWriters(
  plugin: Plugin,
  io: PluginIo,
  { masker, stdout, stderr, signal }: Writers,
  useLogger: (logger: Logger) => void,
): Promise<number> {
  const kinds = new Map<string, SettingKind>(
    Object.entries(plugin.allSettings).map(([name, schema]) => [name, readSettingKind(schema)]),
  );
  const commandLine = parseCommandLine(io.argv, kinds);
  if (commandLine.action === "help") {
    stdout.write(renderHelp(plugin));
    return ExitCode.Success;
  }
  if (commandLine.action === "version") {
    stdout.write(`spotkit-${plugin.name} ${plugin.version}\n`);
    return ExitCode.Success;
  }

  const env = await applyEnvFile(io, commandLine.flags.get("env_file"));
  const build = readBuildMetadata(env);
  if (build.netrc?.password) masker.add(build.netrc.password);

  const reading = readSettings({ shape: plugin.allSettings, env, flags: commandLine.flags });
  for (const text of reading.secretTexts) masker.add(text);
  const logger = createLogger({
    level: chooseLogLevel(reading.values.log_level, build.build.debug),
    format: reading.values.log_format === "json" ? "json" : "text",
    write: (text) => stderr.write(text),
    color: Boolean(io.isTTY) && env.NO_COLOR === undefined,
    isTTY: Boolean(io.isTTY),
    githubActions: env.GITHUB_ACTIONS === "true",
  });
  useLogger(logger);
  for (const warning of reading.warnings) logger.warn(warning);

  const issues: SettingIssue[] = [...reading.issues];
  if (issues.length === 0 && plugin.validate) {
    for (const issue of plugin.validate(reading.values as never)) {
      issues.push({
        ...issue,
        source: reading.sources[issue.setting] ?? settingVariable(issue.setting),
      });
    }
  }
  if (issues.length > 0) throw new SettingsError(issues);

  if (commandLine.action === "print-settings") {
    stdout.write(renderPrintSettings(plugin.allSettings, reading.values));
    return ExitCode.Success;
  }

  const cleanups: Array<() => void | Promise<void>> = [];
  const context = {
    settings: reading.values,
    build,
    logger,
    signal,
    exec: createExec({
      env,
      cwd: io.cwd,
      masker,
      logger,
      stdout: (text) => stdout.write(text),
      stderr: (text) => stderr.write(text),
      signal,
    }),
    fetch: createFetch({ env, skipVerify: reading.values.skip_verify === true }),
    // The run's signal always applies; a caller's own signal can only cancel sooner.
    retry: <T>(operation: (attempt: number) => Promise<T>, options?: RetryOptions) =>
      retry(operation, {
        ...options,
        signal: options?.signal ? AbortSignal.any([signal, options.signal]) : signal,
      }),
    outputs: createOutputs({ env }),
    card: (card: Parameters<typeof writeCard>[0]["card"]) =>
      writeCard({ env, card, stdout: (text) => stdout.write(text) }),
    secrets: { add: (value: string) => masker.add(value) },
    defer: (cleanup: () => void | Promise<void>) => {
      cleanups.push(cleanup);
    },
    env,
    cwd: io.cwd,
  };
  try {
    await plugin.run(context as never);
  } finally {
    await runCleanups(cleanups, logger);
  }
  if (signal.aborted) throw signal.reason;
  return ExitCode.Success;
}

async function applyEnvFile(
  io: PluginIo,
  flag: string[] | boolean | undefined,
): Promise<Readonly<Record<string, string | undefined>>> {
  const fromFlag = Array.isArray(flag) ? flag.at(-1) : undefined;
  const [variable] = findSettingVariables("env_file", io.env);
  const path = fromFlag ?? (variable ? io.env[variable] : undefined);
  return path ? loadEnvFile(path, io.env, io.cwd) : io.env;
}

function chooseLogLevel(configured: unknown, debugBuild: boolean): LogLevel {
  if (typeof configured === "string") return configured as LogLevel;
  return debugBuild ? "debug" : "info";
}

async function runCleanups(cleanups: Array<() => void | Promise<void>>, logger: Logger) {
  for (const cleanup of cleanups.reverse()) {
    try {
      await cleanup();
    } catch (error) {
      logger.warn(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

function reportFailure(error: unknown, logger: Logger, signal: AbortSignal): number {
  if (error instanceof UsageError) {
    logger.error(error.message);
    return ExitCode.Usage;
  }
  if (signal.aborted) {
    logger.error("cancelled: the step was stopped before the work finished");
    return ExitCode.Failure;
  }
  if (SpotkitError.isInstance(error)) {
    logger.error(error.message);
    if (logger.isEnabled("debug") && error.cause !== undefined) {
      logger.debug(`caused by: ${describe(error.cause)}`);
    }
    return ExitCode.Failure;
  }
  // An unexpected error is a bug somewhere: say so, and show the stack only in debug mode.
  logger.error(describe(error));
  if (logger.isEnabled("debug") && error instanceof Error && error.stack) logger.debug(error.stack);
  return ExitCode.Failure;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
