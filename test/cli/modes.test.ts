import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { type LineApiStandIn, startLineApi } from "../helpers/line-api.js";

const seed = fileURLToPath(new URL("../../examples/rules/seed-incident.yaml", import.meta.url));
const botAllOn = '{"mode":"bot","webhook":true,"autoResponse":true,"greeting":true}';
const currentOn = '{"chat":false,"webhook":true,"autoResponse":true,"greeting":true}';

const jsonLines = (text: string) =>
  text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));

describe("modes simulate", () => {
  it("the seed incident, step by step (non-strict): effects, then both repairs", async () => {
    const result = await runCli([
      "modes",
      "simulate",
      "--profile",
      "legacy",
      "--from",
      botAllOn,
      "--rules",
      seed,
      "--at",
      "2019-08-05T12:00",
      "--json",
      "SWITCH_MODE:chat",
      "SWITCH_MODE:bot",
    ]);
    expect(result.code).toBe(0);
    const [toChat, toBot] = jsonLines(result.stdout);
    expect(toChat).toMatchObject({
      step: "SWITCH_MODE:chat",
      ok: true,
      state: { mode: "chat", webhook: false, autoResponse: false, greeting: true },
      effects: [
        { kind: "side-effect", field: "webhook", from: true, to: false },
        { kind: "side-effect", field: "autoResponse", from: true, to: false },
      ],
    });
    expect(toBot.findings.map((f: { severity: string; code: string }) => [f.severity, f.code])).toEqual([
      ["critical", "CAMPAIGN_SILENT"],
    ]);
    delete toBot.findings;
    expect(toBot).toEqual({
      step: "SWITCH_MODE:bot",
      ok: true,
      state: { mode: "bot", webhook: false, autoResponse: false, greeting: true },
      effects: [],
      repairs: [
        { event: { type: "SET_WEBHOOK", on: true }, action: "turn Webhook on" },
        { event: { type: "SET_AUTO_RESPONSE", on: true }, action: "turn 自動応答 on" },
      ],
      capabilities: {
        webhookDelivered: false,
        nativeKeywordReplies: false,
        manualChat: false,
        greetingOnFollow: true,
        markAsRead: "auto",
      },
    });
  });

  it("--strict refuses the switch; the next step runs from the unchanged state", async () => {
    const result = await runCli([
      "modes",
      "simulate",
      "--profile",
      "legacy",
      "--from",
      botAllOn,
      "--rules",
      seed,
      "--at",
      "2019-08-05T12:00",
      "--strict",
      "--json",
      "SWITCH_MODE:chat",
      "SET_GREETING:off",
    ]);
    const [refused, next] = jsonLines(result.stdout);
    expect(refused).toMatchObject({
      step: "SWITCH_MODE:chat",
      ok: false,
      code: "CAMPAIGN_WOULD_GO_SILENT",
      state: JSON.parse(botAllOn),
    });
    expect(refused.message).toContain(
      '"voice-gift" (2019-08-04T00:00:00+09:00 to 2019-08-11T00:00:00+09:00) from 2019-08-05T12:00:00+09:00',
    );
    expect(refused.silenced.map((s: { campaign: { id: string } }) => s.campaign.id)).toEqual([
      "voice-gift",
      "coupon-autoresponse",
    ]);
    expect(next).toMatchObject({
      step: "SET_GREETING:off",
      ok: true,
      state: { ...JSON.parse(botAllOn), greeting: false },
    });
  });

  it("readable output", async () => {
    const result = await runCli([
      "modes",
      "simulate",
      "--profile",
      "current",
      "--from",
      currentOn,
      "--at",
      "2024-06-03T12:00",
      "SET_RESPONSE_METHOD:inside=manual",
      "SET_CHAT:on",
      "SET_WEBHOOK:off",
      "SET_AUTO_RESPONSE:off",
      "SET_GREETING:off",
    ]);
    expect(result.code).toBe(1); // a step was refused
    expect(result.stdout).toContain(
      "2. SET_CHAT:on: ok\n   state: Chat on, Webhook on, 応答メッセージ on, greeting on, method inside manual / outside manual+auto\n",
    );
    expect(result.stdout).toContain(
      "can: webhook yes, auto-response NO, manual chat yes, greeting yes, mark as read manual",
    );
    expect(result.stdout).toContain("5. SET_GREETING:off: refused, ALL_OUTPUTS_OFF:");
  });

  it("OBSERVE and response hours steps", async () => {
    const result = await runCli([
      "modes",
      "simulate",
      "--profile",
      "current",
      "--from",
      currentOn,
      "--json",
      "OBSERVE:chatMode=chat,webhookActive=false",
      'SET_RESPONSE_HOURS:{"bands":[{"days":["mon"],"from":"09:00","until":"18:00"}]}',
      "SET_RESPONSE_HOURS:none",
    ]);
    const [observe, hours, none] = jsonLines(result.stdout);
    expect(observe.effects.map((e: { field: string }) => e.field)).toEqual(["chat", "webhook"]);
    expect(hours.state.responseHours.bands[0].days).toEqual(["mon"]);
    expect(none.state.responseHours).toBeNull();
  });
});

