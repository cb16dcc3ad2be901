import type { PluginIssue } from "@spotkit/runtime";

/** What checking settings collects: problems that stop the run, and notes for the log. */
export interface SettingsReport {
  /** Settings that are wrong, each naming the setting and what to change. */
  issues: PluginIssue[];
  /** Settings that are ignored or behave differently from the Go plugins. */
  warnings: string[];
}

/** An empty {@link SettingsReport}. */
export function createSettingsReport(): SettingsReport {
  return { issues: [], warnings: [] };
}
