import { SpotkitError } from "@spotkit/runtime";

/**
 * A cache key template that cannot be read or rendered: unbalanced braces, an unknown field or
 * function, a construct outside the supported subset. The message says what to change.
 */
export class CacheKeyTemplateError extends SpotkitError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("E_CACHE_KEY_TEMPLATE", message, options);
    this.name = "CacheKeyTemplateError";
  }
}

/** A value a template field holds: text, a number, a boolean, or a group of fields (`.Repo`). */
export type TemplateValue = string | number | boolean | TemplateFields;

/** A group of named fields, as Go's structs (`.Repo.Name`). */
export interface TemplateFields {
  readonly [name: string]: TemplateValue;
}

/** A function a template may call: `checksum "go.sum"`, `epoch`. */
export interface TemplateFunction {
  /** How many arguments it takes: an exact count, or at least `minimum` when `variadic`. */
  arity: { minimum: number; variadic?: boolean };
  call(...args: string[]): string | Promise<string>;
}

/** What {@link renderCacheKeyTemplate} evaluates a template against. */
export interface TemplateScope {
  /** The root object `.` (drone-cache's metadata: `.Repo`, `.Commit`, `.Build`). */
  data: TemplateFields;
  /** The functions templates may call, by name. */
  functions: Readonly<Record<string, TemplateFunction>>;
}

/** One parsed piece of a template: literal text, or an action (`{{ … }}`) holding a pipeline. */
export type TemplateNode =
  | { type: "text"; text: string }
  | { type: "action"; pipeline: Pipeline; column: number };

/** Commands joined by `|`: each command's result becomes the last argument of the next. */
type Pipeline = Command[];

/** A function call with its arguments, or a single operand. */
type Command = Operand[];

type Operand =
  | { type: "field"; path: string[]; column: number }
  | { type: "string"; value: string; column: number }
  | { type: "number"; value: number; text: string; column: number }
  | { type: "boolean"; value: boolean; column: number }
  | { type: "identifier"; name: string; column: number }
  | { type: "group"; pipeline: Pipeline; column: number };

/** Go's template keywords: control structures are not part of the subset cache keys support. */
const keywords = new Set([
  "if",
  "else",
  "end",
  "range",
  "with",
  "define",
  "template",
  "block",
  "break",
  "continue",
  "nil",
]);

/**
 * Parses a cache key template written in the subset of Go's text/template that drone-cache keys
 * use: literal text and actions `{{ … }}` holding fields (`.Commit.Branch`), quoted strings
 * (`"go.sum"`, `` `raw` ``), numbers, `true`/`false`, function calls (`checksum "go.sum"`),
 * parentheses, pipelines (`a | b`), comments (`{{/* … *\/}}`) and the whitespace trim markers
 * `{{-` and `-}}`. Control structures (`if`, `range`, `with`…) and variables (`$x`) are refused.
 *
 * @throws {CacheKeyTemplateError} naming the column and what to change.
 */
export function parseCacheKeyTemplate(template: string): TemplateNode[] {
  const nodes: TemplateNode[] = [];
  let position = 0;
  let trimNextText = false;
  while (position < template.length) {
    const open = template.indexOf("{{", position);
    let text = template.slice(position, open === -1 ? template.length : open);
    if (trimNextText) text = text.trimStart();
    trimNextText = false;
    const stray = text.indexOf("}}");
    if (stray !== -1) {
      throw new CacheKeyTemplateError(
        `"}}" at column ${position + stray + 1} closes no "{{": write actions as {{ .Commit.Branch }}, with two braces on each side`,
      );
    }
    if (open === -1) {
      if (text !== "") nodes.push({ type: "text", text });
      break;
    }
    let start = open + 2;
    if (template.startsWith("- ", start) || template.startsWith("-\t", start)) {
      text = text.trimEnd();
      start += 1;
    }
    if (text !== "") nodes.push({ type: "text", text });
    const close = findActionEnd(template, start, open);
    let end = close;
    if (template[close - 1] === "-" && close - 2 >= start && /\s/.test(template[close - 2] ?? "")) {
      trimNextText = true;
      end = close - 1;
    }
    const body = template.slice(start, end);
    position = close + 2;
    if (/^\s*\/\*[\s\S]*\*\/\s*$/.test(body)) continue;
    const pipeline = new ActionParser(body, start).parseAction();
    nodes.push({ type: "action", pipeline, column: open + 1 });
  }
  return nodes;
}

