// A Fastify bot. The plugin keeps the raw body to itself; your other routes keep parsing JSON.
//   LINE_CHANNEL_SECRET=... LINE_CHANNEL_ACCESS_TOKEN=... npx tsx examples/fastify/server.ts
import { readFileSync } from "node:fs";
import { messagingApi } from "@line/bot-sdk";
import Fastify from "fastify";
import { createResponder, parseRuleSet } from "line-responder";
import { lineResponderPlugin } from "line-responder/fastify";

export async function buildApp() {
  const responder = createResponder({
    channelSecret: process.env.LINE_CHANNEL_SECRET ?? "",
    rules: parseRuleSet(readFileSync(new URL("../rules/campaign.yaml", import.meta.url), "utf8")),
    client: new messagingApi.MessagingApiClient({
      channelAccessToken: process.env.LINE_CHANNEL_ACCESS_TOKEN ?? "",
      baseURL: process.env.LINE_API_BASE_URL, // unset: https://api.line.me; set it to a local emulator to test
    }),
  });
  const app = Fastify();
  await app.register(lineResponderPlugin, { responder, path: "/webhook" });
  app.addHook("onClose", () => responder.drain());
  return app;
}

if (process.argv[1] === new URL(import.meta.url).pathname) {
  const app = await buildApp();
  await app.listen({ port: Number(process.env.PORT ?? 3000) });
}
