import { SpotkitError } from "./spotkit-error.js";

/** One problem with one setting, as reported to the user. */
export interface SettingIssue {
  /** The setting's YAML name (`link_names`). */
  setting: string;
  /** Where the value came from, or where it is expected (`PLUGIN_LINK_NAMES`, `--link-names`). */
  source: string;
  /** What is wrong and what to change. Never contains a secret value. */
  message: string;
}

/**
 * Every invalid or missing setting of a run, reported at once before any work starts.
 * The process exits 1 after printing it.
 */
export class SettingsError extends SpotkitError {
  readonly issues: readonly SettingIssue[];

  constructor(issues: readonly SettingIssue[]) {
    const count = issues.length === 1 ? "1 setting is" : `${issues.length} settings are`;
    const lines = issues.map((issue) => `  - ${issue.source} (${issue.setting}): ${issue.message}`);
    super("E_SETTINGS_INVALID", `${count} invalid or missing:\n${lines.join("\n")}`);
    this.name = "SettingsError";
    this.issues = issues;
  }
}

/** A command line the plugin cannot understand (unknown flag, stray argument). Exits 2. */
export class UsageError extends SpotkitError {
  constructor(message: string) {
    super("E_USAGE", message);
    this.name = "UsageError";
  }
}
