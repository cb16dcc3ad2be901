import { copyFile } from "node:fs/promises";
import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts" },
  format: ["esm"],
  target: "node22",
  dts: true,
  sourcemap: true,
  clean: true,
  // loopback-only.mjs is a NODE_OPTIONS="--import" preload, not part of the bundle: it is copied
  // as is so that loopbackOnlyPreloadPath() finds it next to dist/index.js.
  async onSuccess() {
    await copyFile("src/loopback-only.mjs", "dist/loopback-only.mjs");
  },
});
