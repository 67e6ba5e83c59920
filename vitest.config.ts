import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The machine has 2 cores; property tests are CPU bound.
    pool: "forks",
    testTimeout: 30_000,
  },
});
