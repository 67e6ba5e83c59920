// A bot as you would write it: the SDK client, line-responder's pipeline, a node:http server.
// `baseURL` is LINE's API in production and the emulator in tests.
import { createServer } from "node:http";
import { messagingApi } from "@line/bot-sdk";
import { createResponder, type RuleSet } from "line-responder";
import { createNodeHandler } from "line-responder/node";

export function createBot(options: {
  channelSecret: string;
  channelAccessToken: string;
  rules: RuleSet;
  baseURL?: string;
}) {
  const responder = createResponder({
    channelSecret: options.channelSecret,
    rules: options.rules,
    client: new messagingApi.MessagingApiClient({
      channelAccessToken: options.channelAccessToken,
      ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    }),
    processBeforeResponse: true,
  });

  // Coupon codes users send (`クーポン1234`): the rule file's regex rule answers at once with its
  // reply; this handler reads the code from the rule's named group and confirms it by push.
  const couponCodes = new Map<string, string[]>();
  responder.on("message:text", async (ctx) => {
    const code = ctx.match?.groups?.named.code;
    const user = ctx.event.source?.userId;
    if (ctx.match?.ruleId !== "coupon-code" || code === undefined || user === undefined) return;
    couponCodes.set(user, [...(couponCodes.get(user) ?? []), code]);
    await ctx.push({ type: "text", text: `クーポン ${code} を登録しました` });
  });

  return { responder, couponCodes, server: createServer(createNodeHandler(responder)) };
}
