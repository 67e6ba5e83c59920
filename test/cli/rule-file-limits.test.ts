import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_MAX_RULE_FILE_BYTES } from "../../src/index.js";
import { runCli } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "line-responder-limits-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const rule = "version: 1\nrules:\n  - { id: a, keywords: [x], reply: [{type: text, text: hi}] }\n";

describe("rule files the CLI refuses to load", () => {
  it("an alias bomb is a rule file error (exit 1), not an internal error", async () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (const name of "bcdef") {
      const previous = String.fromCharCode(name.charCodeAt(0) - 1);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(", ")}]`);
    }
    const path = file("bomb.yaml", levels.join("\n"));
    const result = await runCli(["explain", path, "x"]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr:
        "line-responder: the rule file has 1 error:\n  error   (file): not valid YAML or JSON: its aliases (*name) expand past the limit of 100 repetitions; write the repeated values out\n",
    });
  });

  it("a file over the size limit: one line naming the file and the variable that raises the limit", async () => {
    const path = file("big.yaml", `# ${"x".repeat(DEFAULT_MAX_RULE_FILE_BYTES)}\n${rule}`);
    expect(await runCli(["lint", path])).toEqual({
      code: 1,
      stdout: "",
      stderr: `line-responder: ${path} is over 5 MiB, the size limit of rule files; set LINE_RESPONDER_MAX_RULE_BYTES=<bytes> to raise it\n`,
    });
    const raised = await runCli(["lint", path], {
      LINE_RESPONDER_MAX_RULE_BYTES: String(2 * DEFAULT_MAX_RULE_FILE_BYTES),
    });
    expect(raised).toEqual({ code: 0, stdout: `${path}: ok (1 rule)\n`, stderr: "" });
  });

  it("a limit that is not a number of bytes is a usage error", async () => {
    const path = file("small.yaml", rule);
    const result = await runCli(["lint", path], { LINE_RESPONDER_MAX_RULE_BYTES: "5MB" });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'line-responder: LINE_RESPONDER_MAX_RULE_BYTES must be a whole number of bytes above 0, not "5MB"; usage: line-responder lint <rules.yaml|json> [--at ISO] [--json] [--verbose]\n',
    );
  });
});
