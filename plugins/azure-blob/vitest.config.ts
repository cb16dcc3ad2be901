import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "azure-blob",
    include: ["src/**/*.test.ts"],
    testTimeout: 120_000,
  },
});
