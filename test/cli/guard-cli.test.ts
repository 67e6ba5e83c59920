// Issue #12 from the shell: a missing webhook URL, --strict without rules, observations under
// --strict, native rules in explain, opted-out rules in lint, the webhook probe and the watch.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CliIO } from "../../src/cli/io.js";
import { lintCommand } from "../../src/cli/lint-command.js";
import { checkCommand, type ModesFlags } from "../../src/cli/modes-command.js";
import { runCli } from "../helpers/cli.js";
import { type LineApiStandIn, startLineApi } from "../helpers/line-api.js";

const seed = fileURLToPath(new URL("../../examples/rules/seed-incident.yaml", import.meta.url));
const currentOn = '{"chat":false,"webhook":true,"autoResponse":true,"greeting":true}';
const legacyOn = '{"mode":"bot","webhook":true,"autoResponse":true,"greeting":true}';
const TOKEN = "good-token";

async function writeRuleFile(name: string, text: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), "line-responder-guard-")), name);
  await writeFile(path, text);
  return path;
}

/** An always-on bot rule, as in getting-started. */
const ALWAYS_ON = `version: 1
rules:
  - id: gift
    keywords: [プレゼント]
    reply: [{ type: text, text: "ありがとう" }]
`;

/** Runs a command function in-process, as run() would, with what it printed. */
function captureIO(env: Record<string, string> = {}, untilStopped?: () => Promise<void>) {
  const out = { stdout: "", stderr: "" };
  const io: CliIO = {
    stdout: (text) => {
      out.stdout += text;
    },
    stderr: (text) => {
      out.stderr += text;
    },
    readFile: (path) => readFile(path, "utf8"),
    env,
    ...(untilStopped ? { untilStopped } : {}),
  };
  return { io, out };
}

