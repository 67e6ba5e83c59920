import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const example = fileURLToPath(new URL("../../examples/rules/campaign.yaml", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "line-responder-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const broken = `version: 1
rules:
  - id: gift
    keywords: [""]
    reply: [{ type: text, text: hi }]
  - id: gift
    match: regex
    keywords: ["(?=x)"]
    reply: [{ type: text, text: hi }]
    colour: red
`;

describe("line-responder lint", () => {
  it("a clean file: exit 0", async () => {
    const path = file(
      "clean.yaml",
      "version: 1\nrules:\n  - { id: a, keywords: [x], reply: [{type: text, text: hi}] }\n",
    );
    expect(await runCli(["lint", path])).toEqual({ code: 0, stdout: `${path}: ok (1 rule)\n`, stderr: "" });
  });

  it("warnings only: printed, exit 0", async () => {
    const result = await runCli(["lint", example, "--at", "2020-01-01T00:00:00+09:00"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `${example}: 1 warning\n  warning rules[0].window.until (line 16): the window ended 2019-08-11T00:00:00+09:00; the rule no longer answers\n`,
    );
  });

  it("errors: one line per problem with its path, exit 1, no stack trace", async () => {
    const path = file("broken.yaml", broken);
    const result = await runCli(["lint", path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("");
    expect(result.stdout.split("\n")).toEqual([
      `${path}: 2 errors`,
      "  error   rules[0].keywords[0] (line 4): must not be empty",
      '  error   rules[1].colour (line 10): unknown field "colour" (allowed here: id, match, keywords, reward, reply, window, priority, sources, answeredBy, guard)',
      "",
    ]);
  });

  it("--json: one object with every issue", async () => {
    const path = file("broken2.yaml", broken.replace("colour: red\n", "").replace('[""]', "[x]"));
    const result = await runCli(["lint", path, "--json"]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toMatchObject({
      file: path,
      errors: 2,
      warnings: 0,
      issues: [
        { severity: "error", code: "duplicate-rule-id", path: "rules[1].id", line: 6 },
        { severity: "error", code: "unsafe-regex", path: "rules[1].keywords[0]", line: 8 },
      ],
    });
    const clean = await runCli(["lint", example, "--json", "--at", "2019-08-05T00:00:00+09:00"]);
    expect(JSON.parse(clean.stdout)).toEqual({ file: example, errors: 0, warnings: 0, issues: [] });
  });

  it("a missing file: one line, exit 1", async () => {
    expect(await runCli(["lint", join(dir, "nope.yaml")])).toEqual({
      code: 1,
      stdout: "",
      stderr: `line-responder: cannot read ${join(dir, "nope.yaml")}: no such file\n`,
    });
  });

  it("a missing relative path: names the file it looked for", async () => {
    const result = await runCli(["explain", "examples/rules/nope.yaml", "hi"]);
    expect(result).toEqual({
      code: 1,
      stdout: "",
      stderr: `line-responder: cannot read examples/rules/nope.yaml: no such file (looked for ${join(process.cwd(), "examples/rules/nope.yaml")})\n`,
    });
  });
});

describe("line-responder explain", () => {
  it("prints the normalized text and the answering rule for each text", async () => {
    const result = await runCli(["explain", example, "ﾌﾟﾚｾﾞﾝﾄ！", "くーぽん下さい", "hello", "--at", "2019-08-05T12:00"]);
    expect(result).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        '"ﾌﾟﾚｾﾞﾝﾄ！" -> "プレゼント"',
        '  => survey-gift (exact "プレゼント"): answers',
        '"くーぽん下さい" -> "クーポン下サイ"',
        '  => coupon (contains "クーポン"): answers',
        '"hello" -> "hello"',
        "  no keyword matches",
        "",
      ].join("\n"),
    });
  });

  it("--json prints one object per text, in the documented shape", async () => {
    const result = await runCli([
      "explain",
      example,
      "ぷれぜんと🎁",
      "nothing",
      "--json",
      "--at",
      "2019-08-05T12:00:00+09:00",
    ]);
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      {
        text: "ぷれぜんと🎁",
        normalized: "プレゼント",
        match: { ruleId: "survey-gift", keyword: "プレゼント", kind: "exact" },
        candidates: [{ ruleId: "survey-gift", keyword: "プレゼント", kind: "exact", priority: 0, outcome: "matched" }],
        native: null,
        nativeCandidates: [],
      },
      { text: "nothing", normalized: "nothing", match: null, candidates: [], native: null, nativeCandidates: [] },
    ]);
  });

  it("--source and a closed window explain why no rule answers", async () => {
    const result = await runCli(["explain", example, "プレゼント", "--source", "group", "--at", "2019-08-05T12:00"]);
    expect(result.stdout).toContain('survey-gift (exact "プレゼント"): not allowed for this source');
    expect(result.stdout).toContain("no rule answers");
  });

  it("a broken rule file: exit 1 with the problems", async () => {
    const result = await runCli(["explain", file("broken3.yaml", broken), "x"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("rules[0].keywords[0] (line 4): must not be empty");
  });
});

describe("usage errors: exit 2, one line", () => {
  it.each([
    [[], "missing command"],
    [["frob"], 'unknown command "frob"'],
    [["lint"], "lint: missing rule file"],
    [["explain", example], "give at least one text"],
    [["explain", example, "x", "--at", "yesterday"], '--at "yesterday" is not an ISO 8601 time'],
    [["explain", example, "x", "--source", "channel"], "--source must be one of user, group, room"],
    [["lint", example, "--bogus"], "unknown option --bogus"],
    [["lint", example, "--source", "group"], "lint does not take --source"],
    [["modes"], "modes: missing subcommand (simulate, diagram or check)"],
  ])("%j", async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    if (args.length === 0) expect(result.stderr).toContain("Usage:");
    else expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it.each([
    [["demo", "--seed", "-1"], '--seed must be a whole number above 0, not "-1"', "line-responder demo [--seed N]"],
    [["demo", "--users", "-5"], '--users must be a whole number above 0, not "-5"', "line-responder demo [--seed N]"],
    [["emulator", "--quota", "-3"], '--quota must be a whole number, not "-3"', "line-responder emulator [--port N]"],
    [["lint", "x.yaml", "--bogus"], "unknown option --bogus", "line-responder lint <rules.yaml|json>"],
    [["explain", "x.yaml", "hi", "--at"], "--at needs a value", "line-responder explain <rules.yaml|json>"],
    [["lint", "x.yaml", "--json=yes"], "--json takes no value", "line-responder lint <rules.yaml|json>"],
    [["modes", "diagram", "--nope"], "unknown option --nope", "line-responder modes diagram --profile"],
    [
      ["--at", "2019-08-05", "lint", "x.yaml", "--nope"],
      "unknown option --nope",
      "line-responder lint <rules.yaml|json>",
    ],
  ])("%j: the mistake and the command's usage in one line, exit 2", async (args, message, usage) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(/^line-responder: [^\n]*\n$/);
    expect(result.stderr).toContain(`line-responder: ${message}; usage: ${usage}`);
    expect(result.stderr).not.toMatch(/To specify a positional|ambiguous|Unknown option/);
  });

  it("--help prints the usage, exit 0", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("line-responder lint");
  });
});

describe("the real process", () => {
  const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
  const main = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
  const spawn = (...args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(tsx, [main, ...args], (error, stdout, stderr) => {
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      });
    });

  it("sets the exit code and prints no stack trace for a bad rule file", async () => {
    const result = await spawn("lint", file("broken4.yaml", broken));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("must not be empty");
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /);
    const explain = await spawn("explain", file("broken5.yaml", broken), "x");
    expect(explain.code).toBe(1);
    expect(explain.stderr).toContain("must not be empty");
    expect(explain.stderr).not.toMatch(/\n\s+at /);
  });

  it("--version prints the package's version, exit 0", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(await spawn("--version")).toEqual({ code: 0, stdout: `line-responder ${version}\n`, stderr: "" });
  });

  it("exits 0 on a good file", async () => {
    const result = await spawn("explain", example, "プレゼント", "--at", "2019-08-05T12:00", "--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).match.ruleId).toBe("survey-gift");
  });
});
