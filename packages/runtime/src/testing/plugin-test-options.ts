import type { SettingsEncoding } from "./encode-settings.js";

/** How to run a plugin under test. */
export interface PluginTestOptions {
  /** The step's `settings:` as YAML would parse them; `{ from_secret: "name" }` reads `secrets`. */
  settings?: Record<string, unknown>;
  /** Repository secrets, by name, for `from_secret`. */
  secrets?: Record<string, string>;
  /** Further variables (`DRONE_*`, aliases such as `SLACK_WEBHOOK`). */
  env?: Record<string, string>;
  /** Which runner's encoding turns `settings` into variables. @default "drone" */
  encoding?: SettingsEncoding;
  /** Command-line arguments. @default [] */
  argv?: string[];
  /** The working directory. @default the test process's */
  cwd?: string;
  /** Cancels the run. */
  signal?: AbortSignal;
}

/** What a plugin run under test produced. Every text is masked as the real process masks it. */
export interface PluginTestResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Standard output and error interleaved in the order written. */
  output: string;
  /** The step outputs the plugin wrote to `$DRONE_OUTPUT`. */
  outputs: Record<string, string>;
  /** The environment the plugin ran with (settings encoded), for assertions. */
  env: Record<string, string>;
}
