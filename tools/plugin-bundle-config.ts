import type { Options } from "tsup";
import { requireCostlyBuiltins } from "./require-builtins.js";

/**
 * The tsup options of a plugin bundle: `src/main.ts` (the image's entry) and `src/plugin.ts`, ES
 * modules for Node with every dependency bundled, since an image copies `dist/` without
 * node_modules.
 *
 * @param splitting whether to split code into chunks that load on demand (a plugin whose storage
 * backends each bring their own SDK); without it, each entry is one self-contained file.
 */
export function pluginBundleConfig({ splitting }: { splitting: boolean }): Options {
  return {
    entry: { main: "src/main.ts", plugin: "src/plugin.ts" },
    format: ["esm"],
    target: "node22",
    platform: "node",
    noExternal: [/.*/],
    // Keeps `node:` in imports, so that requireCostlyBuiltins sees `node:http` too.
    removeNodeProtocol: false,
    esbuildPlugins: [requireCostlyBuiltins],
    splitting,
    dts: false,
    sourcemap: false,
    clean: true,
    // Bundled CommonJS dependencies (handlebars, the Slack and cloud clients) call require() for
    // Node's built-ins, which an ES module does not have.
    banner: {
      js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
    },
  };
}
