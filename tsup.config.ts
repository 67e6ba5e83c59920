import { defineConfig } from "tsup";

export default defineConfig([
  {
    // The library: ESM and CJS side by side, each with its own declarations (.d.ts / .d.cts),
    // so both `import` and `require` resolve types that match the code they load.
    entry: {
      index: "src/index.ts",
      "testing/index": "src/testing/index.ts",
      "adapters/express": "src/adapters/express.ts",
      "adapters/fastify": "src/adapters/fastify.ts",
      "adapters/node": "src/adapters/node.ts",
      "adapters/lambda": "src/adapters/lambda.ts",
      "adapters/fetch": "src/adapters/fetch.ts",
      "stores/redis": "src/stores/redis.ts",
      "stores/postgres": "src/stores/postgres.ts",
    },
    format: ["esm", "cjs"],
    dts: true,
    target: "node20",
    platform: "neutral",
    sourcemap: true,
    clean: true,
    treeshake: true,
  },
  {
    // The CLI: ESM only, run by node through the package's `bin`.
    entry: { "cli/main": "src/cli/main.ts" },
    format: ["esm"],
    target: "node20",
    platform: "node",
    sourcemap: true,
    clean: false,
  },
]);
