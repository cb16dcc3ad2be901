import { randomUUID } from "node:crypto";
import { appendFile, open, readFile, realpath, rename, rm, stat } from "node:fs/promises";
import { EOL } from "node:os";
import { basename, dirname, extname, join } from "node:path";
import { type DotenvStatement, parseGodotenv } from "./dotenv-parser.js";
import { formatDotenvEntry } from "./format-dotenv-entry.js";
import { SpotkitError } from "./spotkit-error.js";

/** Step outputs, for the steps that run after this one. */
export interface Outputs {
  /**
   * Sets the output `name` to `value` in `$DRONE_OUTPUT` and, when set, `$GITHUB_OUTPUT`. Setting a
   * name again replaces its value. Does nothing when neither variable is set.
   *
   * @param name letters, digits, `_` and `-` only.
   * @param value any text; trailing newlines are dropped for `$DRONE_OUTPUT`, as drone-plugin-lib
   * does, and a `.out` file cannot hold a multi-line value.
   * @throws SpotkitError `E_OUTPUT_INVALID` for a bad name or a value the file cannot hold (nothing
   * is written then); `E_OUTPUT_FILE_INVALID` when `$DRONE_OUTPUT` holds text godotenv cannot parse;
   * `E_OUTPUT_WRITE_FAILED` when a file cannot be read or written.
   */
  set(name: string, value: string): Promise<void>;
}

/** Options of {@link createOutputs}. */
export interface CreateOutputsOptions {
  /** The environment to read `DRONE_OUTPUT` and `GITHUB_OUTPUT` from (normally `process.env`). */
  env: Record<string, string | undefined>;
}

/**
 * Creates the writer of step outputs.
 *
 * `$DRONE_OUTPUT` is updated as drone-plugins/drone-plugin-lib (`harness/variables.go`) does: a
 * `.out` file holds `KEY value` lines; any other file (`.env`, or whatever a runner chose) holds
 * dotenv statements that godotenv reads (see {@link formatDotenvEntry}). An existing name is
 * replaced where it stands, other lines are kept as they are, and the file is created when
 * missing. The new content is written to a temporary file beside it and renamed over it, so a
 * reader never sees half a file. Calls on one `Outputs` run one after the other; separate
 * processes writing the same file at the same moment are not coordinated.
 *
 * `$GITHUB_OUTPUT` gets the heredoc form of actions/toolkit's `setOutput`, appended.
 */
export function createOutputs(options: CreateOutputsOptions): Outputs {
  const droneOutput = present(options.env.DRONE_OUTPUT);
  const githubOutput = present(options.env.GITHUB_OUTPUT);
  let queue: Promise<unknown> = Promise.resolve();

  async function write(name: string, value: string): Promise<void> {
    validateName(name);
    if (typeof value !== "string") {
      throw new SpotkitError(
        "E_OUTPUT_INVALID",
        `The value of output "${name}" is a ${typeof value}, not a string. Convert it first, for example with String() or JSON.stringify().`,
      );
    }
    // Everything that can be refused is checked before the first file changes.
    const droneUpdate =
      droneOutput === undefined ? undefined : prepareDroneUpdate(droneOutput, name, value);
    const githubEntry = githubOutput === undefined ? undefined : formatGithubEntry(name, value);
    if (droneOutput !== undefined && droneUpdate !== undefined) {
      await replaceFileContent(droneOutput, droneUpdate);
    }
    if (githubOutput !== undefined && githubEntry !== undefined) {
      await appendFile(githubOutput, githubEntry, { encoding: "utf8" }).catch((error: unknown) => {
        throw writeFailed(githubOutput, "GITHUB_OUTPUT", error);
      });
    }
  }

  return {
    set(name, value) {
      const run = queue.then(() => write(name, value));
      // A failed call must not stop the calls queued after it.
      queue = run.catch(() => undefined);
      return run;
    },
  };
}

const namePattern = /^[A-Za-z0-9_-]+$/;

function validateName(name: string): void {
  if (typeof name !== "string" || !namePattern.test(name)) {
    throw new SpotkitError(
      "E_OUTPUT_INVALID",
      `Output name ${JSON.stringify(name)} is invalid: use only letters, digits, "_" and "-" (for example "image_digest").`,
    );
  }
}

/** Returns the function that turns the current file content into the new one. */
function prepareDroneUpdate(
  path: string,
  name: string,
  rawValue: string,
): (text: string) => string {
  // drone-plugin-lib trims trailing newlines (a command's output usually ends with one).
  const value = rawValue.replace(/\n+$/, "");
  if (extname(path).toLowerCase() === ".out") {
    if (/[\r\n]/.test(value)) {
      throw new SpotkitError(
        "E_OUTPUT_INVALID",
        `Output "${name}" has a multi-line value, which the .out file DRONE_OUTPUT=${path} cannot hold (one "KEY value" per line). Write it on one line, for example base64-encoded.`,
      );
    }
    return (text) => upsertOutLine(text, name, `${name} ${value}`);
  }
  const entry = formatDotenvEntry(name, value);
  if (entry === undefined) {
    throw new SpotkitError(
      "E_OUTPUT_INVALID",
      `Output "${name}" cannot be written to the .env file DRONE_OUTPUT=${path} so that godotenv reads it back: its value ends with a backslash or a double quote and also holds a line break, a single quote or surrounding spaces, which no godotenv quoting can hold. Encode the value, for example with base64.`,
    );
  }
  return (text) => {
    let parsed: ReturnType<typeof parseGodotenv>;
    try {
      parsed = parseGodotenv(text, "v3");
    } catch (error) {
      throw new SpotkitError(
        "E_OUTPUT_FILE_INVALID",
        `The output file DRONE_OUTPUT=${path} is not a .env file godotenv can read (${error instanceof Error ? error.message : String(error)}), so output "${name}" cannot be added. Check what the earlier steps wrote to it.`,
        { cause: error },
      );
    }
    return upsertDotenvStatement(parsed.text, parsed.statements, name, entry);
  };
}

