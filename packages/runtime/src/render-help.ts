import type { Plugin } from "./define-plugin.js";
import { describeSettingType } from "./describe-setting-type.js";
import { readSettingMeta } from "./setting.js";
import { readSettingKind } from "./setting-kind.js";
import { settingFlag, settingVariable } from "./setting-variables.js";

/** The text `--help` prints: usage, then every setting with its variables, type and default. */
export function renderHelp(plugin: Plugin): string {
  const lines = [
    `spotkit-${plugin.name} ${plugin.version}`,
    plugin.description,
    "",
    `Usage: spotkit-${plugin.name} [--setting value ...]`,
    "",
    "Settings come from the step's `settings:` as PLUGIN_<NAME> variables (Drone and Woodpecker",
    "spellings); a flag overrides its variable. Lists are comma-separated or JSON, maps are JSON.",
    "",
    "Settings:",
  ];
  for (const [name, schema] of Object.entries(plugin.allSettings)) {
    const meta = readSettingMeta(name, schema);
    const kind = readSettingKind(schema);
    const variables = [settingVariable(name), ...(meta.aliases ?? [])].join(", ");
    const facts = [describeSettingType(kind)];
    const defaultValue = kind.jsonSchema.default;
    if (defaultValue !== undefined) facts.push(`default ${JSON.stringify(defaultValue)}`);
    if (meta.secret) facts.push("secret");
    if (meta.deprecated) facts.push(`deprecated: ${meta.deprecated}`);
    lines.push(`  ${settingFlag(name)}  (${variables})  ${facts.join(", ")}`);
    lines.push(`      ${meta.description}`);
  }
  lines.push(
    "",
    "Options:",
    "  --help            Print this help and exit.",
    "  --version         Print the version and exit.",
    "  --print-settings  Print the decoded settings as JSON (secrets as ******) and exit.",
    "",
  );
  return lines.join("\n");
}
