import type { BuildMetadata } from "./build-metadata.js";
import type { Card } from "./card.js";
import { type CommonSettingsShape, commonSettings } from "./common-settings.js";
import type { Exec } from "./exec.js";
import type { Logger } from "./logger.js";
import type { Outputs } from "./outputs.js";
import type { RetryOptions } from "./retry.js";
import { readSettingMeta, type SettingsOf, type SettingsShape } from "./setting.js";

/** Everything a plugin's `run` receives. Plugins never read `process.env` themselves. */
export interface PluginContext<Settings> {
  /** The decoded, validated settings. */
  settings: Settings;
  /** Build metadata from `DRONE_*` (and Woodpecker, GitHub Actions, GitLab fallbacks). */
  build: BuildMetadata;
  /** A logger whose output is masked. */
  logger: Logger;
  /** Aborted on SIGTERM/SIGINT; pass it to every request and long operation. */
  signal: AbortSignal;
  /** Runs a child process (argv only), its output streamed and masked, killed on abort. */
  exec: Exec;
  /** `fetch` honouring `HTTPS_PROXY`/`NO_PROXY` and the `skip_verify` setting. */
  fetch: typeof globalThis.fetch;
  /** Retries an operation with backoff and jitter, honouring Retry-After; bound to `signal`. */
  retry: <T>(operation: (attempt: number) => Promise<T>, options?: RetryOptions) => Promise<T>;
  /** Step outputs, written to `$DRONE_OUTPUT` and `$GITHUB_OUTPUT`. */
  outputs: Outputs;
  /** Writes an adaptive card to `$DRONE_CARD_PATH`. */
  card: (card: Card) => Promise<void>;
  /** Masks a secret learned at run time (a token from an API) in everything written from now on. */
  secrets: { add(value: string): void };
  /** Registers cleanup that runs after `run` ends, also on failure and cancellation (last first). */
  defer: (cleanup: () => void | Promise<void>) => void;
  /** The environment the plugin runs in (after `env_file`), read-only, for child processes. */
  env: Readonly<Record<string, string | undefined>>;
  /** The working directory. */
  cwd: string;
}

/** A cross-setting problem found by a plugin's `validate`. */
export interface PluginIssue {
  /** The setting to point at. */
  setting: string;
  /** What is wrong and what to change. */
  message: string;
}

/**
 * What a plugin author writes. `validate` and `run` are declared as methods so that a plugin with
 * specific settings can be handed to code that runs any plugin.
 */
export interface PluginDefinition<Shape extends SettingsShape> {
  /** Short name (`slack`); the command is `spotkit-<name>`. */
  name: string;
  /** One sentence: what the plugin does. */
  description: string;
  /** The plugin's version, printed by `--version`. */
  version: string;
  /** The settings, declared once with {@link setting}. */
  settings: Shape;
  /**
   * Checks that involve several settings (one of two required, a combination that makes no sense).
   * Its issues are reported together with every other invalid setting before any work starts.
   */
  validate?(settings: SettingsOf<Shape & CommonSettingsShape>): PluginIssue[];
  /** The work. Throw a {@link SpotkitError} with a helpful message to fail the step. */
  run(context: PluginContext<SettingsOf<Shape & CommonSettingsShape>>): Promise<void>;
}

/** A plugin ready to run: its definition plus the common settings merged in. */
export interface Plugin<Shape extends SettingsShape = SettingsShape>
  extends PluginDefinition<Shape> {
  /** The plugin's settings followed by {@link commonSettings}. */
  readonly allSettings: SettingsShape;
}

const settingNamePattern = /^[a-z][a-z0-9_]*$/;

/**
 * Defines a plugin. Checks the declaration (every setting described, names in snake_case) when
 * the module loads, so a mistake fails the plugin's own tests rather than a user's build.
 */
export function definePlugin<Shape extends SettingsShape>(
  definition: PluginDefinition<Shape>,
): Plugin<Shape> {
  for (const [name, schema] of Object.entries(definition.settings)) {
    if (!settingNamePattern.test(name)) {
      throw new TypeError(`Setting "${name}" of plugin "${definition.name}" must be snake_case`);
    }
    readSettingMeta(name, schema);
  }
  // The plugin's own settings come first (for help and docs); a plugin may redeclare a common one.
  const allSettings: SettingsShape = { ...definition.settings };
  for (const [name, schema] of Object.entries(commonSettings)) allSettings[name] ??= schema;
  return Object.freeze({ ...definition, allSettings });
}
