import type Handlebars from "handlebars";
import { formatGoDuration } from "./go-duration.js";
import { goRegexReplace } from "./go-regex-replace.js";
import { formatGoTime, isKnownTimeZone } from "./go-time-format.js";

/** A Handlebars environment, as returned by `Handlebars.create()`. */
export type HandlebarsEnvironment = typeof Handlebars;

/** What the helpers depend on besides their arguments. */
export interface TemplateHelperOptions {
  /**
   * The clock `since` measures against. Meant for tests.
   * @default () => new Date()
   */
  now?: () => Date;
}

/**
 * Registers drone-template-lib's helpers (the ones drone-slack templates use) on a Handlebars
 * environment, with Go's semantics:
 *
 * - `{{duration build.started build.finished}}`: the time between two Unix timestamps, formatted as
 *   Go's `time.Duration` (`1m30s`);
 * - `{{since build.started}}`: the time from a Unix timestamp until now, same format;
 * - `{{datetime build.created "2006-01-02 15:04" "Europe/Berlin"}}`: a Unix timestamp in a Go
 *   layout and zone (empty or unknown zone: the local zone);
 * - `{{#success build.status}}…{{else}}…{{/success}}`: the block when the status is `success`;
 * - `{{#failure build.status}}…{{/failure}}`: the block when it is `failure`, `error` or `killed`;
 * - `{{truncate build.commit 8}}`: the first n characters, or with a negative n everything but the
 *   first n;
 * - `{{#urlencode}}…{{/urlencode}}`: the block, query-escaped like Go's `url.QueryEscape`;
 * - `{{uppercasefirst s}}`, `{{uppercase s}}`, `{{lowercase s}}`;
 * - `{{regexReplace pattern input replacement}}`: Go's `ReplaceAllString`;
 * - `{{#equal a b}}…{{/equal}}`: raymond's built-in, comparing both values as text.
 */
export function registerTemplateHelpers(
  environment: HandlebarsEnvironment,
  options: TemplateHelperOptions = {},
): void {
  const now = options.now ?? (() => new Date());

  environment.registerHelper("duration", (...args: unknown[]) => {
    const [started, finished] = helperParameters(args);
    const from = toUnixSeconds(started, "duration", "first");
    const to = toUnixSeconds(finished, "duration", "second");
    return formatGoDuration(to - from);
  });

  environment.registerHelper("since", (...args: unknown[]) => {
    const [started] = helperParameters(args);
    const from = toUnixSeconds(started, "since", "first");
    // Go truncates "now" to whole seconds before subtracting.
    return formatGoDuration(Math.floor(now().getTime() / 1000) - from);
  });

  environment.registerHelper("datetime", (...args: unknown[]) => {
    const [timestamp, layout, zone] = helperParameters(args);
    const seconds = toUnixSeconds(timestamp, "datetime", "first");
    const zoneName = toText(zone);
    return formatGoTime(seconds, toText(layout), resolveTimeZone(zoneName));
  });

  environment.registerHelper("success", function (this: unknown, ...args: unknown[]) {
    const [status] = helperParameters(args);
    return renderBlock(this, helperOptions(args), toText(status) === "success");
  });

  environment.registerHelper("failure", function (this: unknown, ...args: unknown[]) {
    const [status] = helperParameters(args);
    return renderBlock(this, helperOptions(args), failureStatuses.has(toText(status)));
  });

  environment.registerHelper("equal", function (this: unknown, ...args: unknown[]) {
    const [left, right] = helperParameters(args);
    return renderBlock(this, helperOptions(args), toText(left) === toText(right));
  });

  environment.registerHelper("truncate", (...args: unknown[]) => {
    const [text, length] = helperParameters(args);
    return truncate(toText(text), toInteger(length, "truncate", "second"));
  });

  environment.registerHelper("urlencode", function (this: unknown, ...args: unknown[]) {
    const options = helperOptions(args);
    const [value] = helperParameters(args);
    // Go's helper is a block helper; accepting an argument too costs nothing and avoids a
    // confusing error for `{{urlencode build.link}}`.
    const text = options.fn ? options.fn(this) : toText(value);
    return queryEscape(text);
  });

  environment.registerHelper("uppercasefirst", (...args: unknown[]) => {
    const [text] = helperParameters(args);
    const [first, ...rest] = Array.from(toText(text));
    return first === undefined ? "" : upperCaseRune(first) + rest.join("");
  });

  environment.registerHelper("uppercase", (...args: unknown[]) => {
    const [text] = helperParameters(args);
    return Array.from(toText(text), upperCaseRune).join("");
  });

  environment.registerHelper("lowercase", (...args: unknown[]) => {
    const [text] = helperParameters(args);
    return Array.from(toText(text), lowerCaseRune).join("");
  });

  environment.registerHelper("regexReplace", (...args: unknown[]) => {
    const [pattern, input, replacement] = helperParameters(args);
    try {
      return goRegexReplace(toText(pattern), toText(input), toText(replacement));
    } catch (error) {
      throw new Error(
        `regexReplace: invalid pattern ${JSON.stringify(toText(pattern))}: ${(error as Error).message}`,
      );
    }
  });
}