/**
 * Renders a parsed template (or a template's text) against build data and functions. Every field
 * must exist (as with Go's templates over drone-cache's structs); a group of fields cannot be
 * printed; functions receive their arguments as text.
 *
 * @throws {CacheKeyTemplateError} for an unknown field or function, a wrong number of arguments,
 * or a function that fails.
 */
export async function renderCacheKeyTemplate(
  template: string | readonly TemplateNode[],
  scope: TemplateScope,
): Promise<string> {
  const nodes = typeof template === "string" ? parseCacheKeyTemplate(template) : template;
  const parts: string[] = [];
  for (const node of nodes) {
    if (node.type === "text") {
      parts.push(node.text);
      continue;
    }
    const value = await evaluatePipeline(node.pipeline, scope);
    parts.push(printValue(value, describePipeline(node.pipeline)));
  }
  return parts.join("");
}

/** True when the text holds an action, that is when it is a template rather than plain text. */
export function isCacheKeyTemplate(text: string): boolean {
  return text.includes("{{") || text.includes("}}");
}

// --- internal ---

/** The index of the `}}` that closes the action opened at `open`, skipping quoted strings. */
function findActionEnd(template: string, start: number, open: number): number {
  let index = start;
  while (index < template.length) {
    const character = template[index];
    if (character === '"' || character === "`") {
      const endQuote = findQuoteEnd(template, index);
      if (endQuote === -1) break;
      index = endQuote + 1;
      continue;
    }
    if (template.startsWith("}}", index)) return index;
    if (template.startsWith("{{", index)) break;
    index += 1;
  }
  throw new CacheKeyTemplateError(
    `"{{" at column ${open + 1} is never closed: end the action with "}}", as in {{ .Commit.Branch }}`,
  );
}

/** The index of the quote that ends the string starting at `start`, or -1. */
function findQuoteEnd(text: string, start: number): number {
  const quote = text[start];
  for (let index = start + 1; index < text.length; index++) {
    const character = text[index];
    if (quote === '"' && character === "\\") {
      index += 1;
      continue;
    }
    if (character === quote) return index;
    if (quote === '"' && character === "\n") return -1;
  }
  return -1;
}

/** Parses the inside of one action into a pipeline. */
class ActionParser {
  private index = 0;

  constructor(
    private readonly body: string,
    /** Where the body starts in the whole template, for columns in messages. */
    private readonly offset: number,
  ) {}

  parseAction(): Pipeline {
    this.skipSpace();
    if (this.index >= this.body.length) {
      throw new CacheKeyTemplateError(
        `the action at column ${this.offset - 1} is empty: put a field such as .Commit.Branch or a function such as epoch between the braces`,
      );
    }
    const pipeline = this.parsePipeline();
    this.skipSpace();
    if (this.index < this.body.length) {
      throw this.unexpected();
    }
    return pipeline;
  }

  private parsePipeline(): Pipeline {
    const commands: Command[] = [this.parseCommand()];
    for (;;) {
      this.skipSpace();
      if (this.body[this.index] !== "|") return commands;
      this.index += 1;
      commands.push(this.parseCommand());
    }
  }

  private parseCommand(): Command {
    const operands: Operand[] = [];
    for (;;) {
      this.skipSpace();
      const character = this.body[this.index];
      if (character === undefined || character === "|" || character === ")") break;
      operands.push(this.parseOperand());
    }
    if (operands.length === 0) {
      throw new CacheKeyTemplateError(
        `missing a field or function at column ${this.column()}: each side of "|" needs one`,
      );
    }
    return operands;
  }

