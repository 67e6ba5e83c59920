/**
 * The baseline: the bot most people write from the SDK's echo example. Exact keyword match, the
 * reply token and nothing else: no normalization, no dedupe of redeliveries, no once-per-user, no
 * retry, no push fallback, no watch on the account's settings.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the demo gives `new MessagingApiClient(...)`: the token, and the emulator as the API. */
export interface ClientConfig {
  channelAccessToken: string;
  baseURL?: string;
}

/** The client call the baseline makes. */
export interface ReplyingClient {
  replyMessage(request: { replyToken: string; messages: object[] }): Promise<unknown>;
}

/** The parts of `@line/bot-sdk` the baseline uses, loaded by the caller (an optional peer dependency). */
export interface BotSdk {
  validateSignature(body: string, channelSecret: string, signature: string): boolean;
  messagingApi: { MessagingApiClient: new (config: ClientConfig) => ReplyingClient };
}

/** Starts the baseline bot on 127.0.0.1; returns its webhook URL. */
export async function startBaselineBot(
  sdk: BotSdk,
  options: {
    channelSecret: string;
    channelAccessToken: string;
    baseURL: string;
    keywords: string[];
    messages: object[];
  },
): Promise<{ url: string; server: Server }> {
  const client = new sdk.messagingApi.MessagingApiClient({
    channelAccessToken: options.channelAccessToken,
    baseURL: options.baseURL,
  });
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", async () => {
      if (!sdk.validateSignature(body, options.channelSecret, String(req.headers["x-line-signature"]))) {
        res.writeHead(401).end();
        return;
      }
      const { events } = JSON.parse(body) as {
        events: { type: string; replyToken?: string; message?: { type: string; text?: string } }[];
      };
      try {
        await Promise.all(
          events.map(async (event) => {
            const text = event.message?.text;
            if (event.type === "message" && text !== undefined && options.keywords.includes(text) && event.replyToken) {
              await client.replyMessage({ replyToken: event.replyToken, messages: options.messages });
            }
          }),
        );
        res.writeHead(200).end("{}");
      } catch {
        res.writeHead(500).end();
      }
    });
  });
  return { url: await listenLocally(server, "/"), server };
}

/** Listens on a free port of 127.0.0.1; returns the URL of `path` there. */
export async function listenLocally(server: Server, path: string): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
}
