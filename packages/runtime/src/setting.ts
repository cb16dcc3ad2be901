import { z } from "zod";

/** What a setting says about itself besides its type: everything `--help`, docs and decoding need. */
export interface SettingMeta {
  /** One sentence for `--help`, the README table and the JSON Schema. */
  description: string;
  /**
   * Variables read when neither `PLUGIN_<NAME>` nor a command-line flag gives a value, in order,
   * for compatibility with the Go plugins (`SLACK_WEBHOOK`, `DOCKER_PASSWORD`, `PLUGIN_TAG`…).
   */
  aliases?: readonly string[];
  /** A credential: masked in every output and shown as `******` by `--print-settings`. */
  secret?: boolean;
  /** A value as a user would write it in YAML, for docs. */
  example?: unknown;
  /** Why the setting is deprecated and what to use instead; shown in docs and as a warning when set. */
  deprecated?: string;
}

const registryKey = Symbol.for("spotkit.settingRegistry");
const globalScope = globalThis as { [registryKey]?: z.core.$ZodRegistry<SettingMeta> };

/**
 * The registry that carries {@link SettingMeta} for each declared setting schema. It lives on
 * `globalThis`, so that a plugin bundled with its own copy of the runtime and a tool using another
 * copy (the docs generator) see the same declarations.
 */
export const settingRegistry: z.core.$ZodRegistry<SettingMeta> =
  globalScope[registryKey] ?? z.registry<SettingMeta>();
globalScope[registryKey] = settingRegistry;

/**
 * Declares one setting: a zod schema (its type, default and constraints) plus its metadata.
 * Returns the schema itself, so the plugin's settings type is inferred from it.
 *
 * @example
 * const settings = {
 *   webhook: setting(z.url().optional(), {
 *     description: "Slack incoming webhook URL",
 *     secret: true,
 *     aliases: ["SLACK_WEBHOOK"],
 *   }),
 *   link_names: setting(z.boolean().default(false), { description: "Link @names and #channels" }),
 * };
 */
export function setting<Schema extends z.ZodType>(schema: Schema, meta: SettingMeta): Schema {
  settingRegistry.add(schema, meta);
  return schema;
}

/** The settings a plugin declares: YAML setting name (snake_case) → schema made by {@link setting}. */
export type SettingsShape = Record<string, z.ZodType>;

/** The typed settings a plugin's `run` receives for a {@link SettingsShape}. */
export type SettingsOf<Shape extends SettingsShape> = z.output<z.ZodObject<Shape>>;

/** The metadata declared for a setting schema; throws when it was not declared through {@link setting}. */
export function readSettingMeta(name: string, schema: z.ZodType): SettingMeta {
  const meta = settingRegistry.get(schema);
  if (!meta) {
    throw new TypeError(
      `Setting "${name}" has no description: declare it with setting(schema, { description })`,
    );
  }
  return meta;
}
