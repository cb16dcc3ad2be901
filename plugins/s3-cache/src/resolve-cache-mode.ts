import type { CacheSettings } from "./settings.js";
import type { SettingsReport } from "./settings-report.js";

/** What a run does. */
export type CacheMode = "restore" | "rebuild" | "flush";

/**
 * The mode of the run, from `mode` or from exactly one of the booleans `restore`, `rebuild`,
 * `flush`, as plugins/s3-cache decides it. A boolean that agrees with `mode` is accepted; one that
 * contradicts it, several booleans, or none at all are reported on `mode`.
 *
 * @returns the mode, or undefined when an issue was added to `report`.
 */
export function resolveCacheMode(
  values: Pick<CacheSettings, "mode" | "restore" | "rebuild" | "flush">,
  report: SettingsReport,
): CacheMode | undefined {
  const flagged = (["restore", "rebuild", "flush"] as const).filter((name) => values[name]);
  if (values.mode !== undefined) {
    const contradicting = flagged.filter((name) => name !== values.mode);
    if (contradicting.length === 0) return values.mode;
    report.issues.push({
      setting: "mode",
      message: `mode is ${values.mode} but ${contradicting.join(" and ")} is also set to true: keep only mode`,
    });
    return undefined;
  }
  const [only, ...others] = flagged;
  if (only !== undefined && others.length === 0) return only;
  report.issues.push({
    setting: "mode",
    message:
      only === undefined
        ? "say what to do: set mode to restore, rebuild or flush (or one of restore: true, rebuild: true, flush: true)"
        : `${flagged.join(" and ")} are all set to true: a step does one thing, so set only one of them (or mode)`,
  });
  return undefined;
}
