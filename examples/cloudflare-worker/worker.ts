// A Cloudflare Worker (module syntax). No node: modules: signatures use Web Crypto, sends use fetch.
//   wrangler secret put LINE_CHANNEL_SECRET; wrangler secret put LINE_CHANNEL_ACCESS_TOKEN
import { createFetchClient, createResponder, parseRuleSet, type Responder } from "line-responder";
import { createFetchHandler } from "line-responder/fetch";

interface Env {
  LINE_CHANNEL_SECRET: string;
  LINE_CHANNEL_ACCESS_TOKEN: string;
  /** Unset: https://api.line.me; set it to a local emulator to test. */
  LINE_API_BASE_URL?: string;
}

const rules = parseRuleSet({
  version: 1,
  rules: [
    { id: "coupon", match: "contains", keywords: ["クーポン"], reply: [{ type: "text", text: "クーポンはこちら" }] },
  ],
});

// One responder per isolate (secrets arrive with the first request), so redeliveries that reach
// the same isolate are deduped; use a shared store for a guarantee across isolates.
let handle: ReturnType<typeof createFetchHandler> | undefined;
let responder: Responder | undefined;

export default {
  fetch(request: Request, env: Env, ctx: { waitUntil(work: Promise<unknown>): void }): Promise<Response> {
    responder ??= createResponder({
      channelSecret: env.LINE_CHANNEL_SECRET,
      rules,
      // Reply and push over fetch (the SDK client works too where Node compatibility is on).
      client: createFetchClient({
        channelAccessToken: env.LINE_CHANNEL_ACCESS_TOKEN,
        ...(env.LINE_API_BASE_URL ? { baseURL: env.LINE_API_BASE_URL } : {}),
      }),
    });
    handle ??= createFetchHandler(responder);
    return handle(request, env, ctx);
  },
};
