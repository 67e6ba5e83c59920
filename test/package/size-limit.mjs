// Size budgets for `npm run size` (size-limit with its esbuild and file plugins): every export of
// an entry of the built package (`import *`), bundled and minified by esbuild, then gzipped.
// Dependencies (classic zod, yaml, re2js), optional peers and node: modules are left out, so a number is
// this package's own code (with the zod/mini it inlines). Two more lines count the core with its dependencies, as a Worker
// bundles it: what loads at startup (zod; yaml and re2js are imported only for YAML text and
// regex rules, issue #16), and everything, for a Worker that calls loadRuleSet with both. Budgets
// are about 15% above the sizes of 2026-11-25 (docs/performance.md); raise one on purpose, in the
// commit that makes the code bigger.

const budgets = {
  // The core, the schemas and the testing kit carry the part of zod/mini they use (tsup.config.ts).
  // Issue #16's load speed-ups (the presized string table, the index kept in typed arrays, 16-bit
  // automaton rows, the shape check of sets built in code) took it to the old 36 kB: 37 kB.
  "line-responder": "37 kB",
  // Issue #16's target: a Worker or Lambda without YAML or regex rules loads at most 60 kB.
  "line-responder at startup, with zod": "60 kB",
  "line-responder with zod, yaml, re2js": "128 kB",
  "line-responder/modes": "8.3 kB",
  "line-responder/modes with its dependencies": "8.3 kB",
  "line-responder/schema": "16 kB",
  // The adapters grew with the one contract they share (issue #15: its driver, node:crypto's HMAC
  // and content-length answers), postgres with group commit and redis with Cluster (issue #16).
  // The node adapter's exchange became a class that lets go of its body listeners (issue #16's
  // Express speed-up): 20 bytes more.
  "line-responder/express": "1.15 kB",
  "line-responder/fastify": "880 B",
  "line-responder/node": "940 B",
  "line-responder/lambda": "930 B",
  "line-responder/fetch": "820 B",
  "line-responder/redis": "4.5 kB",
  "line-responder/postgres": "7.1 kB",
  "line-responder/d1": "3.15 kB",
  // The testing kit compiles rule sets built in code, which compileRules now checks against the
  // schema first (a wrong field named, not a crash): the schema's fast path came with it, 3 kB.
  "line-responder/testing": "34.5 kB",
};

const files = {
  "line-responder": "index.js",
  "line-responder/modes": "modes.js",
  "line-responder/schema": "schema.js",
  "line-responder/express": "adapters/express.js",
  "line-responder/fastify": "adapters/fastify.js",
  "line-responder/node": "adapters/node.js",
  "line-responder/lambda": "adapters/lambda.js",
  "line-responder/fetch": "adapters/fetch.js",
  "line-responder/redis": "stores/redis.js",
  "line-responder/postgres": "stores/postgres.js",
  "line-responder/d1": "stores/d1.js",
  "line-responder/testing": "testing/index.js",
};

// The ESM build imports one shared chunk bare; with "sideEffects": false esbuild drops that import
// (rightly: the chunks that use it import it themselves) and would warn on every check.
const quiet = (config) => ({ ...config, logOverride: { "ignored-bare-import": "silent" } });

const check = (name, file, ignore) => ({
  name,
  path: `../../dist/${file}`,
  import: "*",
  gzip: true,
  ignore,
  limit: budgets[name],
  modifyEsbuildConfig: quiet,
});

const own = ["zod", "yaml", "re2js", "node:*"];
const [core, ...subpaths] = Object.entries(files);
export default [
  check(core[0], core[1], own),
  check("line-responder at startup, with zod", core[1], ["yaml", "re2js", "node:*"]),
  check("line-responder with zod, yaml, re2js", core[1], ["node:*"]),
  // The guard alone, as a cron job or Worker bundles it: it has no dependencies to add.
  check("line-responder/modes with its dependencies", files["line-responder/modes"], ["node:*"]),
  ...subpaths.map(([name, file]) => check(name, file, own)),
];
