import { describe, expect, it } from "vitest";
import { createLogger, type LoggerOptions, parseLogLevel } from "./logger.js";
import { createMaskingWriter, SecretMasker } from "./secret-masker.js";

const fixedTime = new Date("2025-03-01T12:00:00.000Z");

function capture(overrides: Partial<LoggerOptions> = {}) {
  const output: string[] = [];
  const logger = createLogger({
    level: "info",
    format: "text",
    color: false,
    write: (text) => output.push(text),
    now: () => fixedTime,
    ...overrides,
  });
  return { logger, output, text: () => output.join("") };
}

function jsonLines(text: string): unknown[] {
  return text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line));
}

describe("parseLogLevel", () => {
  it.each([
    ["trace", "trace"],
    ["DEBUG", "debug"],
    [" Info ", "info"],
    ["warn", "warn"],
    ["Warning", "warn"],
    ["error", "error"],
    ["fatal", "error"],
    ["PANIC", "error"],
    ["verbose", undefined],
    ["", undefined],
    ["constructor", undefined],
  ])("reads %j as %s", (text, expected) => {
    expect(parseLogLevel(text)).toBe(expected);
  });
});

describe("createLogger in text format", () => {
  it("writes the message, then logfmt fields, quoting values that need it", () => {
    const { logger, output } = capture();
    logger.info("pushed image", {
      tag: "v1.2.3",
      size: 1024,
      cached: false,
      path: "/tmp/my dir",
      note: 'say "hi"',
      empty: "",
      equation: "a=b",
      skipped: undefined,
      "odd key": 1,
    });
    expect(output).toEqual([
      'pushed image tag=v1.2.3 size=1024 cached=false path="/tmp/my dir" note="say \\"hi\\"" empty="" equation="a=b" odd_key=1\n',
    ]);
  });

  it("prefixes warnings, errors, debug and trace lines", () => {
    const { logger, output } = capture({ level: "trace" });
    logger.trace("t");
    logger.debug("d");
    logger.info("i");
    logger.warn("w");
    logger.error("e");
    expect(output).toEqual(["trace: t\n", "debug: d\n", "i\n", "warning: w\n", "error: e\n"]);
  });

  it("prints only levels at or above its own", () => {
    const { logger, output } = capture({ level: "warn" });
    logger.debug("hidden");
    logger.info("hidden");
    logger.warn("shown");
    logger.error("shown too");
    expect(output).toEqual(["warning: shown\n", "error: shown too\n"]);
    expect(logger.isEnabled("info")).toBe(false);
    expect(logger.isEnabled("error")).toBe(true);
    expect(logger.level).toBe("warn");
  });

  it("prints an Error field as its message", () => {
    const { logger, output } = capture();
    logger.error("upload failed", { error: new Error("connection reset by peer"), code: 7n });
    expect(output).toEqual(['error: upload failed error="connection reset by peer" code=7\n']);
  });

  it("prints objects as JSON and cycles as [Circular], without throwing", () => {
    const { logger, output } = capture();
    const node: Record<string, unknown> = { name: "root" };
    node.self = node;
    const shared = { id: 1 };
    logger.info("state", { node, list: [shared, shared], when: new Date(0) });
    expect(output).toEqual([
      'state node="{\\"name\\":\\"root\\",\\"self\\":\\"[Circular]\\"}" list="[{\\"id\\":1},{\\"id\\":1}]" when=1970-01-01T00:00:00.000Z\n',
    ]);
  });

  it("still prints when a field's getter or toString throws", () => {
    const { logger, output } = capture();
    const hostile = {
      get secret(): string {
        throw new Error("no");
      },
    };
    const unprintable = {
      toString(): string {
        throw new Error("no");
      },
    };
    expect(() =>
      logger.info("hostile", { hostile, unprintable: new Map([[unprintable, 1]]) }),
    ).not.toThrow();
    expect(output).toEqual([
      'hostile hostile="{\\"secret\\":\\"[Unreadable]\\"}" unprintable="{\\"[Unprintable]\\":1}"\n',
    ]);
  });

  it("never throws when the writer throws", () => {
    const logger = createLogger({
      level: "info",
      format: "text",
      color: false,
      write: () => {
        throw new Error("EPIPE");
      },
    });
    expect(() => logger.error("still fine")).not.toThrow();
  });

  it("colours prefixes only when asked", () => {
    const plain = capture();
    plain.logger.warn("careful", { key: "value" });
    expect(plain.text()).not.toContain("\u001b[");

    const coloured = capture({ color: true });
    coloured.logger.warn("careful", { key: "value" });
    coloured.logger.error("broken");
    expect(coloured.output).toEqual([
      "\u001b[33mwarning:\u001b[39m careful \u001b[90mkey=\u001b[39mvalue\n",
      "\u001b[31merror:\u001b[39m broken\n",
    ]);
  });

  it("prints a heading for a group and nothing when it ends", async () => {
    const { logger, output } = capture();
    const result = await logger.group("build image", async () => {
      logger.info("step");
      return 42;
    });
    expect(result).toBe(42);
    expect(output).toEqual(["▸ build image\n", "step\n"]);
  });

  it("writes GitHub Actions group commands, and ends the group when the work throws", async () => {
    const { logger, output } = capture({ githubActions: true });
    await expect(
      logger.group("deploy 100%\nnow", async () => {
        logger.info("inside");
        throw new Error("failed");
      }),
    ).rejects.toThrow("failed");
    expect(output).toEqual(["::group::deploy 100%25%0Anow\n", "inside\n", "::endgroup::\n"]);
  });

  it("ignores endGroup without an open group", () => {
    const { logger, output } = capture({ githubActions: true });
    logger.endGroup();
    expect(output).toEqual([]);
  });

  it("passes every line through write, so a masking writer hides secrets", () => {
    const masker = new SecretMasker();
    masker.add("hunter2");
    const output: string[] = [];
    const writer = createMaskingWriter(masker, (text) => output.push(text));
    const logger = createLogger({
      level: "info",
      format: "text",
      color: false,
      write: (text) => writer.write(text),
    });
    logger.info("logging in", { password: "hunter2" });
    writer.flush();
    expect(output.join("")).toBe("logging in password=******\n");
  });
});

