import { defineConfig } from "tsup";
import { pluginBundleConfig } from "../../tools/plugin-bundle-config.js";

// One self-contained file per entry: the image copies dist/main.js alone.
export default defineConfig(pluginBundleConfig({ splitting: false }));
