#!/usr/bin/env node
// `npm run size`: size-limit with the budgets in test/package/size-limit.mjs, one line per entry
// (size, budget, share of the budget); exits 1 when an entry is over its budget. Needs a build.
//
//   node test/package/size.mjs [--markdown]   (--markdown: the table for docs/performance.md)
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
if (!existsSync(join(root, "dist/index.js"))) {
  console.error("size: no dist/index.js; run `npm run build` first");
  process.exit(1);
}
const cli = join(root, "node_modules/size-limit/bin.js");
const r = spawnSync(process.execPath, [cli, "--json", "--config", "test/package/size-limit.mjs"], {
  cwd: root,
  encoding: "utf8",
});
let results;
try {
  results = JSON.parse(r.stdout);
} catch {
  console.error(`size-limit exited ${r.status}\n${r.stdout}${r.stderr}`);
  process.exit(1);
}
if (!Array.isArray(results)) {
  console.error(`size-limit: ${results.error ?? r.stdout}`);
  process.exit(1);
}

const kB = (bytes) => (bytes >= 1000 ? `${(bytes / 1000).toFixed(2)} kB` : `${bytes} B`);
const over = results.filter((c) => c.passed === false);
if (process.argv.includes("--markdown")) {
  console.log("| entry | min + gzip | budget | of budget |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const c of results) {
    console.log(
      `| \`${c.name}\` | ${kB(c.size)} | ${kB(c.sizeLimit)} | ${Math.round((100 * c.size) / c.sizeLimit)}% |`,
    );
  }
} else {
  const width = Math.max(...results.map((c) => c.name.length));
  for (const c of results) {
    const share = `${Math.round((100 * c.size) / c.sizeLimit)}%`.padStart(4);
    const verdict = c.passed === false ? "OVER BUDGET" : "ok";
    console.log(
      `${c.name.padEnd(width)}  ${kB(c.size).padStart(9)} of ${kB(c.sizeLimit).padStart(9)} ${share}  ${verdict}`,
    );
  }
  console.log(
    over.length
      ? `size: ${over.length} of ${results.length} entries over budget (raise a budget in test/package/size-limit.mjs only on purpose)`
      : `size: all ${results.length} entries within budget (minified + gzipped, esbuild)`,
  );
}
// What a bot that only guards its account saves: the guard against the whole core, both bundled
// with their dependencies, from this same run.
const sized = (name) => results.find((c) => c.name === name)?.size;
const modes = sized("line-responder/modes with its dependencies");
const whole = sized("line-responder with zod, yaml, re2js");
if (modes && whole) {
  console.log(
    `line-responder/modes is ${((100 * modes) / whole).toFixed(1)}% of line-responder (${kB(modes)} vs ${kB(whole)}, each with its dependencies)`,
  );
}
process.exit(over.length ? 1 : 0);
