import { z } from "zod";
import { definePlugin } from "../define-plugin.js";
import { setting } from "../setting.js";
import { SpotkitError } from "../spotkit-error.js";

/** Records what the fixture plugin's runs saw, for assertions. */
export const echoRuns: Array<{ settings: Record<string, unknown> }> = [];

/** A small plugin exercising every kind of setting, used by the runtime's own tests. */
export const echoPlugin = definePlugin({
  name: "echo",
  description: "Echoes its settings (a test fixture).",
  version: "1.2.3",
  settings: {
    token: setting(z.string().optional(), {
      description: "A credential",
      secret: true,
      aliases: ["ECHO_TOKEN"],
    }),
    tags: setting(z.array(z.string()).default(["latest"]), {
      description: "Tags",
      aliases: ["PLUGIN_TAG"],
    }),
    labels: setting(z.record(z.string(), z.string()).default({}), { description: "Labels" }),
    dry_run: setting(z.boolean().default(false), { description: "Do nothing" }),
    count: setting(z.int().min(1).default(1), { description: "How many" }),
    ratio: setting(z.number().optional(), { description: "A float" }),
    build_args: setting(z.array(z.object({ name: z.string(), value: z.string() })).default([]), {
      description: "Structured list",
    }),
    mode: setting(z.enum(["echo", "url", "fail", "throw", "exec", "wait"]).default("echo"), {
      description: "What to do",
    }),
  },
  validate: (settings) =>
    settings.dry_run && settings.count > 1
      ? [{ setting: "count", message: "a dry run does one thing; drop count or dry_run" }]
      : [],
  async run({ settings, logger, outputs, exec, defer, signal }) {
    echoRuns.push({ settings });
    defer(() => logger.info("cleanup ran"));
    logger.info(`token is ${settings.token}`);
    await outputs.set("tags", settings.tags.join(" "));
    if (settings.mode === "url") {
      const token = settings.token ?? "";
      logger.info(
        `cloning https://ci:${token}@git.example.com/repo.git?access_token=${encodeURIComponent(token)}`,
      );
    }
    if (settings.mode === "fail") {
      throw new SpotkitError("E_ECHO", `the server refused token ${settings.token}`);
    }
    if (settings.mode === "throw") throw new TypeError(`bug with ${settings.token}`);
    if (settings.mode === "exec") {
      await exec(process.execPath, [
        "-e",
        "console.log('child stdout ' + process.argv[1]); console.error('child stderr ' + process.argv[1])",
        settings.token ?? "",
      ]);
    }
    if (settings.mode === "wait") {
      await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
    }
  },
});
