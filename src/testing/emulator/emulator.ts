/**
 * `startEmulator()`: a LINE Official Account and its Messaging API on 127.0.0.1, for tests and
 * demos without a phone, a tunnel or an account. The SDK's `MessagingApiClient` works against it
 * unchanged (`baseURL: emulator.url`).
 *
 * It behaves as LINE does where bots get hurt: reply tokens are single use and expire after a
 * minute; `X-Line-Retry-Key` is remembered for 24 hours (409 on repeats); the monthly quota ends in
 * 429; bodies are validated with LINE's error format; the account's response settings (the mode
 * machine's state) decide whether a user's message reaches the webhook, gets a native
 * auto-response, or goes unanswered; failed webhook deliveries are redelivered when enabled.
 */
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Profile } from "../../guards/state.js";
import { ulid } from "../events.js";
import { type Account, createAccount } from "./account.js";
import { control } from "./control.js";
import { faultMessage } from "./faults.js";
import { channelRoutes } from "./routes/channel.js";
import { couponRoutes } from "./routes/coupons.js";
import { messageRoutes } from "./routes/messages.js";
import type { Answer, Route } from "./routes/route.js";
import { fail } from "./routes/route.js";
import type { Emulator, EmulatorOptions } from "./types.js";
import { issueReplyToken, userSays } from "./webhook.js";

export type { Emulator, EmulatorOptions, InboxEntry, RequestLogEntry, UserSaysResult } from "./types.js";

/** Starts an emulator; `await emulator.close()` when done. */
export async function startEmulator<P extends Profile = "current">(options: EmulatorOptions<P>): Promise<Emulator<P>> {
  if (!options.channelSecret || !options.channelAccessToken) {
    throw new TypeError(
      "startEmulator needs channelSecret and channelAccessToken (any strings; the bot must use the same)",
    );
  }
  const account = createAccount(options);
  const routes = [...messageRoutes(account), ...channelRoutes(account), ...couponRoutes(account)];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      raw += chunk;
    });
    req.on("end", () => {
      // A bug here must not leave the request hanging, nor crash the process that runs the emulator.
      answerRequest(account, emulator, routes, req, raw, res).catch((error: unknown) => {
        options.log?.(`${req.method} ${req.url} -> 500 (emulator error: ${(error as Error)?.message ?? error})`);
        if (!res.headersSent) {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ message: `emulator error: ${(error as Error)?.message ?? error}` }));
        } else res.destroy();
      });
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });

  const emulator: Emulator<P> = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get settings() {
      return account.settings;
    },
    get webhookUrl() {
      return account.webhookUrl;
    },
    set webhookUrl(url) {
      account.webhookUrl = url;
    },
    get quota() {
      return account.quota;
    },
    set quota(quota) {
      account.quota = quota;
    },
    get faults() {
      return account.faults;
    },
    set faults(faults) {
      account.faults = faults;
    },
    requests: account.requests,
    unanswered: account.unanswered,
    userSays: (userId, text, sayOptions) => userSays(account, userId, text, sayOptions),
    issueReplyToken: (userId, { ttlMs, token = `emu${ulid(account.now()).toLowerCase()}` } = {}) =>
      issueReplyToken(account, userId, token, ttlMs),
    failNext: (endpoint, fault, times = 1) => account.failNext(endpoint, fault, times),
    operator: (event) => account.operator(event),
    inbox: (userId) => account.inbox(userId),
    users: () => account.users(),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return emulator;
}

/** Answers one request: the control plane, or LINE's API (auth, JSON, the route, its faults), logged. */
async function answerRequest<P extends Profile>(
  account: Account<P>,
  emulator: Emulator<P>,
  routes: readonly Route[],
  req: IncomingMessage,
  raw: string,
  res: ServerResponse,
): Promise<void> {
  const { options } = account;
  const method = req.method ?? "GET";
  const path = req.url ?? "/";
  const { pathname, searchParams: query } = new URL(path, "http://emulator");
  const retryHeader = req.headers["x-line-retry-key"];
  const retryKey = typeof retryHeader === "string" ? retryHeader : undefined;
  let parsed: unknown;
  const log = (status: number | "dropped", body?: unknown) => {
    account.requests.push({
      method,
      path,
      status,
      at: account.now(),
      ...(retryKey ? { retryKey } : {}),
      ...(body === undefined ? {} : { body }),
    });
    options.log?.(`${method} ${path} -> ${status}${retryKey ? ` (retry key ${retryKey})` : ""}`);
  };
  const send = (answer: Answer) => {
    log(answer.status, parsed);
    res
      .writeHead(answer.status, { "content-type": "application/json", ...answer.headers })
      .end(JSON.stringify(answer.body));
  };
  if (pathname.startsWith("/emulator/")) return send(await control(emulator, method, pathname, raw));
  if (req.headers.authorization !== `Bearer ${options.channelAccessToken}`) {
    return send(
      fail(401, "Authentication failed. Confirm that the access token in the authorization header is valid."),
    );
  }
  if (raw !== "") {
    try {
      parsed = JSON.parse(raw);
    } catch {
      return send(fail(400, "The request body is not valid JSON"));
    }
  }
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(pathname);
    if (!match) continue;
    const fault = route.endpoint ? account.nextFault(route.endpoint, retryKey ?? raw) : undefined;
    const wait = () => new Promise((resolve) => setTimeout(resolve, fault?.latencyMs ?? 0));
    const failNow = () => {
      if (fault?.drop) {
        log("dropped", parsed);
        res.socket?.destroy();
        return true;
      }
      if (fault?.status) {
        const headers: Record<string, string> = fault.retryAfterSeconds
          ? { "retry-after": String(fault.retryAfterSeconds) }
          : {};
        send({ status: fault.status, body: { message: faultMessage(fault, (s) => STATUS_CODES[s]) }, headers });
        return true;
      }
      return false;
    };
    // Before the effect: wait, then fail without touching anything. After: take effect, wait, then
    // fail the answer (or, with latency only, give the true answer late).
    if (fault && !fault.afterEffect) {
      if (fault.latencyMs) await wait();
      if (failNow()) return;
    }
    const answer = await route.handle({ body: parsed, retryKey, params: match.slice(1), query });
    if (fault?.afterEffect) {
      if (fault.latencyMs) await wait();
      if (answer.status < 300 && failNow()) return;
    }
    return send(answer);
  }
  return send(fail(404, "Not found"));
}