describe("modes: wrong input is one line, exit 2", () => {
  it.each([
    [["SET_WEBHOK:on"], 'step "SET_WEBHOK:on": unknown event SET_WEBHOK (did you mean SET_WEBHOOK?)'],
    [["SET_WEBHOOK:maybe"], 'step "SET_WEBHOOK:maybe": write SET_WEBHOOK:on or SET_WEBHOOK:off'],
    [["SET_RESPONSE_METHOD:inside=auto"], 'method must be manual or manual+auto, not "auto"'],
    [["OBSERVE:chatMode=chat"], "webhookActive must be true or false"],
    [["SET_RESPONSE_HOURS:{oops"], "response hours must be none or JSON"],
  ])("step %j", async (steps, message) => {
    const result = await runCli(["modes", "simulate", "--profile", "current", "--from", currentOn, ...steps]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it.each([
    ["{chat: false}", "state is not valid JSON"],
    ['{"chat":false,"webhook":true,"autoResponse":true,"greeting":true,"mode":"bot"}', 'unknown field "mode"'],
    ['{"chat":false,"webhook":false,"autoResponse":false,"greeting":false}', "all off, which LINE does not allow"],
  ])("state %s", async (state, message) => {
    const result = await runCli(["modes", "simulate", "--profile", "current", "--from", state, "SET_CHAT:on"]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain(message);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it.each([
    [["modes", "simulate", "--from", currentOn, "SET_CHAT:on"], "--profile is required"],
    [
      ["modes", "simulate", "--profile", "modern", "--from", currentOn, "SET_CHAT:on"],
      '--profile must be current or legacy, not "modern"',
    ],
    [["modes", "simulate", "--profile", "current", "SET_CHAT:on"], "--from '<state json>' is required"],
    [["modes", "diagram", "--profile", "legacy", "--format", "svg"], '--format must be mermaid or dot, not "svg"'],
    [["modes", "diagram", "--profile", "legacy", "--strict"], "modes diagram does not take --strict"],
    [["modes", "frob"], 'modes: unknown subcommand "frob" (simulate, diagram or check)'],
  ])("%j", async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("the real process prints no stack trace", async () => {
    const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
    const main = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(
        tsx,
        [main, "modes", "simulate", "--profile", "legacy", "--from", "{bad", "SWITCH_MODE:chat"],
        (error, _out, stderr) => resolve({ code: error ? (error.code as number) : 0, stderr }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

describe("modes diagram", () => {
  it("mermaid by default, dot on request", async () => {
    const mermaid = await runCli(["modes", "diagram", "--profile", "legacy"]);
    expect(mermaid.stdout).toMatch(/^stateDiagram-v2\n/);
    const dot = await runCli(["modes", "diagram", "--profile", "current", "--format", "dot"]);
    expect(dot.stdout).toMatch(/^digraph current \{/);
  });
});

describe("modes check against a local stand-in for the Messaging API", () => {
  let api: LineApiStandIn;
  beforeAll(async () => {
    api = await startLineApi("good-token");
  });
  afterAll(() => api.close());

  const check = (env: Record<string, string> = { LINE_CHANNEL_ACCESS_TOKEN: "good-token" }, extra: string[] = []) =>
    runCli(
      [
        "modes",
        "check",
        "--rules",
        seed,
        "--declared",
        currentOn,
        "--api-base",
        api.baseURL,
        "--at",
        "2019-08-05T12:00",
        ...extra,
      ],
      env,
    );

  it("exit 0 when the account is as declared", async () => {
    Object.assign(api.account, { chatMode: "bot", webhookActive: true });
    const result = await check();
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toContain("ok: 2 rule(s) guarded");
  });

  it("exit 1 when the webhook is off during a bot campaign, with the repair", async () => {
    Object.assign(api.account, { chatMode: "bot", webhookActive: false });
    const result = await check();
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '  critical 1 live rule goes unanswered: "voice-gift" (2019-08-04T00:00:00+09:00 to 2019-08-11T00:00:00+09:00) from 2019-08-05T12:00:00+09:00',
    );
    expect(result.stdout).toContain("repair   turn Webhook on");
    const json = await check(undefined, ["--json"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, observed: { chatMode: "bot", webhookActive: false } });
  });

  it("exit 3 when the token is refused; exit 2 when none is set", async () => {
    const refused = await check({ LINE_CHANNEL_ACCESS_TOKEN: "bad" });
    expect(refused).toMatchObject({ code: 3, stdout: "" });
    expect(refused.stderr).toBe(
      "line-responder: cannot read the account: GET /v2/bot/info: HTTP 401 Authentication failed. Confirm that the access token in the authorization header is valid.\n",
    );
    const missing = await check({});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("set LINE_CHANNEL_ACCESS_TOKEN");
  });
});
