import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      "packages/*/vitest.config.ts",
      "plugins/*/vitest.config.ts",
      "tools/*/vitest.config.ts",
    ],
    reporters: ["default", "./tools/vitest-summary-reporter.ts"],
  },
});
