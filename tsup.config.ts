import { defineConfig } from "tsup";

export default defineConfig([
  {
    // The library: ESM and CJS side by side, each with its own declarations (.d.ts / .d.cts),
    // so both `import` and `require` resolve types that match the code they load.
    entry: {
      index: "src/index.ts",
      modes: "src/modes.ts",
      schema: "src/schema.ts",
      "testing/index": "src/testing/index.ts",
      "adapters/express": "src/adapters/express.ts",
      "adapters/fastify": "src/adapters/fastify.ts",
      "adapters/node": "src/adapters/node.ts",
      "adapters/lambda": "src/adapters/lambda.ts",
      "adapters/fetch": "src/adapters/fetch.ts",
      "stores/redis": "src/stores/redis.ts",
      "stores/postgres": "src/stores/postgres.ts",
      "stores/d1": "src/stores/d1.ts",
    },
    format: ["esm", "cjs"],
    dts: true,
    target: "node20",
    platform: "neutral",
    sourcemap: true,
    clean: true,
    treeshake: true,
    // Shared chunks for CJS too (tsup splits only ESM by default): without it every CJS entry
    // carries its own copy of shared classes, so `StoreConnectionError` from `line-responder/redis`
    // is not `instanceof` the one from `line-responder` (test/package/check.mjs checks this).
    splitting: true,
    // Keep `node:http` as written (tsup 8 strips the prefix by default): Deno needs the prefix,
    // and bundlers for Workers or browsers treat a bare `http` as an npm package. With the
    // neutral platform, node's modules must then be named external here.
    removeNodeProtocol: false,
    external: [/^node:/],
    // zod/mini's own code is small (about 10 kB gzipped of what the core uses), but unbundled it
    // loads zod's whole core from node_modules, every locale included: about 100 ms of a plain
    // Node start. Bundled into the core's chunk it costs what a Worker's bundle costs (issue #16).
    // Classic zod (the state schemas, the testing kit) stays external; the types name "zod".
    noExternal: [/^zod\/mini$/],
  },
  {
    // The CLI: ESM only, run by node through the package's `bin`.
    entry: { "cli/main": "src/cli/main.ts" },
    format: ["esm"],
    target: "node20",
    platform: "node",
    sourcemap: true,
    clean: false,
    removeNodeProtocol: false,
  },
]);
