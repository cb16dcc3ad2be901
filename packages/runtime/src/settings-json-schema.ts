import type { Plugin } from "./define-plugin.js";
import { readSettingMeta } from "./setting.js";
import { type JsonSchema, readSettingKind } from "./setting-kind.js";
import { settingVariable } from "./setting-variables.js";

/**
 * The JSON Schema of a plugin's `settings:` block, for editors (YAML language servers) and docs.
 * Each property carries its description, default, example and, as `x-env`, the variables that set
 * it; secrets are marked `x-secret` and hinted to come `from_secret`.
 */
export function settingsJsonSchema(plugin: Plugin): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const [name, schema] of Object.entries(plugin.allSettings)) {
    const meta = readSettingMeta(name, schema);
    const { $schema: _dialect, ...property } = readSettingKind(schema).jsonSchema;
    property.description = meta.description;
    if (meta.example !== undefined) property.examples = [meta.example];
    if (meta.deprecated) property.deprecated = true;
    property["x-env"] = [settingVariable(name), ...(meta.aliases ?? [])];
    if (meta.secret) {
      property["x-secret"] = true;
      // Drone and Woodpecker accept `{ from_secret: name }` in place of any value.
      properties[name] = {
        description: meta.description,
        anyOf: [property, fromSecretSchema],
        "x-env": property["x-env"],
        "x-secret": true,
      };
    } else {
      properties[name] = property;
    }
    if (!schema.safeParse(undefined).success) required.push(name);
  }
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: `https://spotkit.dev/schemas/${plugin.name}.settings.json`,
    title: `spotkit-${plugin.name} settings`,
    description: plugin.description,
    type: "object",
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: false,
  };
}

const fromSecretSchema: JsonSchema = {
  type: "object",
  properties: { from_secret: { type: "string", description: "The name of a repository secret" } },
  required: ["from_secret"],
  additionalProperties: false,
};
