/** Sending: reply (single-use tokens), push and multicast (retry keys, the monthly quota), and the quota's counters. */
import type { Profile } from "../../../guards/state.js";
import type { Account } from "../account.js";
import { checkRequest, MulticastRequestSchema, PushRequestSchema, ReplyRequestSchema } from "../requests.js";
import { fail, type Route } from "./route.js";

/** The message routes of `account`. */
export function messageRoutes<P extends Profile>(account: Account<P>): Route[] {
  return [
    {
      method: "POST",
      pattern: /^\/v2\/bot\/message\/reply$/,
      endpoint: "reply",
      handle: ({ body, retryKey }) => {
        if (retryKey !== undefined) return fail(400, "The retry key is not supported on this endpoint");
        const checked = checkRequest(ReplyRequestSchema, body);
        if (!checked.ok) return { status: 400, body: checked.error };
        const token = account.tokens.get(checked.value.replyToken);
        if (!token || token.used || token.expires <= account.now()) return fail(400, "Invalid reply token");
        token.used = true;
        return { status: 200, body: { sentMessages: account.deliver(token.userId, "reply", checked.value.messages) } };
      },
    },
    {
      method: "POST",
      pattern: /^\/v2\/bot\/message\/push$/,
      endpoint: "push",
      handle: ({ body, retryKey }) => {
        const checked = checkRequest(PushRequestSchema, body);
        if (!checked.ok) return { status: 400, body: checked.error };
        return account.withRetryKey(retryKey, () => {
          const refused = account.takeQuota(1);
          if (refused) return refused;
          account.consumption++;
          const sentMessages = account.deliver(checked.value.to, "push", checked.value.messages);
          return { status: 200, body: { sentMessages }, headers: { "x-line-request-id": account.requestId() } };
        });
      },
    },
    {
      method: "POST",
      pattern: /^\/v2\/bot\/message\/multicast$/,
      endpoint: "multicast",
      handle: ({ body, retryKey }) => {
        const checked = checkRequest(MulticastRequestSchema, body);
        if (!checked.ok) return { status: 400, body: checked.error };
        return account.withRetryKey(retryKey, () => {
          const refused = account.takeQuota(checked.value.to.length);
          if (refused) return refused;
          account.consumption += checked.value.to.length;
          for (const to of checked.value.to) account.deliver(to, "multicast", checked.value.messages);
          return { status: 200, body: {}, headers: { "x-line-request-id": account.requestId() } };
        });
      },
    },
    {
      method: "GET",
      pattern: /^\/v2\/bot\/message\/quota$/,
      handle: () => ({
        status: 200,
        body:
          account.quota === undefined
            ? { type: "none" }
            : { type: "limited", value: account.quota + account.consumption },
      }),
    },
    {
      method: "GET",
      pattern: /^\/v2\/bot\/message\/quota\/consumption$/,
      handle: () => ({ status: 200, body: { totalUsage: account.consumption } }),
    },
  ];
}