describe("createLogger in json format", () => {
  it("writes one JSON object per line with time, level, message and fields", () => {
    const { logger, text } = capture({ format: "json" });
    logger.warn("cache miss", { key: "linux-node", error: new Error("not found"), level: "x" });
    expect(jsonLines(text())).toEqual([
      {
        time: "2025-03-01T12:00:00.000Z",
        level: "warn",
        msg: "cache miss",
        key: "linux-node",
        error: "not found",
        "fields.level": "x",
      },
    ]);
  });

  it("handles circular fields", () => {
    const { logger, text } = capture({ format: "json" });
    const node: Record<string, unknown> = { name: "root" };
    node.self = node;
    logger.info("state", { node });
    expect(jsonLines(text())).toEqual([
      {
        time: "2025-03-01T12:00:00.000Z",
        level: "info",
        msg: "state",
        node: { name: "root", self: "[Circular]" },
      },
    ]);
  });

  it("writes groups as start and end records", async () => {
    const { logger, text } = capture({ format: "json", githubActions: true });
    await logger.group("build", async () => {});
    expect(jsonLines(text())).toEqual([
      { time: "2025-03-01T12:00:00.000Z", level: "info", msg: "build", group: "start" },
      { time: "2025-03-01T12:00:00.000Z", level: "info", msg: "build", group: "end" },
    ]);
  });

  it("writes progress as JSON lines", () => {
    const { logger, text } = capture({ format: "json", isTTY: true });
    const progress = logger.progress({ label: "upload", total: 10, unit: "items" });
    progress.advance(10);
    progress.done("done uploading");
    expect(jsonLines(text())).toEqual([
      {
        time: "2025-03-01T12:00:00.000Z",
        level: "info",
        msg: "upload: done uploading",
        progress: "upload",
        completed: 10,
        total: 10,
        unit: "items",
        done: true,
      },
    ]);
  });
});

describe("logger.progress", () => {
  it("starts a log line after an open progress bar on a new line", () => {
    const { logger, output } = capture({ isTTY: true });
    const progress = logger.progress({ label: "upload", total: 4, unit: "items" });
    logger.info("meanwhile");
    progress.done("ok");
    logger.info("after");
    expect(output).toEqual([
      "\rupload  [--------------------]    0%  0 / 4 items\r",
      "\nmeanwhile\n",
      `\rupload: ok${" ".repeat(39)}\n`,
      "after\n",
    ]);
  });

  it("shows each bar frame at once through a masking writer", () => {
    const masker = new SecretMasker();
    masker.add("bucket-secret");
    const output: string[] = [];
    const writer = createMaskingWriter(masker, (text) => output.push(text));
    const logger = createLogger({
      level: "info",
      format: "text",
      color: false,
      isTTY: true,
      write: (text) => writer.write(text),
    });
    const progress = logger.progress({ label: "upload bucket-secret", total: 4 });
    expect(output).toEqual(["\rupload ******  [--------------------]    0%  0 / 4 items\r"]);
    progress.done("ok");
    expect(output.join("")).not.toContain("bucket-secret");
    expect(output.join("").endsWith("\n")).toBe(true);
  });

  it("prints nothing when info is not enabled", () => {
    const { logger, output } = capture({ level: "warn", isTTY: true });
    const progress = logger.progress({ label: "upload" });
    progress.advance(3);
    progress.done();
    expect(output).toEqual([]);
  });

  it("prints plain lines when not on a terminal", () => {
    const { logger, output } = capture();
    const progress = logger.progress({ label: "sync", unit: "bytes" });
    progress.advance(2_000);
    progress.done();
    expect(output).toEqual(["sync: 2.0 kB in 0.0s\n"]);
  });
});
