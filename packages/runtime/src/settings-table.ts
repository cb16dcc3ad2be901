import type { Plugin } from "./define-plugin.js";
import { describeSettingType } from "./describe-setting-type.js";
import { readSettingMeta } from "./setting.js";
import { readSettingKind } from "./setting-kind.js";
import { settingVariable } from "./setting-variables.js";

/** The markers between which a plugin README holds its generated settings table. */
export const settingsTableMarkers = {
  start: "<!-- settings:start -->",
  end: "<!-- settings:end -->",
} as const;

/**
 * The Markdown table of a plugin's settings for its README, generated from the declaration so
 * that it cannot drift. The settings every plugin shares come after the plugin's own.
 */
export function renderSettingsTable(plugin: Plugin): string {
  const rows = [
    "| Setting | Type | Default | Variables | Description |",
    "| --- | --- | --- | --- | --- |",
  ];
  for (const [name, schema] of Object.entries(plugin.allSettings)) {
    const meta = readSettingMeta(name, schema);
    const kind = readSettingKind(schema);
    const required = !schema.safeParse(undefined).success;
    const defaultValue = kind.jsonSchema.default;
    const cells = [
      `\`${name}\``,
      describeSettingType(kind) + (meta.secret ? " (secret)" : ""),
      required
        ? "**required**"
        : defaultValue === undefined
          ? ""
          : `\`${JSON.stringify(defaultValue)}\``,
      [settingVariable(name), ...(meta.aliases ?? [])]
        .map((variable) => `\`${variable}\``)
        .join(", "),
      escapeCell(
        meta.deprecated ? `${meta.description} Deprecated: ${meta.deprecated}` : meta.description,
      ),
    ];
    rows.push(`| ${cells.map((cell) => cell.replace(/\|/g, "\\|")).join(" | ")} |`);
  }
  return rows.join("\n");
}

function escapeCell(text: string): string {
  return text.replace(/\n+/g, " ");
}

/**
 * Puts a generated table between the markers of a README. Returns undefined when the README has
 * no markers.
 */
export function replaceSettingsTable(readme: string, table: string): string | undefined {
  const start = readme.indexOf(settingsTableMarkers.start);
  const end = readme.indexOf(settingsTableMarkers.end);
  if (start < 0 || end < start) return undefined;
  const before = readme.slice(0, start + settingsTableMarkers.start.length);
  return `${before}\n${table}\n${readme.slice(end)}`;
}
