import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "s3-cache",
    include: ["src/**/*.test.ts"],
    testTimeout: 120_000,
  },
});
