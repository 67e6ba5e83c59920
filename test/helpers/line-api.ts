/**
 * A small stand-in for the Messaging API endpoints these tests touch (bot info, webhook endpoint,
 * reply), on 127.0.0.1, answering like LINE: bearer token checked, JSON errors with `message`.
 * The full emulator is its own piece of work; this is only what the tests here need.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface LineApiStandIn {
  baseURL: string;
  /** What the account shows through the API. */
  account: { chatMode: "chat" | "bot"; webhookActive: boolean };
  replies: { replyToken: string; messages: { type: string; text?: string }[] }[];
  requests: string[];
  /** The next reply answers 500. */
  failNextReply(): void;
  close(): Promise<void>;
}

export async function startLineApi(token: string): Promise<LineApiStandIn> {
  let failNext = false;
  const api: LineApiStandIn = {
    baseURL: "",
    account: { chatMode: "bot", webhookActive: true },
    replies: [],
    requests: [],
    failNextReply: () => {
      failNext = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    let data = "";
    req.on("data", (chunk) => {
      data += chunk;
    });
    req.on("end", () => {
      const send = (status: number, body: unknown) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      api.requests.push(`${req.method} ${req.url}`);
      if (req.headers.authorization !== `Bearer ${token}`) {
        return send(401, {
          message: "Authentication failed. Confirm that the access token in the authorization header is valid.",
        });
      }
      if (req.method === "GET" && req.url === "/v2/bot/info") {
        const { chatMode } = api.account;
        return send(200, {
          userId: "Ub1",
          basicId: "@123abcde",
          displayName: "Shop",
          chatMode,
          markAsReadMode: chatMode === "chat" ? "manual" : "auto",
        });
      }
      if (req.method === "GET" && req.url === "/v2/bot/channel/webhook/endpoint") {
        return send(200, { endpoint: "https://example.com/webhook", active: api.account.webhookActive });
      }
      if (req.method === "POST" && req.url === "/v2/bot/message/reply") {
        if (failNext) {
          failNext = false;
          return send(500, { message: "Internal error" });
        }
        api.replies.push(JSON.parse(data));
        return send(200, { sentMessages: [] });
      }
      return send(404, { message: "Not found" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  api.baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return api;
}
