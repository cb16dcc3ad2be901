import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { echoPlugin, echoRuns } from "./__fixtures__/echo-plugin.js";
import { useTemporaryFolder } from "./test-support/temporary-folder.js";
import { runPluginInProcess } from "./testing/run-plugin-in-process.js";

const secret = "s3cr3t-Token/with+chars";
const temporaryFolder = useTemporaryFolder("spotkit-env-file-");

beforeEach(() => {
  echoRuns.length = 0;
});

describe("executePlugin", () => {
  it("prints help generated from the declaration and does no work", async () => {
    const result = await runPluginInProcess(echoPlugin, { argv: ["--help"] });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("spotkit-echo 1.2.3");
    expect(result.stdout).toContain("--dry-run  (PLUGIN_DRY_RUN)  boolean, default false");
    expect(result.stdout).toContain("--token  (PLUGIN_TOKEN, ECHO_TOKEN)  string, secret");
    expect(result.stdout).toContain("--log-level");
    expect(echoRuns).toEqual([]);
  });

  it("prints the version", async () => {
    const result = await runPluginInProcess(echoPlugin, { argv: ["--version"] });
    expect(result).toMatchObject({ exitCode: 0, stdout: "spotkit-echo 1.2.3\n" });
  });

  it("prints the decoded settings of a Drone-encoded step, secrets masked, and does no work", async () => {
    const result = await runPluginInProcess(echoPlugin, {
      settings: {
        token: { from_secret: "echo_token" },
        "dry-run": true,
        tags: ["1", "1.2", "latest"],
        labels: { team: "ci", "org.opencontainers.image.source": "https://git.example.com/a/b" },
        ratio: 9334553.5,
        build_args: [{ name: "A", value: "x,y" }],
      },
      secrets: { echo_token: secret },
      argv: ["--print-settings"],
    });
    expect(result.env).toMatchObject({
      "PLUGIN_DRY-RUN": "true",
      PLUGIN_TAGS: "1,1.2,latest",
      PLUGIN_RATIO: "9.3345535e+06",
    });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      token: "******",
      tags: ["1", "1.2", "latest"],
      labels: { team: "ci", "org.opencontainers.image.source": "https://git.example.com/a/b" },
      dry_run: true,
      count: 1,
      ratio: 9334553.5,
      build_args: [{ name: "A", value: "x,y" }],
      mode: "echo",
      log_level: null,
      log_format: "text",
      skip_verify: false,
      env_file: null,
    });
    expect(result.output).not.toContain(secret);
    expect(echoRuns).toEqual([]);
  });

  it("decodes Woodpecker's encoding the same way", async () => {
    const result = await runPluginInProcess(echoPlugin, {
      encoding: "woodpecker",
      settings: {
        "dry.run": true,
        tags: ["a", "b"],
        labels: { k: "v" },
        token: { from_secret: "T" },
      },
      secrets: { t: secret },
      argv: ["--print-settings"],
    });
    expect(result.env).toMatchObject({ PLUGIN_DRY_RUN: "true", PLUGIN_TAGS: "a,b" });
    expect(JSON.parse(result.stdout)).toMatchObject({
      dry_run: true,
      tags: ["a", "b"],
      labels: { k: "v" },
      token: "******",
    });
  });

  it("reads aliases and lets flags override the environment", async () => {
    const result = await runPluginInProcess(echoPlugin, {
      env: { ECHO_TOKEN: secret, PLUGIN_TAG: "v1" },
      settings: { count: 2 },
      argv: ["--count", "3", "--print-settings"],
    });
    expect(JSON.parse(result.stdout)).toMatchObject({ token: "******", tags: ["v1"], count: 3 });
  });

  it("reports every invalid setting at once, exits 1, and shows no stack trace", async () => {
    const result = await runPluginInProcess(echoPlugin, {
      settings: { dry_run: "yes", count: 0, labels: "team=ci", mode: "loud" },
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("4 settings are invalid or missing");
    expect(result.stderr).toContain('PLUGIN_DRY_RUN (dry_run): expected true or false, got "yes"');
    expect(result.stderr).toContain("PLUGIN_COUNT (count):");
    expect(result.stderr).toContain("PLUGIN_LABELS (labels): expected a JSON object");
    expect(result.stderr).toContain("PLUGIN_MODE (mode):");
    expect(result.stderr).not.toMatch(/\bat .+\(.+:\d+:\d+\)/);
    expect(echoRuns).toEqual([]);
  });

  it("runs the plugin's own cross-setting validation before any work", async () => {
    const result = await runPluginInProcess(echoPlugin, { settings: { dry_run: true, count: 2 } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      "PLUGIN_COUNT (count): a dry run does one thing; drop count or dry_run",
    );
    expect(echoRuns).toEqual([]);
  });

  it("exits 2 on an unknown flag", async () => {
    const result = await runPluginInProcess(echoPlugin, { argv: ["--tgas", "x"] });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown option --tgas");
  });

  it("runs the plugin, writes outputs and runs deferred cleanup", async () => {
    const result = await runPluginInProcess(echoPlugin, { settings: { tags: ["a", "b"] } });
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toEqual({ tags: "a b" });
    expect(result.stderr).toContain("cleanup ran");
  });

  it("masks a secret in logs, a URL, an error message, a thrown exception and a child's output", async () => {
    for (const mode of ["echo", "url", "fail", "throw", "exec"]) {
      const result = await runPluginInProcess(echoPlugin, {
        settings: { token: { from_secret: "token" }, mode, log_level: "trace" },
        secrets: { token: secret },
      });
      expect(result.output, mode).not.toContain(secret);
      expect(result.output, mode).not.toContain(encodeURIComponent(secret));
      expect(result.output, mode).not.toContain(Buffer.from(secret).toString("base64"));
      expect(result.output, mode).toContain("******");
      expect(result.exitCode, mode).toBe(mode === "fail" || mode === "throw" ? 1 : 0);
      expect(result.stderr, mode).toContain("cleanup ran");
    }
  });

  it("loads env_file underneath the environment", async () => {
    const folder = temporaryFolder();
    const file = join(folder, "ci.env");
    await writeFile(file, 'PLUGIN_COUNT=4\nPLUGIN_TAGS="x,y"\nPLUGIN_MODE=exec\n');
    const result = await runPluginInProcess(echoPlugin, {
      settings: { env_file: file, mode: "echo" },
      argv: ["--print-settings"],
    });
    expect(JSON.parse(result.stdout)).toMatchObject({ count: 4, tags: ["x", "y"], mode: "echo" });
    const missing = await runPluginInProcess(echoPlugin, {
      settings: { env_file: join(folder, "nope") },
    });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("cannot read the env_file");
  });

  it("stops when cancelled and still cleans up", async () => {
    const controller = new AbortController();
    const running = runPluginInProcess(echoPlugin, {
      settings: { mode: "wait" },
      signal: controller.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort(new Error("received SIGTERM"));
    const result = await running;
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("cleanup ran");
    expect(result.stderr).toContain("cancelled");
  });
});
