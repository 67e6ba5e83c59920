import { build } from "esbuild";
import { describe, expect, it } from "vitest";

describe("line-responder/fetch", () => {
  it("a Worker made of the core and the fetch entry bundles with no node: import anywhere in its graph", async () => {
    const worker = `
      import { createResponder, parseRuleSet } from "./src/index.ts";
      import { createFetchHandler } from "./src/adapters/fetch.ts";
      const responder = createResponder({ channelSecret: "s", rules: parseRuleSet("version: 1\\nrules: []") });
      export default { fetch: createFetchHandler(responder) };
    `;
    const result = await build({
      stdin: { contents: worker, resolveDir: new URL("../..", import.meta.url).pathname, loader: "ts" },
      bundle: true,
      write: false,
      format: "esm",
      platform: "neutral",
      conditions: ["worker", "browser"],
      mainFields: ["module", "main"],
      metafile: true,
      logLevel: "silent",
    });
    const inputs = Object.keys(result.metafile.inputs);
    const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports.map((i) => i.path));
    for (const part of [
      "src/responder.ts",
      "src/adapters/fetch.ts",
      "src/rules/parse.ts",
      "src/webhook/signature.ts",
    ]) {
      expect(inputs.some((p) => p.includes(part))).toBe(true);
    }
    expect(imports.filter((p) => p.startsWith("node:"))).toEqual([]);
    const code = result.outputFiles[0]?.text ?? "";
    expect(code).not.toMatch(/from\s*["']node:|require\(["']node:/);
    // Nor the bare names of Node built-ins.
    expect(code).not.toMatch(/from\s*["'](crypto|http|https|fs|buffer|stream|util)["']/);
  });
});
