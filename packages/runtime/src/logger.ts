import { createProgress, type Progress, type ProgressOptions } from "./progress.js";

/** How much a logger prints, from everything (`trace`) to failures only (`error`). */
export type LogLevel = "trace" | "debug" | "info" | "warn" | "error";

/** Every {@link LogLevel}, from the most verbose to the least. */
export const logLevels: readonly LogLevel[] = ["trace", "debug", "info", "warn", "error"];

const levelRank: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

/** The spellings {@link parseLogLevel} accepts: ours plus logrus's, which Drone plugins use. */
const levelNames = new Map<string, LogLevel>([
  ["trace", "trace"],
  ["debug", "debug"],
  ["info", "info"],
  ["warn", "warn"],
  ["warning", "warn"],
  ["error", "error"],
  // A plugin never exits from a log call, so logrus's fatal and panic mean "errors only" here.
  ["fatal", "error"],
  ["panic", "error"],
]);

/**
 * Reads a log level as written in a setting such as `PLUGIN_LOG_LEVEL`: case-insensitive, with
 * logrus's names (`warning`, `fatal`, `panic`) accepted too. Returns `undefined` for anything else,
 * so the caller can report the setting that holds it.
 */
export function parseLogLevel(text: string): LogLevel | undefined {
  return levelNames.get(String(text).trim().toLowerCase());
}

/** Writes log lines. Logging never throws, whatever the fields hold. */
export interface Logger {
  /** Logs the finest detail: each request, each retry decision. */
  trace(message: string, fields?: Record<string, unknown>): void;
  /** Logs what helps to debug a failure: commands run, settings resolved. */
  debug(message: string, fields?: Record<string, unknown>): void;
  /** Logs what the plugin is doing. */
  info(message: string, fields?: Record<string, unknown>): void;
  /** Logs something that went wrong without failing the work. */
  warn(message: string, fields?: Record<string, unknown>): void;
  /** Logs a failure. */
  error(message: string, fields?: Record<string, unknown>): void;
  /** True when messages of `level` are printed; use it to skip building costly fields. */
  isEnabled(level: LogLevel): boolean;
  /** Runs `work` inside a named group, and ends the group however `work` ends. */
  group<T>(name: string, work: () => Promise<T>): Promise<T>;
  /** Starts a named group of lines: a heading, a collapsible section on GitHub Actions. */
  startGroup(name: string): void;
  /** Ends the innermost group; does nothing when no group is open. */
  endGroup(): void;
  /** Starts a progress report written through this logger; silent when `info` is not enabled. */
  progress(options: ProgressOptions): Progress;
  /** The least severe level printed. */
  readonly level: LogLevel;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** The least severe level printed. */
  level: LogLevel;
  /** `text` for people (`message key=value`), `json` for programs (one object per line). */
  format: "text" | "json";
  /**
   * Receives every line, ending in `\n`. Wrap it with a secret masker: the logger does not mask.
   */
  write: (text: string) => void;
  /** Colours level prefixes and headings with ANSI codes (text format only). */
  color: boolean;
  /**
   * Writes groups as GitHub Actions `::group::` commands, which the log viewer folds.
   * @default false
   */
  githubActions?: boolean;
  /**
   * True when `write` reaches a terminal: progress is then a bar redrawn in place.
   * @default false
   */
  isTTY?: boolean;
  /**
   * The clock of timestamps and progress rates.
   * @default () => new Date()
   */
  now?: () => Date;
  /**
   * Milliseconds between two progress lines when not on a terminal.
   * @default 10000
   */
  progressInterval?: number;
}

const textPrefixes: Record<LogLevel, string> = {
  trace: "trace:",
  debug: "debug:",
  info: "",
  warn: "warning:",
  error: "error:",
};

/** ANSI open and close codes. */
const styles = {
  bold: ["\u001b[1m", "\u001b[22m"],
  gray: ["\u001b[90m", "\u001b[39m"],
  red: ["\u001b[31m", "\u001b[39m"],
  yellow: ["\u001b[33m", "\u001b[39m"],
} as const;

const prefixStyles: Record<LogLevel, keyof typeof styles | undefined> = {
  trace: "gray",
  debug: "gray",
  info: undefined,
  warn: "yellow",
  error: "red",
};

/** Field names the JSON format uses itself; a field with one of these names is renamed. */
const reservedJsonKeys = new Set(["time", "level", "msg", "group"]);

