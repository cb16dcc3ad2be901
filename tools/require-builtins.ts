import type { Options } from "tsup";

type EsbuildPlugin = NonNullable<Options["esbuildPlugins"]>[number];

/** Built-ins whose ES module facade is costly to build. */
const costlyFacades = /^(node:)?(http|https)$/;

/**
 * An esbuild plugin for the plugin bundles: `node:http` and `node:https`, imported as ES modules
 * (by our code and by the SDKs' ES builds), are taken from `process.getBuiltinModule` instead. For
 * an ES import of a built-in, Node builds a facade holding every export, which reads the lazy
 * `WebSocket`, `MessageEvent`… of `node:http` and so loads Node's own copy of undici: tens of
 * milliseconds of every plugin's start-up, for classes no plugin uses.
 */
export const requireCostlyBuiltins: EsbuildPlugin = {
  name: "require-costly-builtins",
  setup(build) {
    build.onResolve({ filter: costlyFacades }, (args) => ({
      path: args.path.replace(/^node:/, ""),
      namespace: "costly-builtin",
    }));
    build.onLoad({ filter: /.*/, namespace: "costly-builtin" }, (args) => ({
      contents: `module.exports = process.getBuiltinModule("node:${args.path}");`,
      loader: "js",
    }));
  },
};