  private parseOperand(): Operand {
    const column = this.column();
    const rest = this.body.slice(this.index);
    const character = rest[0] ?? "";
    if (character === "(") {
      this.index += 1;
      const pipeline = this.parsePipeline();
      this.skipSpace();
      if (this.body[this.index] !== ")") {
        throw new CacheKeyTemplateError(
          `"(" at column ${column} is never closed: add ")" after its function and arguments`,
        );
      }
      this.index += 1;
      return { type: "group", pipeline, column };
    }
    if (character === '"' || character === "`") {
      const end = findQuoteEnd(this.body, this.index);
      if (end === -1) {
        throw new CacheKeyTemplateError(
          `the string at column ${column} is never closed: end it with ${character}`,
        );
      }
      const raw = this.body.slice(this.index, end + 1);
      this.index = end + 1;
      return { type: "string", value: decodeStringLiteral(raw, column), column };
    }
    if (character === "$") {
      throw new CacheKeyTemplateError(
        `variables such as ${rest.split(/\s/)[0]} (column ${column}) are not supported in cache keys: use fields such as .Commit.Branch and functions directly`,
      );
    }
    const field = /^\.(?:[A-Za-z_][A-Za-z0-9_]*)?(?:\.[A-Za-z_][A-Za-z0-9_]*)*/.exec(rest);
    if (field) {
      this.index += field[0].length;
      const path = field[0] === "." ? [] : field[0].slice(1).split(".");
      return { type: "field", path, column };
    }
    const number = /^[+-]?\d+(?:\.\d+)?/.exec(rest);
    if (number) {
      this.index += number[0].length;
      return { type: "number", value: Number(number[0]), text: number[0], column };
    }
    const identifier = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (identifier) {
      const name = identifier[0];
      this.index += name.length;
      if (name === "true" || name === "false") {
        return { type: "boolean", value: name === "true", column };
      }
      if (keywords.has(name)) {
        throw new CacheKeyTemplateError(
          `"${name}" (column ${column}) is not supported in cache keys: only fields (.Commit.Branch), strings and the functions checksum, hashFiles, epoch, arch and os are`,
        );
      }
      return { type: "identifier", name, column };
    }
    throw this.unexpected();
  }

  private unexpected(): CacheKeyTemplateError {
    const found = this.body.slice(this.index).split(/\s/)[0] ?? "";
    return new CacheKeyTemplateError(
      `unexpected "${found}" at column ${this.column()}: an action holds a field (.Commit.Branch) or a function and its quoted arguments (checksum "go.sum")`,
    );
  }

  private skipSpace(): void {
    while (this.index < this.body.length && /\s/.test(this.body[this.index] ?? "")) {
      this.index += 1;
    }
  }

  private column(): number {
    return this.offset + this.index + 1;
  }
}

