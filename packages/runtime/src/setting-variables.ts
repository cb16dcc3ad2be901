/**
 * The variable that carries a setting in Woodpecker's spelling, which is also Drone's for names
 * without `-` or `.`: `dry-run` → `PLUGIN_DRY_RUN`.
 */
export function settingVariable(name: string): string {
  return `PLUGIN_${normalizeSettingKey(name)}`;
}

/**
 * Normalises a setting key the way Woodpecker does (`.` and `-` become `_`, then upper case), so that
 * Drone's spellings (`PLUGIN_DRY-RUN`, `PLUGIN_DRY.RUN`) and Woodpecker's (`PLUGIN_DRY_RUN`) meet.
 */
export function normalizeSettingKey(key: string): string {
  return key.replace(/[.-]/g, "_").toUpperCase();
}

/** The command-line flag of a setting: `link_names` → `--link-names` (`--link_names` also works). */
export function settingFlag(name: string): string {
  return `--${name.replace(/_/g, "-")}`;
}

/**
 * Finds, among all `PLUGIN_*` variables, those that spell the given setting in any of the
 * runners' ways, the Woodpecker/underscore spelling first.
 */
export function findSettingVariables(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const canonical = settingVariable(name);
  const found: string[] = [];
  if (env[canonical] !== undefined) found.push(canonical);
  for (const variable of Object.keys(env)) {
    if (variable === canonical || !variable.startsWith("PLUGIN_")) continue;
    if (env[variable] === undefined) continue;
    if (`PLUGIN_${normalizeSettingKey(variable.slice("PLUGIN_".length))}` === canonical) {
      found.push(variable);
    }
  }
  return found;
}
