/** The account and its channel: bot info, the webhook endpoint (get, set, test), user profiles. */
import { capabilitiesOf } from "../../../guards/profiles/index.js";
import type { Profile } from "../../../guards/state.js";
import type { Account } from "../account.js";
import { checkRequest, SetWebhookEndpointRequestSchema, TestWebhookEndpointRequestSchema } from "../requests.js";
import { BOT_USER_ID, postWebhook } from "../webhook.js";
import { fail, type Route } from "./route.js";

/** The channel routes of `account`. */
export function channelRoutes<P extends Profile>(account: Account<P>): Route[] {
  return [
    {
      method: "GET",
      pattern: /^\/v2\/bot\/info$/,
      handle: () => {
        const { manualChat, markAsRead } = capabilitiesOf(account.profile, account.settings, account.now());
        return {
          status: 200,
          body: {
            userId: BOT_USER_ID,
            basicId: "@000emul",
            displayName: "Emulated account",
            chatMode: manualChat ? "chat" : "bot",
            markAsReadMode: markAsRead,
          },
        };
      },
    },
    {
      method: "GET",
      pattern: /^\/v2\/bot\/channel\/webhook\/endpoint$/,
      handle: () =>
        account.webhookUrl === undefined
          ? fail(404, "The webhook endpoint is not set")
          : { status: 200, body: { endpoint: account.webhookUrl, active: account.webhookOn() } },
    },
    {
      method: "PUT",
      pattern: /^\/v2\/bot\/channel\/webhook\/endpoint$/,
      handle: ({ body }) => {
        const checked = checkRequest(SetWebhookEndpointRequestSchema, body);
        if (!checked.ok) return { status: 400, body: checked.error };
        account.webhookUrl = checked.value.endpoint;
        return { status: 200, body: {} };
      },
    },
    {
      method: "POST",
      pattern: /^\/v2\/bot\/channel\/webhook\/test$/,
      handle: async ({ body }) => {
        const checked = checkRequest(TestWebhookEndpointRequestSchema, body ?? {});
        if (!checked.ok) return { status: 400, body: checked.error };
        const target = checked.value?.endpoint ?? account.webhookUrl;
        if (!target) return fail(400, "The webhook endpoint is not set");
        const status = await postWebhook(account, target, []);
        const success = typeof status === "number" && status >= 200 && status < 300;
        return {
          status: 200,
          body: {
            success,
            timestamp: new Date(account.now()).toISOString(),
            statusCode: typeof status === "number" ? status : 0,
            reason: success ? "OK" : typeof status === "number" ? "ERROR_STATUS_CODE" : "COULD_NOT_CONNECT",
            detail: typeof status === "number" ? String(status) : "connection failed",
          },
        };
      },
    },
    {
      method: "GET",
      pattern: /^\/v2\/bot\/profile\/([^/?]+)$/,
      handle: ({ params }) => {
        const id = params[0] as string;
        if (!account.knownUsers.has(id)) return fail(404, "Not found");
        return { status: 200, body: { userId: id, displayName: `User ${id.slice(-4)}`, language: "ja" } };
      },
    },
  ];
}
