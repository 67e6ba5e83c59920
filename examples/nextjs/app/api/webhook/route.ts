// Next.js App Router route handler: app/api/webhook/route.ts
import { messagingApi } from "@line/bot-sdk";
import { createResponder, parseRuleSet } from "line-responder";
import { createFetchHandler } from "line-responder/fetch";

const responder = createResponder({
  channelSecret: process.env.LINE_CHANNEL_SECRET ?? "",
  rules: parseRuleSet({
    version: 1,
    rules: [
      { id: "coupon", match: "contains", keywords: ["クーポン"], reply: [{ type: "text", text: "クーポンはこちら" }] },
    ],
  }),
  client: new messagingApi.MessagingApiClient({
    channelAccessToken: process.env.LINE_CHANNEL_ACCESS_TOKEN ?? "",
    baseURL: process.env.LINE_API_BASE_URL, // unset: https://api.line.me; set it to a local emulator to test
  }),
  // Serverless: answer after processing, so the work is not cut off when the response is sent.
  processBeforeResponse: true,
});

export const POST = createFetchHandler(responder);
