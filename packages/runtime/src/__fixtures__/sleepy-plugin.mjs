// A plugin that starts a long-running child and waits, run as a real process by
// run-main.test.ts to check what SIGTERM does. Imports the built runtime.
import { writeFileSync } from "node:fs";
import { definePlugin, runMain, setting, z } from "../../dist/index.js";

const plugin = definePlugin({
  name: "sleepy",
  description: "Waits for a long time (a test fixture).",
  version: "0.0.0",
  settings: {
    marker: setting(z.string(), { description: "File written by cleanup" }),
    stubborn: setting(z.boolean().default(false), { description: "Ignore cancellation" }),
    token: setting(z.string().optional(), { description: "A secret", secret: true }),
  },
  async run({ settings, exec, defer, logger }) {
    defer(() => writeFileSync(settings.marker, "cleaned"));
    if (settings.stubborn) {
      logger.info("started stubborn");
      setInterval(() => {}, 1000);
      await new Promise(() => {});
    }
    // Third-party output written straight to the process stream must be masked too.
    console.log(`console says ${settings.token}`);
    await exec(process.execPath, [
      "-e",
      "console.log('grandchild ' + process.pid); setInterval(() => {}, 1000)",
    ]);
  },
});

runMain(plugin);
