/**
 * YAML and regex rules on Cloudflare Workers: a Worker bundled as Wrangler bundles it (one ESM
 * file, workerd/worker/browser conditions, no Node compatibility) and served by Miniflare. There
 * the YAML parser and the regex engine cannot be loaded synchronously, so `parseRuleSet` of YAML
 * text says to use `loadRuleSet`, and `loadRuleSet` (which imports them) gives rules that answer.
 */
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type Emulator, startEmulator, userId } from "../../src/testing/index.js";
import { bundleWorker } from "../helpers/worker-bundle.js";

const SECRET = "worker-yaml-secret";
const TOKEN = "worker-yaml-token";

const worker = String.raw`
import { createFetchClient, createResponder, loadRuleSet, parseRuleSet, RuleSetError } from "line-responder";
import { createFetchHandler } from "line-responder/fetch";

const RULES = [
  "version: 1",
  "rules:",
  "  - id: order",
  "    match: regex",
  "    keywords: ['^注文\\s*(\\d+)$']",
  "    reply: [{ type: text, text: ご注文を承りました }]",
  "  - id: hello",
  "    keywords: [こんにちは]",
  "    reply: [{ type: text, text: こんにちは！ }]",
].join("\n");

let handle;
export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/parse-sync") {
      try {
        parseRuleSet(RULES);
        return new Response("parsed");
      } catch (error) {
        if (!(error instanceof RuleSetError)) throw error;
        return Response.json(error.issues, { status: 422 });
      }
    }
    handle ??= createFetchHandler(
      createResponder({
        channelSecret: env.LINE_CHANNEL_SECRET,
        rules: await loadRuleSet(RULES),
        client: createFetchClient({ channelAccessToken: env.LINE_CHANNEL_ACCESS_TOKEN, baseURL: env.LINE_API_BASE_URL }),
      }),
    );
    return handle(request, env, ctx);
  },
};
`;

let mf: Miniflare;
let emulator: Emulator;
let baseUrl: URL;

beforeAll(async () => {
  const script = await bundleWorker({ contents: worker, resolveDir: new URL(".", import.meta.url).pathname });
  emulator = await startEmulator({ channelSecret: SECRET, channelAccessToken: TOKEN });
  mf = new Miniflare({
    modules: true,
    script,
    compatibilityDate: "2025-01-01",
    bindings: { LINE_CHANNEL_SECRET: SECRET, LINE_CHANNEL_ACCESS_TOKEN: TOKEN, LINE_API_BASE_URL: emulator.url },
    unsafeDirectSockets: [{ port: 0 }],
  });
  await mf.ready;
  baseUrl = await mf.unsafeGetDirectURL();
  emulator.webhookUrl = new URL("/webhook", baseUrl).href;
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
  await emulator?.close();
});

describe("rule files on a Worker (Miniflare, no Node compatibility)", () => {
  it("parseRuleSet of YAML text refuses with one issue that names loadRuleSet", async () => {
    const response = await fetch(new URL("/parse-sync", baseUrl));
    expect(response.status).toBe(422);
    const issues = (await response.json()) as { code: string; message: string }[];
    expect(issues).toEqual([expect.objectContaining({ code: "needs-async-load" })]);
    expect(issues[0]?.message).toContain("await loadRuleSet(text)");
  });

  it("loadRuleSet reads YAML with a regex rule, and the bot answers by it", async () => {
    const user = userId("worker-yaml");
    const replies = () => emulator.inbox(user).flatMap((entry) => entry.messages as { text?: string }[]);
    expect((await emulator.userSays(user, "注文 42")).statuses).toEqual([200]);
    await vi.waitFor(() => expect(replies().map((m) => m.text)).toEqual(["ご注文を承りました"]), { timeout: 10_000 });
    expect((await emulator.userSays(user, "こんにちは")).statuses).toEqual([200]);
    await vi.waitFor(() => expect(replies().map((m) => m.text)).toContain("こんにちは！"), { timeout: 10_000 });
  });
});
