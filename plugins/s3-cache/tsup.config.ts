import { defineConfig } from "tsup";
import { requireCostlyBuiltins } from "../../tools/require-builtins.js";

// The image copies dist/ whole, without node_modules: every dependency is bundled. Code splitting
// puts each storage adapter (and its SDK) in a chunk of its own, loaded only when a step picks
// that backend, so a restore from S3 never parses Azure's or Google's client at start-up.
export default defineConfig({
  entry: { main: "src/main.ts", plugin: "src/plugin.ts" },
  format: ["esm"],
  target: "node22",
  platform: "node",
  noExternal: [/.*/],
  // Keeps `node:` in imports, so that requireCostlyBuiltins sees `node:http` too.
  removeNodeProtocol: false,
  esbuildPlugins: [requireCostlyBuiltins],
  splitting: true,
  dts: false,
  sourcemap: false,
  clean: true,
  // Bundled CommonJS dependencies (the cloud SDKs) call require() for Node's built-ins, which an
  // ES module does not have.
  banner: {
    js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
  },
});
