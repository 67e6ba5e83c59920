#!/usr/bin/env node
// `npm run bench:import`: what loading the core costs at startup. Spawns `node -e` that imports
// (or requires) the built core, against a baseline `node -e ""` of the same input type, N times
// each, interleaved, and prints medians: the process time, its difference with the baseline, the
// ratio, and the import() time measured inside the process. A benchmark, not a test: it asserts
// nothing; the ratios against the baseline of the same run are what to compare across machines.
//
// `@line/bot-sdk` (which every bot imports too) is timed in the same rounds, for scale.
//
//   node test/package/bench-import.mjs [--runs N] [--against DIR]
//   (default 30 runs; needs `npm run build`; --against: another build's dist folder, e.g. main's,
//   timed in the same rounds; its node_modules must resolve from DIR/..)
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const runsAt = process.argv.indexOf("--runs");
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 30;
const againstAt = process.argv.indexOf("--against");
const against = againstAt > 0 ? process.argv[againstAt + 1] : undefined;
const esm = join(root, "dist/index.js");
const modesEsm = join(root, "dist/modes.js");
const cjs = join(root, "dist/index.cjs");
if (!existsSync(esm) || !existsSync(cjs)) {
  console.error("bench:import: no dist/index.js or dist/index.cjs; run `npm run build` first");
  process.exit(1);
}

// The children run without NODE_OPTIONS and NODE_EXTRA_CA_CERTS: Node 20 reads that CA file at
// every start (about 70 ms on this project's machines), which would hide the import in the noise.
const env = { ...process.env };
delete env.NODE_OPTIONS;
delete env.NODE_EXTRA_CA_CERTS;

// Each case prints the import's own time (ms) on stdout; the baselines print nothing.
const timed = (load) => `const t=performance.now();${load};console.log(performance.now()-t)`;
const cjsBaseline = against ? 7 : 6;
const cases = [
  { name: 'node -e "" (ESM)', args: ["--input-type=module", "-e", ""] },
  {
    name: "import line-responder",
    baseline: 0,
    args: ["--input-type=module", "-e", timed(`await import(${JSON.stringify(pathToFileURL(esm).href)})`)],
  },
  // zod/mini as node_modules has it: what the core would cost without bundling it (the build
  // inlines the part the core uses). yaml and re2js load only for YAML text and regex rules:
  // timed apart, for the bots that have them.
  {
    name: "zod/mini unbundled (the core inlines it)",
    baseline: 0,
    args: ["--input-type=module", "-e", timed('await import("zod/mini")')],
  },
  {
    name: "yaml + re2js (first YAML text, regex rule)",
    baseline: 0,
    args: ["--input-type=module", "-e", timed('await import("yaml");await import("re2js")')],
  },
  // The guard alone: what a cron job that only checks the account pays.
  {
    name: "import line-responder/modes",
    baseline: 0,
    args: ["--input-type=module", "-e", timed(`await import(${JSON.stringify(pathToFileURL(modesEsm).href)})`)],
  },
  {
    name: "import @line/bot-sdk",
    baseline: 0,
    args: ["--input-type=module", "-e", timed('await import("@line/bot-sdk")')],
  },
  ...(against
    ? [
        {
          name: `import ${against}/index.js`,
          baseline: 0,
          args: [
            "--input-type=module",
            "-e",
            timed(`await import(${JSON.stringify(pathToFileURL(join(against, "index.js")).href)})`),
          ],
        },
      ]
    : []),
  { name: 'node -e "" (CJS)', args: ["--input-type=commonjs", "-e", ""] },
  {
    name: "require line-responder",
    baseline: cjsBaseline,
    args: ["--input-type=commonjs", "-e", timed(`require(${JSON.stringify(cjs)})`)],
  },
  ...(against
    ? [
        {
          name: `require ${against}/index.cjs`,
          baseline: cjsBaseline,
          args: ["--input-type=commonjs", "-e", timed(`require(${JSON.stringify(join(against, "index.cjs"))})`)],
        },
      ]
    : []),
];

function once(c) {
  const started = performance.now();
  const r = spawnSync(process.execPath, c.args, { cwd: root, env, encoding: "utf8" });
  const total = performance.now() - started;
  if (r.status !== 0) throw new Error(`node ${c.args.join(" ")} exited ${r.status}\n${r.stderr}`);
  return { total, inside: r.stdout.trim() ? Number(r.stdout.trim()) : undefined };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

for (let i = 0; i < 3; i++) for (const c of cases) once(c); // warm the file cache
const samples = cases.map(() => ({ total: [], inside: [] }));
for (let i = 0; i < runs; i++) {
  for (const [k, c] of cases.entries()) {
    const { total, inside } = once(c);
    samples[k].total.push(total);
    if (inside !== undefined) samples[k].inside.push(inside);
  }
}

console.log(
  `import time of the core (dist/index.js, dist/index.cjs): ${runs} runs each, interleaved, medians, Node ${process.version}`,
);
const rows = cases.map((c, k) => {
  const total = median(samples[k].total);
  if (c.baseline === undefined) return [c.name, total.toFixed(1), "", "1.00x", ""];
  const base = median(samples[c.baseline].total);
  const inside = median(samples[k].inside);
  return [
    c.name,
    total.toFixed(1),
    `+${(total - base).toFixed(1)}`,
    `${(total / base).toFixed(2)}x`,
    inside.toFixed(1),
  ];
});
const header = ["", "process ms", "vs baseline ms", "ratio", "in-process ms"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
for (const row of [header, ...rows]) {
  console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  "));
}