/** Puts `entry` where the first statement of `name` stands, removes the others, or appends it. */
function upsertDotenvStatement(
  text: string,
  statements: DotenvStatement[],
  name: string,
  entry: string,
): string {
  const matches = statements.filter((statement) => statement.key === name);
  const [first, ...others] = matches;
  if (first === undefined) {
    const separator = text === "" || text.endsWith("\n") ? "" : "\n";
    return `${text}${separator}${entry}\n`;
  }
  // Later statements first, so that the offsets of the earlier ones stay valid.
  let result = text;
  for (const statement of others.reverse()) result = removeStatement(result, statement);
  const before = result.slice(0, first.start);
  const after = result.slice(first.end);
  // The entry gets a line of its own, whatever shared the old statement's line.
  const prefix = /(^|\n)[ \t]*$/.test(before) ? "" : "\n";
  const suffix = after === "" || after.startsWith("\n") ? "" : "\n";
  return `${before}${prefix}${entry}${suffix}${after}`;
}

function removeStatement(text: string, statement: DotenvStatement): string {
  const lineStart = text.lastIndexOf("\n", statement.start - 1) + 1;
  const newline = text.indexOf("\n", statement.end);
  const lineEnd = newline === -1 ? text.length : newline;
  const alone =
    text.slice(lineStart, statement.start).trim() === "" &&
    text.slice(statement.end, lineEnd).trim() === "";
  // A statement alone on its line(s) takes the line with it; otherwise only the statement goes.
  if (alone) return text.slice(0, lineStart) + text.slice(newline === -1 ? lineEnd : newline + 1);
  return text.slice(0, statement.start) + text.slice(statement.end);
}

/** `KEY value` lines: the key is the first whitespace-separated field, as drone-plugin-lib reads it. */
function upsertOutLine(text: string, name: string, entry: string): string {
  const lines = text === "" ? [] : text.replace(/\n$/, "").split("\n");
  const result: string[] = [];
  let found = false;
  for (const line of lines) {
    const key = line.trim().split(/\s+/)[0];
    if (key !== name) {
      result.push(line);
    } else if (!found) {
      result.push(entry);
      found = true;
    }
  }
  if (!found) result.push(entry);
  return `${result.join("\n")}\n`;
}

/** actions/toolkit's prepareKeyValueMessage plus issueFileCommand's trailing EOL. */
function formatGithubEntry(name: string, value: string): string {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  // As in toolkit: practically impossible, but a value holding the delimiter could forge outputs.
  if (value.includes(delimiter)) {
    throw new SpotkitError(
      "E_OUTPUT_INVALID",
      `The value of output "${name}" contains the delimiter "${delimiter}"; it cannot be written to GITHUB_OUTPUT.`,
    );
  }
  return `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`;
}

/** Read, change, write to a temporary file in the same folder, rename over the original. */
async function replaceFileContent(path: string, update: (text: string) => string): Promise<void> {
  // Through a symbolic link the real file is replaced, not the link.
  const target = await realpath(path).catch((error: unknown) => {
    if (isNotFound(error)) return path;
    throw writeFailed(path, "DRONE_OUTPUT", error);
  });
  let text = "";
  let mode: number | undefined;
  try {
    text = await readFile(target, "utf8");
    mode = (await stat(target)).mode & 0o7777;
  } catch (error) {
    if (!isNotFound(error)) throw writeFailed(path, "DRONE_OUTPUT", error);
  }
  const next = update(text);
  const temporary = join(dirname(target), `.${basename(target)}.${randomUUID()}.tmp`);
  try {
    const handle = await open(temporary, "wx", 0o644);
    try {
      await handle.writeFile(next, "utf8");
      // Keep the permissions of the file being replaced.
      if (mode !== undefined) await handle.chmod(mode);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, target);
  } catch (error) {
    await rm(temporary, { force: true });
    throw writeFailed(path, "DRONE_OUTPUT", error);
  }
}

function writeFailed(path: string, variable: string, error: unknown): SpotkitError {
  const reason = error instanceof Error ? error.message : String(error);
  return new SpotkitError(
    "E_OUTPUT_WRITE_FAILED",
    `Cannot write the step outputs to ${variable}=${path}: ${reason}. Check that its folder exists and is writable.`,
    { cause: error },
  );
}

function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "ENOENT";
}

function present(value: string | undefined): string | undefined {
  return value === "" ? undefined : value;
}