/** Decodes a Go string literal: `"…"` with Go's escapes, or a raw `` `…` `` string. */
function decodeStringLiteral(raw: string, column: number): string {
  if (raw.startsWith("`")) return raw.slice(1, -1);
  try {
    // Go's interpreted strings share JSON's common escapes; \x and \u with 4 digits are both here.
    const json = raw
      .slice(1, -1)
      .replace(/\\x([0-9a-fA-F]{2})/g, "\\u00$1")
      .replace(/\\([abfv])/g, (_, letter: string) => goEscapes[letter] ?? "")
      .replace(/\\'/g, "'");
    return JSON.parse(`"${json}"`) as string;
  } catch (error) {
    throw new CacheKeyTemplateError(
      `the string at column ${column} has an escape Go does not know: write \\\\ for a backslash, or use a raw string in backquotes`,
      { cause: error },
    );
  }
}

const goEscapes: Record<string, string> = {
  a: "\\u0007",
  b: "\\b",
  f: "\\f",
  v: "\\u000b",
};

async function evaluatePipeline(pipeline: Pipeline, scope: TemplateScope): Promise<TemplateValue> {
  let previous: TemplateValue | undefined;
  for (const [index, command] of pipeline.entries()) {
    previous = await evaluateCommand(command, scope, index === 0 ? undefined : previous);
  }
  // A pipeline always has one command at least (the parser guarantees it).
  return previous ?? "";
}

async function evaluateCommand(
  command: Command,
  scope: TemplateScope,
  piped: TemplateValue | undefined,
): Promise<TemplateValue> {
  const [head, ...rest] = command;
  if (head === undefined) return "";
  if (head.type !== "identifier") {
    if (rest.length > 0 || piped !== undefined) {
      throw new CacheKeyTemplateError(
        `${describeOperand(head)} at column ${head.column} is not a function and takes no arguments: call a function (checksum, hashFiles, epoch, arch, os) or write one field per action`,
      );
    }
    return evaluateOperand(head, scope);
  }
  const definition = scope.functions[head.name];
  if (definition === undefined) {
    const known = Object.keys(scope.functions).join(", ");
    throw new CacheKeyTemplateError(
      `function "${head.name}" (column ${head.column}) is not defined: use one of ${known}, or a field such as .Commit.Branch`,
    );
  }
  const args: string[] = [];
  for (const operand of rest) {
    args.push(printValue(await evaluateOperand(operand, scope), describeOperand(operand)));
  }
  if (piped !== undefined) args.push(printValue(piped, "the piped value"));
  const { minimum, variadic } = definition.arity;
  if (variadic ? args.length < minimum : args.length !== minimum) {
    const wanted = variadic ? `at least ${minimum}` : String(minimum);
    throw new CacheKeyTemplateError(
      `${head.name} (column ${head.column}) takes ${wanted} argument${minimum === 1 && !variadic ? "" : "s"}, got ${args.length}${usageOf(head.name)}`,
    );
  }
  return definition.call(...args);
}

async function evaluateOperand(operand: Operand, scope: TemplateScope): Promise<TemplateValue> {
  switch (operand.type) {
    case "string":
    case "boolean":
      return operand.value;
    case "number":
      return operand.text;
    case "group":
      return evaluatePipeline(operand.pipeline, scope);
    case "identifier":
      return evaluateCommand([operand], scope, undefined);
    case "field":
      return lookupField(scope.data, operand.path, operand.column);
  }
}

function lookupField(data: TemplateFields, path: readonly string[], column: number): TemplateValue {
  let value: TemplateValue = data;
  const walked: string[] = [];
  for (const name of path) {
    if (typeof value !== "object") {
      throw new CacheKeyTemplateError(
        `.${walked.join(".")} (column ${column}) is a value, it has no field ${name}: remove .${name}`,
      );
    }
    const group: TemplateFields = value;
    if (!Object.hasOwn(group, name)) {
      const known = Object.keys(group)
        .map((field) => `.${[...walked, field].join(".")}`)
        .join(", ");
      throw new CacheKeyTemplateError(
        `there is no field .${[...walked, name].join(".")} (column ${column}): use one of ${known} (names are case-sensitive)`,
      );
    }
    walked.push(name);
    value = group[name] as TemplateValue;
  }
  return value;
}

function printValue(value: TemplateValue, description: string): string {
  if (typeof value === "object") {
    const fields = Object.keys(value).slice(0, 3).join(", ");
    throw new CacheKeyTemplateError(
      `${description} is a group of fields and cannot be printed: pick one of its fields (${fields}…)`,
    );
  }
  return String(value);
}

function describeOperand(operand: Operand): string {
  switch (operand.type) {
    case "field":
      return operand.path.length === 0 ? "." : `.${operand.path.join(".")}`;
    case "string":
      return JSON.stringify(operand.value);
    case "number":
      return operand.text;
    case "boolean":
      return String(operand.value);
    case "identifier":
      return operand.name;
    case "group":
      return "(…)";
  }
}

function describePipeline(pipeline: Pipeline): string {
  return pipeline.map((command) => command.map(describeOperand).join(" ")).join(" | ");
}

function usageOf(name: string): string {
  switch (name) {
    case "checksum":
      return ': write {{ checksum "package-lock.json" }}';
    case "hashFiles":
      return ': write {{ hashFiles "**/package-lock.json" }}';
    default:
      return `: write {{ ${name} }}`;
  }
}