const failureStatuses = new Set(["failure", "error", "killed"]);

/** The options object Handlebars passes last to every helper. */
interface BlockOptions {
  fn?: (context: unknown) => string;
  inverse?: (context: unknown) => string;
}

function helperParameters(args: unknown[]): unknown[] {
  return args.slice(0, -1);
}

function helperOptions(args: unknown[]): BlockOptions {
  return (args.at(-1) ?? {}) as BlockOptions;
}

function renderBlock(context: unknown, options: BlockOptions, condition: boolean): string {
  const branch = condition ? options.fn : options.inverse;
  return branch ? branch(context) : "";
}

/** Text of a template value as raymond prints it: nothing for null and undefined. */
function toText(value: unknown): string {
  return value === undefined || value === null ? "" : String(value);
}

function ordinalError(helper: string, position: string, expected: string, value: unknown): Error {
  return new Error(
    `${helper} expects ${expected} as its ${position} argument, got ${JSON.stringify(toText(value))}`,
  );
}

function toUnixSeconds(value: unknown, helper: string, position: string): number {
  if (value instanceof Date) return Math.floor(value.getTime() / 1000);
  const number = typeof value === "number" ? value : Number(toText(value).trim());
  if (toText(value).trim() === "" || !Number.isFinite(number)) {
    throw ordinalError(helper, position, "a Unix timestamp in seconds", value);
  }
  return Math.trunc(number);
}

function toInteger(value: unknown, helper: string, position: string): number {
  const number = typeof value === "number" ? value : Number(toText(value).trim());
  if (!Number.isInteger(number)) throw ordinalError(helper, position, "a whole number", value);
  return number;
}

function truncate(text: string, length: number): string {
  const runes = Array.from(text);
  if (runes.length <= Math.abs(length)) return text;
  // Go's helper keeps the first n runes, or with a negative n drops the first |n| runes.
  return length < 0 ? runes.slice(-length).join("") : runes.slice(0, length).join("");
}

function resolveTimeZone(zone: string): string | undefined {
  // Go: an empty zone formats in Local; so does a zone it cannot load. "Local" is Local too.
  if (zone === "" || zone === "Local" || !isKnownTimeZone(zone)) return undefined;
  return zone;
}

// Go maps each rune on its own (unicode.ToUpper); JavaScript may expand one character into
// several ("ß" → "SS"). Keep the character when its mapping is not a single one.
function upperCaseRune(rune: string): string {
  const upper = rune.toUpperCase();
  return Array.from(upper).length === 1 ? upper : rune;
}

function lowerCaseRune(rune: string): string {
  const lower = rune.toLowerCase();
  return Array.from(lower).length === 1 ? lower : rune;
}

/** Go's `url.QueryEscape`: only letters, digits and `-_.~` stay; a space becomes `+`. */
export function queryEscape(text: string): string {
  // encodeURIComponent throws on a lone surrogate; Go would encode U+FFFD in its place.
  const wellFormed = text.replace(
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
    "\uFFFD",
  );
  return encodeURIComponent(wellFormed)
    .replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, "+");
}
