/**
 * `line-responder/modes` is for cron jobs and Workers that only check the account: its import
 * graph must hold none of the core's heavy dependencies (zod, yaml, re2js). Type imports (the
 * state types derived from the zod schemas) are erased and must stay type-only.
 */
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;
const HEAVY = /node_modules\/(zod|yaml|re2js)\//;

async function graphOf(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [`${root}${entry}`],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    external: ["node:*"],
    metafile: true,
    logLevel: "silent",
  });
  return Object.keys(result.metafile.inputs);
}

describe("line-responder/modes", () => {
  it("bundles without zod, yaml or re2js", async () => {
    const inputs = await graphOf("src/modes.ts");
    expect(inputs.some((p) => p.endsWith("src/guards/machine.ts"))).toBe(true);
    expect(inputs.filter((p) => HEAVY.test(p))).toEqual([]);
  });

  it("while the schemas it leaves out do pull zod in (the check can see it)", async () => {
    const inputs = await graphOf("src/schema.ts");
    expect(inputs.some((p) => /node_modules\/zod\//.test(p))).toBe(true);
  });
});
