import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { messagingApi } from "@line/bot-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Campaign, type CurrentState, checkAccount, type LegacyState } from "../../src/modes.js";
import { type LineApiStandIn, startLineApi } from "../helpers/line-api.js";

const TOKEN = "test-channel-access-token";
const jst = (iso: string) => Date.parse(`${iso}+09:00`);
const at = jst("2024-06-03T12:00:00");
const campaigns: Campaign[] = [
  { id: "voice-gift", answeredBy: "bot", from: jst("2024-06-01T00:00:00"), until: jst("2024-07-01T00:00:00") },
];

let api: LineApiStandIn;
beforeAll(async () => {
  api = await startLineApi(TOKEN);
});
afterAll(() => api.close());
const setAccount = (account: LineApiStandIn["account"]) => Object.assign(api.account, account);

const client = () => new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: api.baseURL });
const declared: CurrentState = { chat: false, webhook: true, autoResponse: true, greeting: true };

describe("checkAccount through the real MessagingApiClient", () => {
  it("an account as declared: ok, no findings", async () => {
    setAccount({ chatMode: "bot", webhookActive: true });
    api.requests.length = 0;
    const report = await checkAccount({ client: client(), profile: "current", declared, campaigns, at });
    expect(report).toEqual({
      ok: true,
      observed: { chatMode: "bot", webhookActive: true, endpoint: "https://example.com/webhook" },
      state: declared,
      findings: [],
      repairs: [],
    });
    expect(api.requests.sort()).toEqual(["GET /v2/bot/channel/webhook/endpoint", "GET /v2/bot/info"]);
  });

  it("Webhook turned off behind our back: drift, the bot campaign silent, and the repair", async () => {
    setAccount({ chatMode: "bot", webhookActive: false });
    const report = await checkAccount({ client: client(), profile: "current", declared, campaigns, at });
    expect(report.ok).toBe(false);
    expect(report.state).toEqual({ ...declared, webhook: false });
    expect(report.findings).toEqual([
      {
        severity: "warning",
        code: "DRIFT",
        key: "DRIFT:webhook",
        message: "Webhook is off, not on as declared",
        silenced: [],
        repairs: [],
      },
      {
        severity: "critical",
        code: "CAMPAIGN_SILENT",
        key: "CAMPAIGN_SILENT:voice-gift",
        message:
          '1 live rule goes unanswered: "voice-gift" (2024-06-01T00:00:00+09:00 to 2024-07-01T00:00:00+09:00) from 2024-06-03T12:00:00+09:00: the webhook does not receive messages; repairs: turn Webhook on',
        silenced: [
          {
            campaign: campaigns[0],
            at,
            window: "2024-06-01T00:00:00+09:00 to 2024-07-01T00:00:00+09:00",
            reason: "the webhook does not receive messages",
          },
        ],
        repairs: [{ event: { type: "SET_WEBHOOK", on: true }, action: "turn Webhook on" }],
      },
    ]);
    expect(report.repairs.map((r) => r.action)).toEqual(["turn Webhook on"]);
  });

  it("chat turned on: drift only, the campaign is still answered", async () => {
    setAccount({ chatMode: "chat", webhookActive: true });
    const report = await checkAccount({ client: client(), profile: "current", declared, campaigns, at });
    expect(report).toMatchObject({
      ok: true,
      state: { chat: true, webhook: true },
      findings: [{ severity: "warning", code: "DRIFT" }],
    });
  });

  it("legacy: an account found in Chat mode", async () => {
    setAccount({ chatMode: "chat", webhookActive: false });
    const legacy: LegacyState = { mode: "bot", webhook: true, autoResponse: true, greeting: true };
    const report = await checkAccount({ client: client(), profile: "legacy", declared: legacy, campaigns, at });
    expect(report.ok).toBe(false);
    expect(report.state).toEqual({ mode: "chat", webhook: false, autoResponse: false, greeting: true });
    expect(report.repairs.map((r) => r.action)).toEqual(["switch 応答モード to Bot", "turn Webhook on"]);
  });

  it("an observation the declared state cannot explain is critical", async () => {
    setAccount({ chatMode: "bot", webhookActive: false });
    const onlyWebhook: CurrentState = { chat: false, webhook: true, autoResponse: false, greeting: false };
    const report = await checkAccount({ client: client(), profile: "current", declared: onlyWebhook, at });
    expect(report.ok).toBe(false);
    expect(report.findings[0]).toMatchObject({ severity: "critical", code: "IMPOSSIBLE_OBSERVATION" });
  });

  it("a wrong token fails the check loudly instead of reporting a healthy account", async () => {
    const bad = new messagingApi.MessagingApiClient({ channelAccessToken: "wrong", baseURL: api.baseURL });
    await expect(checkAccount({ client: bad, profile: "current", declared, campaigns, at })).rejects.toThrow(/401/);
  });
});

describe("checkAccount: the whole path to the bot", () => {
  const withWebhookUrl = async (url: string | undefined, body: () => Promise<void>) => {
    const before = api.emulator.webhookUrl;
    api.emulator.webhookUrl = url;
    try {
      await body();
    } finally {
      api.emulator.webhookUrl = before;
    }
  };

  it.each([
    ["current", declared],
    ["legacy", { mode: "bot", webhook: true, autoResponse: true, greeting: true } satisfies LegacyState],
  ] as const)(
    "%s: no webhook URL set is a critical finding naming the bot rules, not a bare 404",
    async (profile, state) => {
      setAccount({ chatMode: "bot", webhookActive: true });
      await withWebhookUrl(undefined, async () => {
        const report = await checkAccount({ client: client(), profile, declared: state as never, campaigns, at });
        expect(report.ok).toBe(false);
        expect(report.observed).toEqual({ chatMode: "bot", webhookActive: false });
        expect(report.findings.map((f) => [f.severity, f.code, f.silenced.map((s) => s.campaign.id)])).toEqual([
          ["critical", "WEBHOOK_URL_NOT_SET", ["voice-gift"]],
        ]);
      });
    },
  );

  it("probe: LINE's webhook test reaches the bot's server; a 503 is critical, a 200 is fine", async () => {
    setAccount({ chatMode: "bot", webhookActive: true });
    let status = 503;
    const requests: string[] = [];
    const bot = createServer((req, res) => {
      requests.push(`${req.method} ${req.headers["x-line-signature"] ? "signed" : "unsigned"}`);
      req.resume().on("end", () => res.writeHead(status).end());
    });
    await new Promise<void>((resolve) => bot.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(bot.address() as AddressInfo).port}/webhook`;
    try {
      await withWebhookUrl(url, async () => {
        const failing = await checkAccount({ client: client(), declared, campaigns, at, probe: true });
        expect(failing.ok).toBe(false);
        expect(failing.observed.test).toMatchObject({ success: false, statusCode: 503 });
        expect(failing.findings).toMatchObject([
          {
            severity: "critical",
            code: "WEBHOOK_TEST_FAILED",
            silenced: [{ campaign: { id: "voice-gift" } }],
          },
        ]);
        expect(failing.findings[0]?.message).toContain(`LINE's webhook test of ${url} got HTTP 503`);
        status = 200;
        const passing = await checkAccount({ client: client(), declared, campaigns, at, probe: true });
        expect(passing).toMatchObject({ ok: true, findings: [], observed: { test: { statusCode: 200 } } });
      });
      expect(requests).toEqual(["POST signed", "POST signed"]);
    } finally {
      await new Promise((resolve) => bot.close(resolve));
    }
  });
});
