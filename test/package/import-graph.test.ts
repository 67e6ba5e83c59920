/**
 * What importing the core loads before any rule file is read (issue #16): the core's import graph,
 * bundled by esbuild from the source as a Worker or browser build does (ESM, code splitting so
 * `import()` gets its own chunk). yaml and re2js must be reached only through `import()`, so a bot
 * with JSON or object rules and no regex rule never loads or ships them.
 */
import { gzipSync } from "node:zlib";
import { build, type Metafile } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
let outputs: Metafile["outputs"];
let inputs: Metafile["inputs"];
let sizes: Map<string, number>;

const packagesOf = (inputs: Record<string, unknown>) =>
  new Set(Object.keys(inputs).map((path) => path.match(/node_modules\/([^/]+)\//)?.[1] ?? "line-responder"));

beforeAll(async () => {
  const result = await build({
    entryPoints: { core: `${root}src/index.ts` },
    bundle: true,
    splitting: true,
    outdir: "/virtual-out",
    write: false,
    format: "esm",
    platform: "neutral",
    minify: true,
    conditions: ["worker", "browser"],
    mainFields: ["module", "main"],
    metafile: true,
    logLevel: "silent",
  });
  outputs = result.metafile.outputs;
  inputs = result.metafile.inputs;
  sizes = new Map(
    result.outputFiles.map((f) => [f.path.replace(/^.*\/virtual-out\//, ""), gzipSync(f.contents).length]),
  );
}, 60_000);

/** The outputs the core entry loads before it runs: itself and the chunks it imports statically. */
function eager(): string[] {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    for (const i of outputs[name]?.imports ?? [])
      if (i.kind === "import-statement") visit(i.path.replace(/^.*\/?virtual-out\//, ""));
  };
  const entry = Object.keys(outputs).find((name) => outputs[name]?.entryPoint?.endsWith("src/index.ts"));
  visit(entry as string);
  return [...seen].map((name) => name.replace(/^.*virtual-out\//, ""));
}

const outputOf = (name: string) =>
  outputs[Object.keys(outputs).find((key) => key.endsWith(name)) as string] as Metafile["outputs"][string];

describe("the core's import graph", () => {
  it("has no yaml and no re2js: both are chunks of their own, reached by import() only", () => {
    const loaded = eager().flatMap((name) => [...packagesOf(outputOf(name).inputs)]);
    expect(loaded).not.toContain("yaml");
    expect(loaded).not.toContain("re2js");
    const lazy = Object.keys(outputs).filter((name) => !eager().some((e) => name.endsWith(e)));
    const lazyPackages = lazy.flatMap((name) => [...packagesOf(outputOf(name).inputs)]);
    expect(lazyPackages).toEqual(expect.arrayContaining(["yaml", "re2js"]));
  });

  it("the rule file, webhook and option schemas import zod/mini, not classic zod", () => {
    for (const file of [
      "src/rules/schema.ts",
      "src/line/messages.ts",
      "src/validation/responder-options.ts",
      "src/validation/issue-message.ts",
      "src/rules/parse.ts",
      "src/webhook/envelope.ts",
      "src/webhook/events.ts",
      "src/webhook/message-content.ts",
    ]) {
      const input = Object.entries(inputs).find(([path]) => path.endsWith(file))?.[1];
      expect(input, file).toBeDefined();
      const zodImports = (input?.imports ?? []).map((i) => i.path).filter((path) => path.includes("node_modules/zod/"));
      for (const path of zodImports) expect(path, file).toMatch(/node_modules\/zod\/(v4\/)?mini\//);
    }
    const eagerSize = eager().reduce((sum, name) => sum + (sizes.get(name) ?? 0), 0);
    // For the record; the budget is in test/package/size-limit.mjs (`npm run size`).
    console.log(`core entry and its eager chunks: ${(eagerSize / 1000).toFixed(1)} kB min+gzip`);
  });
});
