import { readSettingMeta, type SettingsShape } from "./setting.js";

/** What `--print-settings` shows for a secret that is set. */
export const maskedValue = "******";

/**
 * The JSON `--print-settings` prints: every setting keyed by its YAML name, holding its decoded
 * value (`null` when not set and without default), secrets as `"******"`.
 */
export function renderPrintSettings(shape: SettingsShape, values: Record<string, unknown>): string {
  const printed: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(shape)) {
    const value = values[name];
    if (value === undefined) printed[name] = null;
    else printed[name] = readSettingMeta(name, schema).secret ? maskedValue : value;
  }
  return `${JSON.stringify(printed, null, 2)}\n`;
}
