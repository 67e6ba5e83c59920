// AWS Lambda behind API Gateway (REST or HTTP API) or a Function URL.
// Events are processed before the response: Lambda freezes work left after it.
// event.json beside this file is an HTTP API event signed with LINE_CHANNEL_SECRET=example-channel-secret.
import { messagingApi } from "@line/bot-sdk";
import { createResponder, parseRuleSet } from "line-responder";
import { createLambdaHandler } from "line-responder/lambda";

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
});

export const handler = createLambdaHandler(responder);
