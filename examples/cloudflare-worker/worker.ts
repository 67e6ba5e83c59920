// A Cloudflare Worker (module syntax) on D1: every isolate shares one store, so a redelivery is
// deduplicated, each user gets a reward once and a stock holds, whichever isolate LINE reaches.
// No node: modules: signatures use Web Crypto, sends use fetch. Set-up (see wrangler.toml):
//   wrangler d1 create line-responder; wrangler d1 migrations apply line-responder --remote
//   wrangler secret put LINE_CHANNEL_SECRET; wrangler secret put LINE_CHANNEL_ACCESS_TOKEN
import { createFetchClient, createResponder, parseRuleSet, type Responder } from "line-responder";
import { createD1Store, type D1DatabaseLike } from "line-responder/d1";
import { createFetchHandler } from "line-responder/fetch";

interface Env {
  /** The D1 database, from [[d1_databases]] in wrangler.toml. */
  DB: D1DatabaseLike;
  LINE_CHANNEL_SECRET: string;
  LINE_CHANNEL_ACCESS_TOKEN: string;
  /** Unset: https://api.line.me; set it to a local emulator to test. */
  LINE_API_BASE_URL?: string;
  /** Backfill leaves claims younger than this (ms) to live dispatch; default 120000. */
  BACKFILL_OLDER_THAN_MS?: string;
}

interface Context {
  waitUntil(work: Promise<unknown>): void;
}

const rules = parseRuleSet({
  version: 1,
  rewards: {
    // Once per user (the default limit), for everyone.
    gift: { messages: [{ type: "text", text: "ご回答ありがとうございます。プレゼントです🎁" }] },
    // Once per user, for the first 100 only.
    coupon: { messages: [{ type: "text", text: "クーポンはこちら" }], stock: 100 },
  },
  rules: [
    { id: "gift", match: "contains", keywords: ["プレゼント"], reward: "gift" },
    { id: "coupon", match: "contains", keywords: ["クーポン"], reward: "coupon" },
  ],
});

// One responder per isolate, made at the first request or cron run (bindings and secrets arrive
// with it); the state that must hold across isolates lives in D1.
let responder: Responder | undefined;
let handle: ReturnType<typeof createFetchHandler> | undefined;

function responderFor(env: Env): Responder {
  if (!env.DB) throw new Error('no D1 binding named DB: add [[d1_databases]] with binding = "DB" to wrangler.toml');
  responder ??= createResponder({
    channelSecret: env.LINE_CHANNEL_SECRET,
    rules,
    store: createD1Store(env.DB),
    // Reply and push over fetch (the SDK client works too where Node compatibility is on).
    client: createFetchClient({
      channelAccessToken: env.LINE_CHANNEL_ACCESS_TOKEN,
      ...(env.LINE_API_BASE_URL ? { baseURL: env.LINE_API_BASE_URL } : {}),
    }),
  });
  return responder;
}

export default {
  fetch(request: Request, env: Env, ctx: Context): Promise<Response> {
    handle ??= createFetchHandler(responderFor(env));
    return handle(request, env, ctx);
  },

  // The cron trigger in wrangler.toml: finishes rewards that live dispatch could not (LINE down,
  // an isolate gone mid-send, events whose reply window had passed), pushing each once.
  scheduled(_controller: unknown, env: Env, ctx: Context): void {
    const olderThan = env.BACKFILL_OLDER_THAN_MS === undefined ? undefined : Number(env.BACKFILL_OLDER_THAN_MS);
    ctx.waitUntil(responderFor(env).backfill(olderThan === undefined ? {} : { olderThan }));
  },
};
