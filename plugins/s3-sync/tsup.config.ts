import { defineConfig } from "tsup";
import { requireCostlyBuiltins } from "../../tools/require-builtins.js";

// One self-contained file per entry: the image copies dist/main.js alone, without node_modules.
export default defineConfig({
  entry: { main: "src/main.ts", plugin: "src/plugin.ts" },
  format: ["esm"],
  target: "node22",
  platform: "node",
  noExternal: [/.*/],
  // Keeps `node:` in imports, so that requireCostlyBuiltins sees `node:http` too.
  removeNodeProtocol: false,
  esbuildPlugins: [requireCostlyBuiltins],
  splitting: false,
  dts: false,
  sourcemap: false,
  clean: true,
  // Bundled CommonJS dependencies (handlebars, the Slack clients) call require() for Node's
  // built-ins, which an ES module does not have.
  banner: {
    js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
  },
});