/** A server on 127.0.0.1 that answers every request with `status` and keeps the JSON bodies. */
async function startServer(status: number) {
  const bodies: unknown[] = [];
  let arrived: () => void = () => {};
  const firstBody = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => {
      raw += chunk;
    });
    req.on("end", () => {
      bodies.push(raw === "" ? null : JSON.parse(raw));
      res.writeHead(status, { "content-type": "application/json" }).end("{}");
      arrived();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return { url, bodies, firstBody, close: () => new Promise((resolve) => server.close(resolve)) };
}

let api: LineApiStandIn;
beforeAll(async () => {
  api = await startLineApi(TOKEN);
});
afterAll(() => api.close());

const checkArgs = (profile: string, declared: string) => [
  "modes",
  "check",
  "--profile",
  profile,
  "--rules",
  seed,
  "--declared",
  declared,
  "--api-base",
  api.baseURL,
  "--at",
  "2019-08-05T12:00",
];

describe("3. a webhook with no URL set is a critical finding, exit 1", () => {
  it.each([
    ["current", currentOn],
    ["legacy", legacyOn],
  ])("%s", async (profile, declared) => {
    const url = api.emulator.webhookUrl;
    api.emulator.webhookUrl = undefined;
    try {
      const result = await runCli(checkArgs(profile, declared), { LINE_CHANNEL_ACCESS_TOKEN: TOKEN });
      expect(result).toMatchObject({ code: 1, stderr: "" });
      expect(result.stdout).toContain("no webhook URL");
      expect(result.stdout).toContain(
        '  critical the channel has no webhook URL: "voice-gift" (2019-08-04T00:00:00+09:00 to 2019-08-11T00:00:00+09:00) from 2019-08-05T12:00:00+09:00: no webhook URL is set',
      );
      expect(result.stdout).toContain("repair: set the Webhook URL in the LINE Developers Console");
    } finally {
      api.emulator.webhookUrl = url;
    }
  });
});

describe("5. --strict needs --rules", () => {
  it("is a usage error, exit 2", async () => {
    const result = await runCli([
      "modes",
      "simulate",
      "--profile",
      "current",
      "--from",
      currentOn,
      "--strict",
      "SET_WEBHOOK:off",
    ]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain("--strict needs --rules FILE");
  });
});

describe("2. modes simulate --strict applies observations", () => {
  it.each([
    ["current", currentOn, { chat: false, webhook: false }],
    ["legacy", legacyOn, { mode: "bot", webhook: false }],
  ])("%s", async (profile, from, state) => {
    const result = await runCli([
      "modes",
      "simulate",
      "--profile",
      profile,
      "--from",
      from,
      "--rules",
      seed,
      "--at",
      "2019-08-05T12:00",
      "--strict",
      "--json",
      "OBSERVE:chatMode=bot,webhookActive=false",
    ]);
    expect(result.code).toBe(0);
    const line = JSON.parse(result.stdout);
    expect(line).toMatchObject({ ok: true, state, repairs: [{ action: "turn Webhook on" }] });
    expect(line.findings.map((f: { severity: string; code: string }) => [f.severity, f.code])).toEqual([
      ["warning", "DRIFT"],
      ["critical", "CAMPAIGN_SILENT"],
    ]);
  });
});

describe("5. explain says OA Manager answers a native rule", () => {
  it("readable and JSON", async () => {
    const result = await runCli(["explain", seed, "くーぽん", "--at", "2019-08-05T12:00"]);
    expect(result.stdout).toBe(
      '"くーぽん" -> "クーポン"\n  => coupon-autoresponse (exact "クーポン"): answered by OA Manager\'s auto-response (answeredBy: native), not by the bot\n',
    );
    const json = await runCli(["explain", seed, "クーポン", "--json", "--at", "2019-08-05T12:00"]);
    expect(JSON.parse(json.stdout)).toMatchObject({
      match: null,
      native: { ruleId: "coupon-autoresponse", keyword: "クーポン" },
    });
  });
});

describe("lint --verbose lists the rules that opted out of the guard", () => {
  it("and stays quiet about them otherwise", async () => {
    const file = await writeRuleFile(
      "opt-out.yaml",
      `version: 1
rules:
  - id: hello
    keywords: [こんにちは]
    reply: [{ type: text, text: "こんにちは" }]
    guard: false
`,
    );
    const verbose = captureIO();
    expect(await lintCommand(file, { json: false, verbose: true }, verbose.io)).toBe(0);
    expect(verbose.out.stdout).toContain(
      'info    rules[0].guard (line 6): rule "hello" is not guarded (guard: false): the mode guard lets it go unanswered',
    );
    const quiet = captureIO();
    await lintCommand(file, { json: false }, quiet.io);
    expect(quiet.out.stdout).not.toContain("not guarded");
  });
});

const flags = (extra: Partial<ModesFlags>): ModesFlags => ({
  json: false,
  strict: false,
  rules: seed,
  declared: currentOn,
  "api-base": api.baseURL,
  ...extra,
});

describe("modes check --probe", () => {
  it("a bot server answering 500 to LINE's webhook test is critical", async () => {
    const bot = await startServer(500);
    const url = api.emulator.webhookUrl;
    api.emulator.webhookUrl = bot.url;
    try {
      const { io, out } = captureIO({ LINE_CHANNEL_ACCESS_TOKEN: TOKEN });
      expect(await checkCommand(flags({ probe: true, at: "2019-08-05T12:00" }), io)).toBe(1);
      expect(out.stdout).toContain(", webhook test HTTP 500");
      expect(out.stdout).toContain(`critical LINE's webhook test of ${bot.url} got HTTP 500 (ERROR_STATUS_CODE`);
      expect(bot.bodies).toEqual([{ destination: expect.any(String), events: [] }]);
    } finally {
      api.emulator.webhookUrl = url;
      await bot.close();
    }
  });

  it("a bot server answering 200 passes", async () => {
    const bot = await startServer(200);
    const url = api.emulator.webhookUrl;
    api.emulator.webhookUrl = bot.url;
    try {
      const { io, out } = captureIO({ LINE_CHANNEL_ACCESS_TOKEN: TOKEN });
      expect(await checkCommand(flags({ probe: true, at: "2019-08-05T12:00" }), io)).toBe(0);
      expect(out.stdout).toContain("ok: 2 rule(s) guarded");
    } finally {
      api.emulator.webhookUrl = url;
      await bot.close();
    }
  });
});

describe("modes check --watch --notify", () => {
  it("posts the finding as JSON with a Slack text field to the URL, and exits 1 while it lasts", async () => {
    const alerts = await startServer(200);
    api.account.webhookActive = false;
    try {
      const { io, out } = captureIO({ LINE_CHANNEL_ACCESS_TOKEN: TOKEN }, () => alerts.firstBody);
      const rules = await writeRuleFile("always.yaml", ALWAYS_ON);
      const code = await checkCommand(flags({ watch: true, interval: "5m", notify: alerts.url, rules }), io);
      expect(code).toBe(1);
      expect(alerts.bodies).toHaveLength(1);
      expect(alerts.bodies[0]).toMatchObject({
        text: expect.stringMatching(
          /^line-responder: CRITICAL CAMPAIGN_SILENT: 1 live rule goes unanswered: "gift" \(always\)/,
        ),
        status: "appeared",
        finding: { severity: "critical", code: "CAMPAIGN_SILENT", repairs: [{ action: "turn Webhook on" }] },
      });
      expect(out.stdout).toMatch(/appeared critical 1 live rule goes unanswered/);
    } finally {
      api.account.webhookActive = true;
      await alerts.close();
    }
  });

  it.each([
    [{ interval: "5m" }, "--interval needs --watch"],
    [{ notify: "http://127.0.0.1:9/" }, "--notify needs --watch"],
    [
      { watch: true, interval: "5 minutes" },
      '--interval must be a duration like 30s, 5m or 1h (at least 1s), not "5 minutes"',
    ],
    [{ watch: true, notify: "slack" }, '--notify must be an http(s) URL, not "slack"'],
    [{ watch: true, at: "2019-08-05T12:00" }, "--at cannot be used with --watch"],
  ])("%j is a usage error", async (extra, message) => {
    const { io } = captureIO({ LINE_CHANNEL_ACCESS_TOKEN: TOKEN });
    await expect(checkCommand(flags(extra), io)).rejects.toThrow(message);
  });
});
