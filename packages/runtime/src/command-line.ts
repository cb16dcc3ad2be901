import minimist from "minimist";
import type { FlagValue } from "./read-settings.js";
import type { SettingKind } from "./setting-kind.js";
import { UsageError } from "./settings-error.js";

/** What the command line asks for besides settings. */
export type CommandLineAction = "run" | "help" | "version" | "print-settings";

/** A parsed command line. */
export interface CommandLine {
  action: CommandLineAction;
  /** Setting name → value(s) given as flags. */
  flags: Map<string, FlagValue>;
}

const actionFlags: Record<string, CommandLineAction> = {
  help: "help",
  h: "help",
  version: "version",
  "print-settings": "print-settings",
  print_settings: "print-settings",
};

/**
 * Parses flags such as `--channel '#ci' --dry-run --tags a,b` into setting values, which then
 * override the environment. Each setting answers to `--dash-name` and `--snake_name`; boolean
 * settings take `--name`, `--name=false` and `--no-name`. Unknown flags and stray arguments are a
 * {@link UsageError}, so a typo never silently falls back to a default.
 */
export function parseCommandLine(
  argv: readonly string[],
  kinds: ReadonlyMap<string, SettingKind>,
): CommandLine {
  const booleans: string[] = Object.keys(actionFlags);
  const strings: string[] = [];
  const settingByFlag = new Map<string, string>();
  for (const [name, kind] of kinds) {
    const spellings = [name, name.replace(/_/g, "-")];
    for (const spelling of spellings) settingByFlag.set(spelling, name);
    // Only a setting that is nothing but a boolean is a switch; `--x=false` works for both.
    if (kind.types.size === 1 && kind.types.has("boolean")) booleans.push(...spellings);
    else strings.push(...spellings);
  }

  const unknown: string[] = [];
  const parsed = minimist([...argv], {
    boolean: booleans,
    string: strings,
    // Returning true keeps stray arguments in `_`, where they are reported below.
    unknown: (argument) => {
      if (argument.startsWith("-")) unknown.push(argument.split("=")[0] ?? argument);
      return true;
    },
  });
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown option ${unknown.join(", ")}; run with --help to list the settings`,
    );
  }
  if (parsed._.length > 0) {
    throw new UsageError(
      `unexpected argument "${parsed._[0]}": settings are given as --name value; run with --help`,
    );
  }

  let action: CommandLineAction = "run";
  for (const [flag, flagAction] of Object.entries(actionFlags)) {
    if (parsed[flag] === true) action = flagAction;
  }

  const flags = new Map<string, FlagValue>();
  for (const [flag, name] of settingByFlag) {
    if (!argv.some((argument) => mentionsFlag(argument, flag))) continue;
    const value: unknown = parsed[flag];
    if (typeof value === "boolean") flags.set(name, value);
    else if (typeof value === "string") flags.set(name, [...asTexts(flags.get(name)), value]);
    else if (Array.isArray(value)) {
      flags.set(name, [...asTexts(flags.get(name)), ...value.map((item) => String(item))]);
    }
  }
  return { action, flags };
}

function mentionsFlag(argument: string, flag: string): boolean {
  const name = argument.replace(/^--?(no-)?/, "").split("=")[0];
  return argument.startsWith("-") && name === flag;
}

function asTexts(value: FlagValue | undefined): string[] {
  return Array.isArray(value) ? value : [];
}
