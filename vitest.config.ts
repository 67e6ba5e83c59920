import { defineConfig } from "vitest/config";

export default defineConfig({
  // The examples import the package by name, as users do; in tests the name points at the source.
  resolve: {
    alias: [
      { find: /^line-responder$/, replacement: new URL("./src/index.ts", import.meta.url).pathname },
      { find: /^line-responder\/testing$/, replacement: new URL("./src/testing/index.ts", import.meta.url).pathname },
      { find: /^line-responder\/d1$/, replacement: new URL("./src/stores/d1.ts", import.meta.url).pathname },
      {
        find: /^line-responder\/(modes|schema)$/,
        replacement: new URL("./src/$1.ts", import.meta.url).pathname,
      },
      {
        find: /^line-responder\/(express|fastify|node|lambda|fetch)$/,
        replacement: new URL("./src/adapters/$1.ts", import.meta.url).pathname,
      },
    ],
  },
  test: {
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    // test/types/*.test-d.ts hold type-level tests: vitest runs tsc on them and fails on a type error.
    typecheck: { enabled: true, include: ["test/types/**/*.test-d.ts"], tsconfig: "./test/types/tsconfig.json" },
    // The machine has 2 cores; property tests are CPU bound.
    pool: "forks",
    testTimeout: 30_000,
    // In CI, also write a JSON report so .ci/run can print one plain "N passed, N failed" line.
    reporters: process.env.CI ? ["default", ["json", { outputFile: "test-results.json" }]] : ["default"],
  },
});
