/**
 * Rule file loading benchmark (issue #16): `parseRuleSet` and `compileRules` at 1,000 / 10,000 /
 * 100,000 keywords, from an object, from JSON text and from YAML text, next to `JSON.parse` of the
 * same text in the same run (the floor any reader of that text pays).
 *
 *   npm run bench:parse
 *   npm run bench:parse -- --against /path/to/other/dist/index.js   (an older build, same rounds)
 *   npm run bench:parse -- --sizes 10000 --rounds 5 --inputs object,json
 *
 * Every contender runs once per round, interleaved, and the best round is kept: the machine is
 * shared and noisy, and a round only gets slower from load, never faster.
 */
import { pathToFileURL } from "node:url";
import * as current from "../src/index.js";
import { makeCorpus } from "./corpus.js";

type Core = Pick<typeof current, "parseRuleSet" | "compileRules">;

const arg = (name: string) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const SIZES = (arg("--sizes") ?? "1000,10000,100000").split(",").map(Number);
const ROUNDS = Number(arg("--rounds") ?? 5);
const against = arg("--against");
/** Which inputs to time: `object`, `json`, `yaml` (default all three; YAML only up to 10,000 keywords). */
const INPUTS = (arg("--inputs") ?? "object,json,yaml").split(",");
const other: Core | undefined = against ? await import(pathToFileURL(against).href) : undefined;

function time(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function yamlOf(rules: { id: string; match: string; keywords: string[] }[]): string {
  const lines = ["version: 1", "rules:"];
  for (const r of rules) {
    lines.push(
      `  - id: ${JSON.stringify(r.id)}`,
      `    match: ${r.match}`,
      `    keywords: [${JSON.stringify(r.keywords[0])}]`,
    );
    lines.push("    reply: [{ type: text, text: ok }]");
  }
  return lines.join("\n");
}

const rows: string[][] = [];
for (const size of SIZES) {
  const corpus = makeCorpus(size, 10);
  const object = {
    version: 1 as const,
    rules: corpus.rules.map((r) => ({ ...r, reply: [{ type: "text" as const, text: "ok" }] })),
  };
  const json = JSON.stringify(object, null, 1);
  const inputs: [string, unknown][] = [];
  if (INPUTS.includes("object")) inputs.push(["object", object]);
  if (INPUTS.includes("json")) inputs.push(["JSON text", json]);
  // YAML at 100,000 rules takes tens of seconds on a loaded machine: up to 10,000.
  if (INPUTS.includes("yaml") && size <= 10_000) inputs.push(["YAML text", yamlOf(object.rules)]);
  const options = { maxBytes: 1 << 30 };
  const cores: [string, Core][] = [["now", current], ...(other ? [["before", other] as [string, Core]] : [])];

  for (const [inputName, input] of inputs) {
    const best = new Map<string, number>();
    const keep = (key: string, ms: number) => best.set(key, Math.min(best.get(key) ?? Number.POSITIVE_INFINITY, ms));
    const rounds = size >= 100_000 ? Math.min(ROUNDS, 3) : ROUNDS;
    for (let round = 0; round < rounds; round++) {
      if (typeof input === "string")
        keep(
          "JSON.parse",
          time(() => JSON.parse(json)),
        );
      for (const [name, core] of cores) {
        let ruleSet: ReturnType<Core["parseRuleSet"]> | undefined;
        keep(
          `${name} parse`,
          time(() => (ruleSet = core.parseRuleSet(input, options))),
        );
        keep(
          `${name} compile`,
          time(() => core.compileRules(ruleSet as ReturnType<Core["parseRuleSet"]>)),
        );
      }
    }
    const total = (name: string) => (best.get(`${name} parse`) ?? 0) + (best.get(`${name} compile`) ?? 0);
    const row = [
      size.toLocaleString("en"),
      inputName,
      (best.get("now parse") ?? 0).toFixed(1),
      (best.get("now compile") ?? 0).toFixed(1),
      total("now").toFixed(1),
    ];
    if (other) {
      row.push(
        (best.get("before parse") ?? 0).toFixed(1),
        total("before").toFixed(1),
        `${(total("before") / total("now")).toFixed(1)}x`,
      );
    }
    const floor = best.get("JSON.parse");
    row.push(floor === undefined ? "" : `${((best.get("now parse") ?? 0) / floor).toFixed(1)}x`);
    rows.push(row);
  }
}

console.log(
  `parseRuleSet + compileRules, best of ${ROUNDS} interleaved rounds (3 at 100,000), ms, Node ${process.version}`,
);
const header = [
  "keywords",
  "input",
  "parse",
  "compile",
  "parse+compile",
  ...(other ? ["before: parse", "before: parse+compile", "speed-up"] : []),
  "parse vs JSON.parse",
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
for (const row of [header, ...rows]) {
  console.log(row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  "));
}
