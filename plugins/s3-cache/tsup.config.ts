import { defineConfig } from "tsup";
import { pluginBundleConfig } from "../../tools/plugin-bundle-config.js";

// The image copies dist/ whole. Code splitting puts each storage adapter (and its SDK) in a chunk
// of its own, loaded only when a step picks that backend, so a restore from S3 never parses
// Azure's or Google's client at start-up.
export default defineConfig(pluginBundleConfig({ splitting: true }));