/** Deeper structures are cut off: a log line is not a dump, and depth costs time. */
const maximumDepth = 8;

const silentProgress: Progress = {
  advance() {},
  update() {},
  done() {},
};

/**
 * Creates a logger that writes text lines (`warning: cache miss key=linux-node`) or JSON lines
 * (`{"time":…,"level":"warn","msg":"cache miss","key":"linux-node"}`) through `options.write`.
 *
 * Field values print as logfmt: strings are quoted when they hold spaces, `=` or quotes; errors
 * print their message; objects print as JSON, with `[Circular]` for a cycle. Logging never
 * throws: a line that cannot be formatted is written as its bare message.
 */
export function createLogger(options: LoggerOptions): Logger {
  const { level, format, color } = options;
  const now = options.now ?? (() => new Date());
  const githubActions = options.githubActions ?? false;
  const openGroups: string[] = [];
  // A progress bar on a terminal leaves its line open; a log line written then must start on a
  // new line, or it would be glued to the bar.
  let lineOpen = false;

  const isEnabled = (candidate: LogLevel): boolean => levelRank[candidate] >= levelRank[level];

  const paint = (text: string, style: keyof typeof styles): string =>
    color ? `${styles[style][0]}${text}${styles[style][1]}` : text;

  const emit = (line: string): void => {
    const text = lineOpen ? `\n${line}` : line;
    lineOpen = false;
    try {
      options.write(text);
    } catch {
      // Logging is a side channel; a failing writer (a closed pipe) must not fail the work.
    }
  };

  const timestamp = (): string => {
    try {
      return now().toISOString();
    } catch {
      return new Date().toISOString();
    }
  };

  const log = (entryLevel: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    if (!isEnabled(entryLevel)) return;
    let line: string;
    try {
      line =
        format === "json"
          ? formatJsonLine({ time: timestamp(), level: entryLevel, msg: message }, fields)
          : formatTextLine(entryLevel, message, fields, paint);
    } catch {
      line = `${safeString(message)}\n`;
    }
    emit(line);
  };

  const writeGroupLine = (name: string, edge: "start" | "end"): void => {
    if (!isEnabled("info")) return;
    try {
      if (format === "json") {
        emit(formatJsonLine({ time: timestamp(), level: "info", msg: name, group: edge }));
      } else if (githubActions) {
        emit(edge === "start" ? `::group::${escapeCommandData(name)}\n` : "::endgroup::\n");
      } else if (edge === "start") {
        emit(`${paint(`▸ ${name}`, "bold")}\n`);
      }
    } catch {
      emit(`${safeString(name)}\n`);
    }
  };

  const logger: Logger = {
    level,
    trace: (message, fields) => log("trace", message, fields),
    debug: (message, fields) => log("debug", message, fields),
    info: (message, fields) => log("info", message, fields),
    warn: (message, fields) => log("warn", message, fields),
    error: (message, fields) => log("error", message, fields),
    isEnabled,
    startGroup(name) {
      const groupName = safeString(name);
      openGroups.push(groupName);
      writeGroupLine(groupName, "start");
    },
    endGroup() {
      const groupName = openGroups.pop();
      if (groupName !== undefined) writeGroupLine(groupName, "end");
    },
    async group(name, work) {
      logger.startGroup(name);
      try {
        return await work();
      } finally {
        logger.endGroup();
      }
    },
    progress(progressOptions) {
      if (!isEnabled("info")) return silentProgress;
      try {
        return createProgress({
          ...progressOptions,
          format,
          isTTY: options.isTTY ?? false,
          interval: options.progressInterval ?? 10_000,
          now: () => now().getTime(),
          write(text) {
            // Only a redrawn bar leaves a line open; plain and JSON lines end in a newline.
            const endsLine = text.endsWith("\n");
            try {
              options.write(text);
            } catch {
              // As in `emit`: progress output must not fail the work.
            }
            lineOpen = !endsLine;
          },
        });
      } catch {
        return silentProgress;
      }
    },
  };
  return logger;
}

