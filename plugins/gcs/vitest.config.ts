import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "gcs",
    include: ["src/**/*.test.ts"],
    testTimeout: 120_000,
  },
});
