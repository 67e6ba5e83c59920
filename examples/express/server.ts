// An Express bot: keyword replies from a rule file, everything else to your own handlers.
//   LINE_CHANNEL_SECRET=... LINE_CHANNEL_ACCESS_TOKEN=... npx tsx examples/express/server.ts
import { readFileSync } from "node:fs";
import { messagingApi } from "@line/bot-sdk";
import express from "express";
import { createResponder, parseRuleSet } from "line-responder";
import { lineMiddleware } from "line-responder/express";

export const responder = createResponder({
  channelSecret: process.env.LINE_CHANNEL_SECRET ?? "",
  rules: parseRuleSet(readFileSync(new URL("../rules/campaign.yaml", import.meta.url), "utf8")),
  client: new messagingApi.MessagingApiClient({
    channelAccessToken: process.env.LINE_CHANNEL_ACCESS_TOKEN ?? "",
    baseURL: process.env.LINE_API_BASE_URL, // unset: https://api.line.me; set it to a local emulator to test
  }),
});
responder.on("follow", (ctx) => console.log("new friend:", ctx.event.source?.userId));

export const app = express();
app.post("/webhook", lineMiddleware(responder)); // before any express.json()
app.use(express.json());

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const server = app.listen(Number(process.env.PORT ?? 3000), () => console.log("listening on", server.address()));
  process.on("SIGTERM", () => server.close(() => responder.drain()));
}