function formatTextLine(
  level: LogLevel,
  message: string,
  fields: Record<string, unknown> | undefined,
  paint: (text: string, style: keyof typeof styles) => string,
): string {
  const parts: string[] = [];
  const prefixStyle = prefixStyles[level];
  if (prefixStyle !== undefined) parts.push(paint(textPrefixes[level], prefixStyle));
  parts.push(safeString(message));
  for (const [key, value] of entriesOf(fields)) {
    if (value === undefined) continue;
    parts.push(`${paint(`${formatTextKey(key)}=`, "gray")}${formatTextValue(value)}`);
  }
  return `${parts.join(" ")}\n`;
}

function formatJsonLine(header: Record<string, string>, fields?: Record<string, unknown>): string {
  const record: Record<string, unknown> = { ...header };
  for (const [key, value] of entriesOf(fields)) {
    // Like logrus, keep a clashing field rather than drop it or let it overwrite the header.
    const name = reservedJsonKeys.has(key) ? `fields.${key}` : key;
    const serializable = toSerializable(value, [], 0);
    if (serializable !== undefined) record[name] = serializable;
  }
  return `${JSON.stringify(record)}\n`;
}

/** The fields' entries; getters that throw become a placeholder instead of losing the line. */
function entriesOf(fields: Record<string, unknown> | undefined): Array<[string, unknown]> {
  if (fields === null || typeof fields !== "object") return [];
  return Object.keys(fields).map((key) => [key, readProperty(fields, key)]);
}

function readProperty(target: object, key: string): unknown {
  try {
    return (target as Record<string, unknown>)[key];
  } catch {
    return "[Unreadable]";
  }
}

/** logfmt keys cannot hold spaces, `=` or quotes; replacing them keeps the line parseable. */
function formatTextKey(key: string): string {
  const cleaned = key.replace(/[\s="]/g, "_");
  return cleaned.length === 0 ? "_" : cleaned;
}

function formatTextValue(value: unknown): string {
  if (typeof value === "string") return quoteIfNeeded(value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  const serializable = toSerializable(value, [], 0);
  if (serializable === undefined) return "undefined";
  if (typeof serializable === "string") return quoteIfNeeded(serializable);
  return quoteIfNeeded(JSON.stringify(serializable));
}

/** Quotes like go-logfmt: when the value is empty or holds a space, control character, `=` or `"`. */
function quoteIfNeeded(value: string): string {
  if (value.length === 0) return '""';
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code <= 0x20 || code === 0x7f || code === 0x3d || code === 0x22 || code === 0xfffd) {
      return JSON.stringify(value);
    }
  }
  return value;
}

/**
 * Turns any value into one `JSON.stringify` accepts and renders usefully: errors become their
 * message, cycles `[Circular]`, bigints and symbols strings, Maps objects and Sets arrays.
 * `ancestors` holds only the objects on the current path, so a value shared by two fields is
 * printed twice rather than reported as circular.
 */
function toSerializable(value: unknown, ancestors: object[], depth: number): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "undefined":
      return value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "bigint":
    case "symbol":
      return value.toString();
    case "function":
      return `[Function ${value.name || "anonymous"}]`;
  }
  if (value === null) return null;
  if (value instanceof Error) return safeString(value.message);
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  const object = value as object;
  if (ancestors.includes(object)) return "[Circular]";
  if (depth >= maximumDepth) return Array.isArray(object) ? "[Array]" : "[Object]";
  ancestors.push(object);
  try {
    if (Array.isArray(object)) {
      return object.map((item) => toSerializable(item, ancestors, depth + 1) ?? null);
    }
    if (object instanceof Set) {
      return [...object].map((item) => toSerializable(item, ancestors, depth + 1) ?? null);
    }
    if (object instanceof Map) {
      const entries: Record<string, unknown> = {};
      for (const [key, item] of object) {
        entries[safeString(key)] = toSerializable(item, ancestors, depth + 1);
      }
      return entries;
    }
    const toJSON = readProperty(object, "toJSON");
    if (typeof toJSON === "function") {
      return toSerializable(toJSON.call(object), ancestors, depth + 1);
    }
    const entries: Record<string, unknown> = {};
    for (const key of Object.keys(object)) {
      entries[key] = toSerializable(readProperty(object, key), ancestors, depth + 1);
    }
    return entries;
  } catch {
    return "[Unserializable]";
  } finally {
    ancestors.pop();
  }
}

/** `String(value)`, except that it never throws (an object's `toString` may). */
function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return "[Unprintable]";
  }
}

/** Escapes a GitHub Actions command's data as @actions/core does, so a name cannot end the line. */
function escapeCommandData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}
