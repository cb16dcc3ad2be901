import { z } from "zod";
import { decodeSettingValue, describeExpected } from "./decode-setting-value.js";
import { readSettingMeta, type SettingsShape } from "./setting.js";
import { readSettingKind, type SettingKind } from "./setting-kind.js";
import { findSettingVariables, settingFlag, settingVariable } from "./setting-variables.js";
import type { SettingIssue } from "./settings-error.js";

/** A value given on the command line: the text(s) after `--name`, or a boolean switch. */
export type FlagValue = string[] | boolean;

/** What {@link readSettings} found. */
export interface SettingsReading {
  /** The validated, typed values (defaults applied); meaningful only when `issues` is empty. */
  values: Record<string, unknown>;
  /** For each setting that was given: the flag or variable it came from. */
  sources: Record<string, string>;
  /** Every invalid or missing setting. */
  issues: SettingIssue[];
  /** The raw texts given for secret settings, to be masked even when they did not validate. */
  secretTexts: string[];
  /** Human notes for the log (a spelling conflict, a deprecated setting). */
  warnings: string[];
}

/** The inputs of {@link readSettings}. */
export interface ReadSettingsInput {
  shape: SettingsShape;
  env: Readonly<Record<string, string | undefined>>;
  flags: ReadonlyMap<string, FlagValue>;
}

/**
 * Reads every declared setting from command-line flags, then `PLUGIN_*` variables (any spelling),
 * then the setting's aliases, decodes it by its declared type, and validates all of them with the
 * declared schemas. Pure: it neither logs nor throws for bad input.
 */
export function readSettings({ shape, env, flags }: ReadSettingsInput): SettingsReading {
  const raw: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  const issues: SettingIssue[] = [];
  const secretTexts: string[] = [];
  const warnings: string[] = [];

  for (const [name, schema] of Object.entries(shape)) {
    const meta = readSettingMeta(name, schema);
    const kind = readSettingKind(schema);
    const found = findValue(name, meta.aliases ?? [], env, flags, warnings);
    if (!found) continue;
    const texts = typeof found.value === "boolean" ? [] : found.value;
    // Drone sets a secret that does not exist to "": that is a missing setting, not a value.
    if (meta.secret && texts.every((text) => text === "")) continue;
    if (meta.secret) secretTexts.push(...texts);
    const decoded = decodeFound(found.value, kind);
    if (!decoded.ok) {
      const shown = meta.secret ? "the value given" : `"${truncate(texts.join(","))}"`;
      issues.push({
        setting: name,
        source: found.source,
        message: `expected ${decoded.expected}, got ${shown}`,
      });
      continue;
    }
    if (decoded.value === undefined) continue;
    raw[name] = decoded.value;
    sources[name] = found.source;
    if (meta.deprecated)
      warnings.push(`${found.source}: "${name}" is deprecated: ${meta.deprecated}`);
  }

  const parsed = z.object(shape).safeParse(raw);
  if (parsed.success) return { values: parsed.data, sources, issues, secretTexts, warnings };
  for (const issue of parsed.error.issues) {
    const name = String(issue.path[0] ?? "");
    if (issues.some((existing) => existing.setting === name)) continue;
    const schema = shape[name];
    const missing = raw[name] === undefined;
    issues.push({
      setting: name,
      source: sources[name] ?? settingVariable(name),
      message:
        missing && schema
          ? describeMissing(name, readSettingMeta(name, schema).aliases ?? [])
          : describeZodIssue(issue),
    });
  }
  return { values: {}, sources, issues, secretTexts, warnings };
}

interface FoundValue {
  value: FlagValue;
  source: string;
}

function findValue(
  name: string,
  aliases: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  flags: ReadonlyMap<string, FlagValue>,
  warnings: string[],
): FoundValue | undefined {
  const flag = flags.get(name);
  if (flag !== undefined) return { value: flag, source: settingFlag(name) };

  const variables = findSettingVariables(name, env);
  const [first, ...others] = variables;
  if (first !== undefined) {
    const text = env[first] ?? "";
    const conflicting = others.filter((variable) => env[variable] !== text);
    if (conflicting.length > 0) {
      warnings.push(`${first} and ${conflicting.join(", ")} both set "${name}"; using ${first}`);
    }
    return { value: [text], source: first };
  }
  for (const alias of aliases) {
    const text = env[alias];
    if (text !== undefined && text !== "") return { value: [text], source: alias };
  }
  return undefined;
}

function decodeFound(value: FlagValue, kind: SettingKind) {
  if (typeof value === "boolean") {
    return kind.types.has("boolean") || kind.types.size === 0
      ? { ok: true as const, value }
      : { ok: false as const, expected: `${describeExpected(kind)} after the flag` };
  }
  // A flag repeated for a list setting adds items: `--tags a --tags b,c` is [a, b, c].
  if (value.length > 1 && kind.types.has("array")) {
    const items: unknown[] = [];
    for (const text of value) {
      const decoded = decodeSettingValue(text, kind);
      if (!decoded.ok) return decoded;
      if (Array.isArray(decoded.value)) items.push(...decoded.value);
    }
    return { ok: true as const, value: items };
  }
  return decodeSettingValue(value.at(-1) ?? "", kind);
}

function describeMissing(name: string, aliases: readonly string[]): string {
  const variables = [settingVariable(name), ...aliases].join(" or ");
  return `required: set "${name}" in the step's settings (${variables}) or pass ${settingFlag(name)}`;
}

function describeZodIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length > 1 ? ` at ${issue.path.slice(1).join(".")}` : "";
  return `${issue.message}${where}`;
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
