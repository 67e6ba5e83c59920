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
  return { responder, server: createServer(createNodeHandler(responder)) };
}
