import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createExec, type ExecContext, ExecError } from "./exec.js";
import { SecretMasker } from "./secret-masker.js";
import { SpotkitError } from "./spotkit-error.js";

const node = process.execPath;
const secret = "s3cr3t-T0ken-value";
const temporary = realpathSync(mkdtempSync(join(tmpdir(), "spotkit-exec-")));

afterAll(() => {
  rmSync(temporary, { recursive: true, force: true });
});

/** An exec context that records everything written to the log streams. */
function setup(overrides: Partial<ExecContext> = {}) {
  const masker = new SecretMasker();
  masker.add(secret);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const info: string[] = [];
  const debug: string[] = [];
  const controller = new AbortController();
  const context: ExecContext = {
    env: { ...process.env },
    cwd: temporary,
    masker,
    logger: {
      info: (message: string) => info.push(message),
      debug: (message: string) => debug.push(message),
    },
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
    signal: controller.signal,
    ...overrides,
  };
  return {
    exec: createExec(context),
    masker,
    controller,
    logged: {
      stdout: () => stdout.join(""),
      stderr: () => stderr.join(""),
      info,
      debug,
    },
  };
}

/** Runs `exec` and returns what it rejected with, failing the test if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<ExecError> {
  const error = await promise.then(
    (result) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(result)}`);
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ExecError);
  return error as ExecError;
}

describe("createExec", () => {
  it("streams the child's output to the log streams and captures it", async () => {
    const { exec, logged } = setup();
    const result = await exec(node, [
      "-e",
      "process.stdout.write('hello\\nworld\\n'); process.stderr.write('careful\\n')",
    ]);
    expect(result).toEqual({ exitCode: 0, stdout: "hello\nworld\n", stderr: "careful\n" });
    expect(logged.stdout()).toBe("hello\nworld\n");
    expect(logged.stderr()).toBe("careful\n");
  });

  it("echoes the command, quoted for a shell, at info level", async () => {
    const { exec, logged } = setup();
    await exec(node, ["-e", "", "plain", "two words", "it's"]);
    expect(logged.info).toEqual([`$ ${node} -e '' plain 'two words' 'it'\\''s'`]);
  });

  it("masks a secret containing a quote in the echoed command", async () => {
    const { exec, masker, logged } = setup();
    masker.add("pa'ss w0rd");
    await exec(node, ["-e", "", "--", "--password", "pa'ss w0rd"]);
    expect(logged.info).toEqual([`$ ${node} -e '' -- --password '******'`]);
  });

  it("does not echo the command when echoCommand is false", async () => {
    const { exec, logged } = setup();
    await exec(node, ["-e", ""], { echoCommand: false });
    expect(logged.info).toEqual([]);
  });

  it("keeps silent output off the log streams but still captures it", async () => {
    const { exec, logged } = setup();
    const lines: string[] = [];
    const result = await exec(node, ["-e", "console.log('quiet'); console.error('hushed')"], {
      silent: true,
      onStdoutLine: (line) => lines.push(line),
    });
    expect(result.stdout).toBe("quiet\n");
    expect(result.stderr).toBe("hushed\n");
    expect(lines).toEqual(["quiet"]);
    expect(logged.stdout()).toBe("");
    expect(logged.stderr()).toBe("");
  });

  it("rejects a non-zero exit with E_EXEC_FAILED, quoting the last stderr lines", async () => {
    const { exec } = setup();
    const error = await rejection(
      exec(node, [
        "-e",
        "console.log('out'); for (let i = 1; i <= 15; i++) console.error('line ' + i); process.exit(128)",
      ]),
    );
    expect(error.code).toBe("E_EXEC_FAILED");
    expect(error.exitCode).toBe(128);
    expect(error.signal).toBeUndefined();
    expect(error.message).toMatch(
      new RegExp(`^The process '${escapeRegExp(node)}' failed with exit code 128:\n`),
    );
    expect(error.message).toContain("line 6\n");
    expect(error.message).not.toContain("line 5\n");
    expect(error.message.endsWith("line 15")).toBe(true);
    expect(error.stdout).toBe("out\n");
    expect(error.stderr).toContain("line 1\n");
    expect(SpotkitError.isInstance(error)).toBe(true);
    expect(ExecError.isInstance(error)).toBe(true);
    expect(ExecError.isInstance(new SpotkitError("E_X", "other"))).toBe(false);
  });

  it("quotes stdout in the failure message when stderr is empty", async () => {
    const { exec } = setup();
    const error = await rejection(
      exec(node, ["-e", "console.log('why it failed'); process.exit(1)"]),
    );
    expect(error.message).toBe(`The process '${node}' failed with exit code 1:\nwhy it failed`);
  });

  it("resolves with the exit code when ignoreReturnCode is set", async () => {
    const { exec } = setup();
    const result = await exec(node, ["-e", "process.exit(3)"], { ignoreReturnCode: true });
    expect(result.exitCode).toBe(3);
  });

  it("reports a child killed by someone else's signal", async () => {
    const { exec } = setup();
    const script = "process.kill(process.pid, 'SIGKILL')";
    const error = await rejection(exec(node, ["-e", script]));
    expect(error.code).toBe("E_EXEC_FAILED");
    expect(error.signal).toBe("SIGKILL");
    expect(error.message).toContain("was ended by signal SIGKILL");

    const result = await exec(node, ["-e", script], { ignoreReturnCode: true });
    expect(result).toMatchObject({ exitCode: 137, signal: "SIGKILL" });
  });

  it("masks a secret passed in argv and printed on stdout and stderr everywhere", async () => {
    const { exec, logged } = setup();
    const script = [
      "const secret = process.argv[1];",
      // Split across two writes with a pause, so the secret arrives in two chunks.
      "process.stdout.write('token=' + secret.slice(0, 5));",
      "setTimeout(() => {",
      "  process.stdout.write(secret.slice(5) + '\\n');",
      "  console.error('auth failed for https://user:' + secret + '@example.test/repo');",
      "  process.exit(2);",
      "}, 50);",
    ].join("\n");
    const lines: string[] = [];
    const error = await rejection(
      exec(node, ["-e", script, secret], {
        onStdoutLine: (line) => lines.push(line),
        onStderrLine: (line) => lines.push(line),
      }),
    );

    const everything = [
      error.message,
      error.stdout,
      error.stderr,
      logged.stdout(),
      logged.stderr(),
      ...logged.info,
      ...logged.debug,
      ...lines,
    ].join("\n");
    expect(everything).not.toContain(secret);
    expect(error.stdout).toBe("token=******\n");
    expect(error.stderr).toBe("auth failed for https://user:******@example.test/repo\n");
    expect(error.message).toContain("auth failed for https://user:******@example.test/repo");
    expect(logged.stdout()).toBe("token=******\n");
    expect(logged.info[0]).toContain("******");
    expect(lines).toEqual([
      "token=******",
      "auth failed for https://user:******@example.test/repo",
    ]);
  });

  it("masks a secret in the command name of a failure message", async () => {
    const { exec, logged } = setup();
    const error = await rejection(exec(`/nonexistent/${secret}/tool`, []));
    expect(error.code).toBe("E_EXEC_NOT_FOUND");
    expect(error.message).not.toContain(secret);
    expect(logged.info.join("\n")).not.toContain(secret);
  });

  it("stops a child that runs past its timeout", async () => {
    const { exec } = setup();
    const error = await rejection(
      exec(node, ["-e", "console.log('started'); setInterval(() => {}, 1000)"], { timeout: 300 }),
    );
    expect(error.code).toBe("E_EXEC_TIMEOUT");
    expect(error.signal).toBe("SIGTERM");
    expect(error.stdout).toBe("started\n");
    expect(error.message).toContain("did not finish within 300 ms");
  });

  it("kills a child that ignores SIGTERM once the grace period is over when aborted", async () => {
    const { exec, controller } = setup();
    let pid = 0;
    const promise = exec(
      node,
      [
        "-e",
        "process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('ready ' + process.pid); setInterval(() => {}, 1000)",
      ],
      {
        killGracePeriod: 300,
        onStdoutLine: (line) => {
          if (line.startsWith("ready ")) {
            pid = Number(line.slice("ready ".length));
            controller.abort(new Error("cancelled by the user"));
          }
        },
      },
    );
    const error = await rejection(promise);
    expect(error.code).toBe("E_EXEC_ABORTED");
    expect(error.signal).toBe("SIGKILL");
    expect(error.stdout).toContain("ignoring SIGTERM");
    expect(error.cause).toEqual(new Error("cancelled by the user"));
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: "ESRCH" }));
  });

  it("rejects without spawning when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const { exec, logged } = setup({ signal: controller.signal });
    const marker = join(temporary, "spawned-despite-abort");
    const error = await rejection(
      exec(node, ["-e", `require('node:fs').writeFileSync(${JSON.stringify(marker)}, '')`]),
    );
    expect(error.code).toBe("E_EXEC_ABORTED");
    expect(existsSync(marker)).toBe(false);
    expect(logged.info).toEqual([]);
  });

  it("merges env over the context's env and removes variables set to undefined", async () => {
    const { exec } = setup({
      env: { PATH: process.env.PATH, KEPT: "from context", REPLACED: "old", REMOVED: "gone" },
    });
    const result = await exec(
      node,
      [
        "-e",
        "const { KEPT, REPLACED, REMOVED, ADDED } = process.env; console.log(JSON.stringify({ KEPT, REPLACED, REMOVED: REMOVED ?? null, ADDED, removedIsSet: 'REMOVED' in process.env }))",
      ],
      { env: { REPLACED: "new", REMOVED: undefined, ADDED: "added" } },
    );
    expect(JSON.parse(result.stdout)).toEqual({
      KEPT: "from context",
      REPLACED: "new",
      REMOVED: null,
      ADDED: "added",
      removedIsSet: false,
    });
  });

  it("does not pass the parent's environment beyond the context's env", async () => {
    const { exec } = setup({ env: { ONLY: "this" } });
    const result = await exec(node, ["-e", "console.log(Object.keys(process.env).join(','))"]);
    expect(result.stdout.trim()).toBe("ONLY");
  });

  it("writes input to stdin and closes it", async () => {
    const { exec } = setup();
    const script =
      "let text = ''; process.stdin.on('data', (c) => (text += c)); process.stdin.on('end', () => console.log(text.toUpperCase()))";
    await expect(exec(node, ["-e", script], { input: "password\n" })).resolves.toMatchObject({
      stdout: "PASSWORD\n\n",
    });
    await expect(
      exec(node, ["-e", script], { input: new TextEncoder().encode("bytes") }),
    ).resolves.toMatchObject({ stdout: "BYTES\n" });
  });

  it("gives the child an empty stdin without input, so a prompt cannot hang", async () => {
    const { exec } = setup();
    const result = await exec(node, [
      "-e",
      "let n = 0; process.stdin.on('data', (c) => (n += c.length)); process.stdin.on('end', () => console.log('eof after ' + n))",
    ]);
    expect(result.stdout).toBe("eof after 0\n");
  });

  it("rejects a missing command with E_EXEC_NOT_FOUND naming it and PATH", async () => {
    const { exec } = setup();
    const error = await rejection(exec("spotkit-no-such-command", ["--version"]));
    expect(error.code).toBe("E_EXEC_NOT_FOUND");
    expect(error.message).toContain("'spotkit-no-such-command'");
    expect(error.message).toContain("installed and on the PATH");
    expect((error.cause as NodeJS.ErrnoException).code).toBe("ENOENT");
  });

  it("tells a missing working directory apart from a missing command", async () => {
    const { exec } = setup();
    const error = await rejection(exec(node, ["-e", ""], { cwd: "does-not-exist" }));
    expect(error.code).toBe("E_EXEC_CWD_NOT_FOUND");
    expect(error.message).toContain(join(temporary, "does-not-exist"));
  });

  it("runs in the context's cwd, and resolves a relative cwd against it", async () => {
    const { exec } = setup();
    mkdirSync(join(temporary, "sub"), { recursive: true });
    const script = "console.log(process.cwd())";
    await expect(exec(node, ["-e", script])).resolves.toMatchObject({ stdout: `${temporary}\n` });
    await expect(exec(node, ["-e", script], { cwd: "sub" })).resolves.toMatchObject({
      stdout: `${join(temporary, "sub")}\n`,
    });
  });

  it("calls the line callbacks once per line, across chunks and line endings", async () => {
    const { exec } = setup();
    const stdoutLines: string[] = [];
    const stderrLines: string[] = [];
    const script = [
      "process.stdout.write('fir');",
      "setTimeout(() => { process.stdout.write('st\\r\\nsecond\\n\\nfou'); process.stderr.write('warn 1\\nwarn 2'); }, 30);",
      "setTimeout(() => process.stdout.write('rth'), 60);",
    ].join("\n");
    await exec(node, ["-e", script], {
      onStdoutLine: (line) => stdoutLines.push(line),
      onStderrLine: (line) => stderrLines.push(line),
    });
    expect(stdoutLines).toEqual(["first", "second", "", "fourth"]);
    expect(stderrLines).toEqual(["warn 1", "warn 2"]);
  });

  it("rejects with the error a line callback threw, after the child finished", async () => {
    const { exec } = setup();
    const failure = new Error("cannot parse the line");
    const promise = exec(node, ["-e", "console.log('a'); console.log('b')"], {
      onStdoutLine: () => {
        throw failure;
      },
    });
    await expect(promise).rejects.toBe(failure);
  });

  it("keeps only the tail of the output beyond maxBuffer", async () => {
    const { exec } = setup();
    const result = await exec(
      node,
      ["-e", "for (let i = 0; i < 2000; i++) console.log('line ' + i + ' é')"],
      { maxBuffer: 100, silent: true },
    );
    expect(Buffer.byteLength(result.stdout)).toBeLessThanOrEqual(100);
    expect(Buffer.byteLength(result.stdout)).toBeGreaterThan(90);
    expect(result.stdout.endsWith("line 1999 é\n")).toBe(true);
    expect(result.stdout).not.toContain("\uFFFD");
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
}
