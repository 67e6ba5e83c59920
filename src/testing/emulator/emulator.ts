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
import { createModeMachine, type EventOf, type TransitionResult } from "../../guards/machine.js";
import { capabilitiesOf } from "../../guards/profiles/index.js";
import type { CurrentState, LegacyState, Profile, StateOf } from "../../guards/state.js";
import { ModeEventSchema } from "../../guards/state-schema.js";
import { compileRules, type RuleMatcher } from "../../rules/compile.js";
import type { RuleSet } from "../../rules/schema.js";
import { formatPath } from "../../validation/path.js";
import { userId as makeUserId, signedWebhook, textMessageEvent, ulid } from "../events.js";
import { checkFaults, type Fault, type FaultEndpoint, faultMessage, pickFault, requestRoll } from "./faults.js";
import {
  CouponCreateRequestSchema,
  checkRequest,
  MulticastRequestSchema,
  PushRequestSchema,
  ReplyRequestSchema,
  SetWebhookEndpointRequestSchema,
  TestWebhookEndpointRequestSchema,
} from "./requests.js";
import { seededChars, seededUlid } from "./seeded-ids.js";

/** Options of {@link startEmulator}. */
export interface EmulatorOptions<P extends Profile = "current"> {
  channelSecret: string;
  channelAccessToken: string;
  /** Default 0: any free port (read `emulator.url`). */
  port?: number;
  /** The bot's webhook URL; also settable through `PUT /v2/bot/channel/webhook/endpoint`. */
  webhookUrl?: string;
  /** `current` (default) or `legacy` (Bot/Chat mode, before 2022-11-30). */
  profile?: P;
  /** The account's response settings; default webhook on, auto-response off, greeting on. */
  settings?: StateOf<P>;
  /** Webhook redelivery (a console setting, off by default at LINE). */
  redelivery?: boolean;
  /** How long LINE waits for the bot's answer before counting the delivery failed; default 2,000 ms. */
  webhookTimeoutMs?: number;
  /**
   * Keyword auto-responses set up in LINE Official Account Manager: the rules with
   * `answeredBy: native` (so a bot's whole rule file can be given), answered with their `reply`.
   */
  nativeRules?: RuleSet;
  /** Pushes left this month (recipients x requests); default unlimited. */
  quota?: number;
  /** Faults to inject into sends. */
  faults?: readonly Fault[];
  /**
   * Seed of the fault dice; default 1. A request's fate depends on the seed and the request (its
   * reply token, retry key or body, the webhook event), not on arrival order, so concurrent runs repeat.
   * The webhookEventId and reply token of what `userSays` sends come from the seed too (and from
   * the user, the text and how often they said it), never from a random source.
   */
  seed?: number;
  /** The clock of token expiry, retry-key memory and events; default `Date.now`. */
  now?: () => number;
  /** Called with one line per request (the CLI prints them). */
  log?: (line: string) => void;
}

/** A message that reached a user's phone. */
export interface InboxEntry {
  via: "reply" | "push" | "multicast" | "auto-response";
  messages: object[];
  at: number;
  /** LINE's ids of the messages. */
  sentMessageIds: string[];
}

/** One request the emulator answered. */
export interface RequestLogEntry {
  method: string;
  path: string;
  status: number | "dropped";
  at: number;
  retryKey?: string;
  body?: unknown;
}

/** What happened to one message a simulated user sent. */
export interface UserSaysResult {
  webhookEventId: string;
  /** `delivered`: the bot answered 2xx; `failed`: it did not (after redeliveries); `off`: the webhook is off or has no URL. */
  webhook: "delivered" | "failed" | "off";
  /** Webhook deliveries made (1 + redeliveries). */
  deliveries: number;
  /** The status of each delivery (`error` when the connection failed). */
  statuses: (number | "error")[];
  /** Messages the account's native auto-response sent, if one matched. */
  nativeReply: object[] | null;
}

/** A running emulator. */
export interface Emulator<P extends Profile = "current"> {
  /** The Messaging API origin: `new messagingApi.MessagingApiClient({ channelAccessToken, baseURL: emulator.url })`. */
  readonly url: string;
  /** The account's response settings now. */
  readonly settings: StateOf<P>;
  /** The bot's webhook URL. */
  webhookUrl: string | undefined;
  /** Pushes left this month; `undefined` for unlimited. */
  quota: number | undefined;
  /** The faults in force; replace to change them mid-run. */
  faults: readonly Fault[];
  /** Every request answered, in order. */
  readonly requests: readonly RequestLogEntry[];
  /** Messages users sent that neither the webhook nor an auto-response could answer (settings off). */
  readonly unanswered: readonly { userId: string; text: string; at: number }[];
  /**
   * A user sends `text`: signs and POSTs the webhook when it is on (redelivering on failure when
   * enabled), answers with a native auto-response when that is on and a rule matches.
   */
  userSays(userId: string, text: string, options?: { timestamp?: number }): Promise<UserSaysResult>;
  /**
   * A reply token for `userId`, good once for `ttlMs` (default a minute), as if a webhook had just
   * carried it: for tests that hand events to `responder.handleEvents()` directly. `token` makes it
   * a given one (the token in a recorded webhook fixture).
   */
  issueReplyToken(userId: string, options?: { ttlMs?: number; token?: string }): string;
  /** The next `times` requests to `endpoint` meet `fault`, before any dice. */
  failNext(endpoint: Exclude<FaultEndpoint, "*">, fault: Omit<Fault, "endpoint" | "rate">, times?: number): void;
  /** An operator changes a setting; refused changes (LINE's or the guard's) change nothing. */
  operator(event: EventOf<P>): TransitionResult<P>;
  /** What reached `userId`, oldest first. */
  inbox(userId: string): readonly InboxEntry[];
  /** Every user with something in the inbox. */
  users(): string[];
  /** Stops the server and drops open connections. */
  close(): Promise<void>;
}

const RETRY_KEY_TTL = 24 * 60 * 60 * 1000;
const REPLY_TOKEN_TTL = 60 * 1000;
const TWENTY_MINUTES = 20 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BOT_USER_ID = makeUserId("emulated-bot");

const DEFAULT_SETTINGS = {
  current: { chat: false, webhook: true, autoResponse: false, greeting: true } satisfies CurrentState,
  legacy: { mode: "bot", webhook: true, autoResponse: false, greeting: true } satisfies LegacyState,
};

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const fail = (status: number, message: string, extra: object = {}): Answer => ({
  status,
  body: { message, ...extra },
});

/** A matcher of the rules LINE itself answers; the bot's matcher skips exactly these. */
function nativeMatcher(ruleSet: RuleSet): RuleMatcher {
  const rules = ruleSet.rules.filter((rule) => rule.answeredBy === "native" && rule.reply !== undefined);
  return compileRules({ ...ruleSet, rules: rules.map((rule) => ({ ...rule, answeredBy: "bot" as const })) });
}

/** Starts an emulator; `await emulator.close()` when done. */
export async function startEmulator<P extends Profile = "current">(options: EmulatorOptions<P>): Promise<Emulator<P>> {
  if (!options.channelSecret || !options.channelAccessToken) {
    throw new TypeError(
      "startEmulator needs channelSecret and channelAccessToken (any strings; the bot must use the same)",
    );
  }
  checkFaults(options.faults ?? []);
  const profile = (options.profile ?? "current") as P;
  const machine = createModeMachine({ profile });
  const now = options.now ?? Date.now;
  const seed = options.seed ?? 1;
  const native = options.nativeRules ? nativeMatcher(options.nativeRules) : undefined;
  let settings = { ...(options.settings ?? DEFAULT_SETTINGS[profile]) } as StateOf<P>;
  let messageId = 600_000_000_000_000_000n;
  let requestCounter = 0;
  const tokens = new Map<string, { userId: string; expires: number; used: boolean }>();
  const retryKeys = new Map<string, { requestId: string; sentMessages: { id: string }[]; expires: number }>();
  const inboxes = new Map<string, InboxEntry[]>();
  const coupons = new Map<
    string,
    { couponId: string; status: "RUNNING" | "CLOSED"; request: unknown; createdAt: number }
  >();
  const requests: RequestLogEntry[] = [];
  const unanswered: { userId: string; text: string; at: number }[] = [];
  let consumption = 0;
  const sockets = new Set<Socket>();
  const queued = new Map<FaultEndpoint, Fault[]>();
  const seen = new Map<string, number>();
  const nextFault = (endpoint: FaultEndpoint, identity: string): Fault | undefined => {
    const queuedFault = queued.get(endpoint)?.shift();
    if (queuedFault) return queuedFault;
    const key = `${endpoint} ${identity}`;
    const times = seen.get(key) ?? 0;
    seen.set(key, times + 1);
    return pickFault(emulator.faults, endpoint, requestRoll(seed, key, times));
  };

  const deliver = (to: string, via: InboxEntry["via"], messages: object[]) => {
    const sentMessages = messages.map(() => {
      messageId++;
      return { id: String(messageId), quoteToken: `q${messageId}` };
    });
    const list = inboxes.get(to) ?? [];
    list.push({ via, messages, at: now(), sentMessageIds: sentMessages.map((m) => m.id) });
    inboxes.set(to, list);
    return sentMessages;
  };

  /** Sends under a retry key: 409 for a key LINE accepted in the last 24 hours. */
  function withRetryKey(retryKey: string | undefined, send: () => Answer): Answer {
    if (retryKey === undefined) return send();
    if (!UUID.test(retryKey)) return fail(400, "The value of the X-Line-Retry-Key header must be a UUID");
    const key = retryKey.toLowerCase();
    const earlier = retryKeys.get(key);
    if (earlier && earlier.expires > now()) {
      return {
        status: 409,
        body: { message: "The retry key is already accepted", sentMessages: earlier.sentMessages },
        headers: { "x-line-accepted-request-id": earlier.requestId },
      };
    }
    const answer = send();
    if (answer.status === 200) {
      const requestId = answer.headers?.["x-line-request-id"] ?? "";
      const sentMessages = (answer.body as { sentMessages?: { id: string }[] }).sentMessages ?? [];
      retryKeys.set(key, { requestId, sentMessages, expires: now() + RETRY_KEY_TTL });
    }
    return answer;
  }

  function takeQuota(recipients: number): Answer | undefined {
    if (emulator.quota === undefined) return undefined;
    if (emulator.quota < recipients) return fail(429, "You have reached your monthly limit.");
    emulator.quota -= recipients;
    return undefined;
  }

  type Route = (input: {
    body: unknown;
    retryKey: string | undefined;
    params: string[];
    query: URLSearchParams;
  }) => Answer | Promise<Answer>;
  const routes: { method: string; pattern: RegExp; endpoint?: FaultEndpoint; handle: Route }[] = [
    {
      method: "POST",
      pattern: /^\/v2\/bot\/message\/reply$/,
      endpoint: "reply",
      handle: ({ body, retryKey }) => {
        if (retryKey !== undefined) return fail(400, "The retry key is not supported on this endpoint");
        const checked = checkRequest(ReplyRequestSchema, body);
        if (!checked.ok) return { status: 400, body: checked.error };
        const token = tokens.get(checked.value.replyToken);
        if (!token || token.used || token.expires <= now()) return fail(400, "Invalid reply token");
        token.used = true;
        return { status: 200, body: { sentMessages: deliver(token.userId, "reply", checked.value.messages) } };
      },
    },
    {
      method: "POST",
      pattern: /^\/v2\/bot\/message\/push$/,
      endpoint: "push",
      handle: ({ body, retryKey }) => {
        const checked = checkRequest(PushRequestSchema, body);
        if (!checked.ok) return { status: 400, body: checked.error };
        return withRetryKey(retryKey, () => {
          const refused = takeQuota(1);
          if (refused) return refused;
          consumption++;
          const sentMessages = deliver(checked.value.to, "push", checked.value.messages);
          return { status: 200, body: { sentMessages }, headers: { "x-line-request-id": `req-${++requestCounter}` } };
        });
      },
    },
    {
      method: "POST",
      pattern: /^\/v2\/bot\/message\/multicast$/,
      endpoint: "multicast",
      handle: ({ body, retryKey }) => {
        const checked = checkRequest(MulticastRequestSchema, body);
        if (!checked.ok) return { status: 400, body: checked.error };
        return withRetryKey(retryKey, () => {
          const refused = takeQuota(checked.value.to.length);
          if (refused) return refused;
          consumption += checked.value.to.length;
          for (const to of checked.value.to) deliver(to, "multicast", checked.value.messages);
          return { status: 200, body: {}, headers: { "x-line-request-id": `req-${++requestCounter}` } };
        });
      },
    },
    {
      method: "GET",
      pattern: /^\/v2\/bot\/info$/,
      handle: () => {
        const { manualChat, markAsRead } = capabilitiesOf(profile, settings, now());
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
        emulator.webhookUrl === undefined
          ? fail(404, "The webhook endpoint is not set")
          : { status: 200, body: { endpoint: emulator.webhookUrl, active: webhookOn() } },
    },
    {
      method: "PUT",
      pattern: /^\/v2\/bot\/channel\/webhook\/endpoint$/,
      handle: ({ body }) => {
        const checked = checkRequest(SetWebhookEndpointRequestSchema, body);
        if (!checked.ok) return { status: 400, body: checked.error };
        emulator.webhookUrl = checked.value.endpoint;
        return { status: 200, body: {} };
      },
    },
    {
      method: "POST",
      pattern: /^\/v2\/bot\/channel\/webhook\/test$/,
      handle: async ({ body }) => {
        const checked = checkRequest(TestWebhookEndpointRequestSchema, body ?? {});
        if (!checked.ok) return { status: 400, body: checked.error };
        const target = checked.value?.endpoint ?? emulator.webhookUrl;
        if (!target) return fail(400, "The webhook endpoint is not set");
        const status = await postWebhook(target, []);
        const success = typeof status === "number" && status >= 200 && status < 300;
        return {
          status: 200,
          body: {
            success,
            timestamp: new Date(now()).toISOString(),
            statusCode: typeof status === "number" ? status : 0,
            reason: success ? "OK" : typeof status === "number" ? "ERROR_STATUS_CODE" : "COULD_NOT_CONNECT",
            detail: typeof status === "number" ? String(status) : "connection failed",
          },
        };
      },
    },
    {
      method: "GET",
      pattern: /^\/v2\/bot\/message\/quota$/,
      handle: () => ({
        status: 200,
        body:
          emulator.quota === undefined ? { type: "none" } : { type: "limited", value: emulator.quota + consumption },
      }),
    },
    {
      method: "GET",
      pattern: /^\/v2\/bot\/message\/quota\/consumption$/,
      handle: () => ({ status: 200, body: { totalUsage: consumption } }),
    },
    {
      method: "POST",
      pattern: /^\/v2\/bot\/coupon$/,
      handle: ({ body }) => {
        const checked = checkRequest(CouponCreateRequestSchema, body);
        if (!checked.ok) return { status: 400, body: checked.error };
        const couponId = `coupon-${coupons.size + 1}`;
        coupons.set(couponId, { couponId, status: "RUNNING", request: checked.value, createdAt: now() });
        return { status: 200, body: { couponId } };
      },
    },
    {
      method: "GET",
      pattern: /^\/v2\/bot\/coupon$/,
      handle: ({ query }) => ({
        status: 200,
        body: {
          items: [...coupons.values()]
            .filter((c) => !query.get("status") || query.get("status")?.split(",").includes(c.status))
            .map((c) => ({
              couponId: c.couponId,
              title: (c.request as { title?: string }).title,
              status: c.status,
            })),
        },
      }),
    },
    {
      method: "GET",
      pattern: /^\/v2\/bot\/coupon\/([^/?]+)$/,
      handle: ({ params }) => {
        const coupon = coupons.get(params[0] as string);
        if (!coupon) return fail(404, "Coupon not found");
        return {
          status: 200,
          body: {
            ...(coupon.request as object),
            couponId: coupon.couponId,
            status: coupon.status,
            createdTimestamp: coupon.createdAt,
          },
        };
      },
    },
    {
      method: "PUT",
      pattern: /^\/v2\/bot\/coupon\/([^/?]+)\/close$/,
      handle: ({ params }) => {
        const coupon = coupons.get(params[0] as string);
        if (!coupon) return fail(404, "Coupon not found");
        coupon.status = "CLOSED";
        return { status: 200, body: {} };
      },
    },
    {
      method: "GET",
      pattern: /^\/v2\/bot\/profile\/([^/?]+)$/,
      handle: ({ params }) => {
        const id = params[0] as string;
        if (!knownUsers.has(id)) return fail(404, "Not found");
        return { status: 200, body: { userId: id, displayName: `User ${id.slice(-4)}`, language: "ja" } };
      },
    },
  ];
  const knownUsers = new Set<string>();
  const timesSaid = new Map<string, number>();

  const webhookOn = () => capabilitiesOf(profile, settings, now()).webhookDelivered;

  /** `url` is read at each delivery, as LINE does: a redelivery goes where the endpoint now points. */
  async function postWebhook(url: string | undefined, events: object[]): Promise<number | "error"> {
    if (!url) return "error";
    const { body, headers } = await signedWebhook(options.channelSecret, events, BOT_USER_ID);
    try {
      const res = await fetch(url, {
        method: "POST",
        body,
        headers: { ...headers, "user-agent": "LineBotWebhook/2.0" },
        signal: AbortSignal.timeout(options.webhookTimeoutMs ?? 2000),
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return "error";
    }
  }

  /**
   * The control plane, for driving the emulator over HTTP (the standalone CLI, other languages):
   * what a user says, what reached them, and the operator's clicks. Not part of LINE's API.
   */
  async function control(method: string, pathname: string, raw: string): Promise<Answer> {
    let body: Record<string, unknown> = {};
    try {
      body = raw === "" ? {} : (JSON.parse(raw) as Record<string, unknown>);
    } catch {
      return fail(400, "the body is not JSON");
    }
    const user = /^\/emulator\/users\/([^/]+)\/(messages|inbox)$/.exec(pathname);
    const userId = user ? decodePathSegment(user[1] as string) : undefined;
    if (user && userId === undefined) {
      return fail(400, `the user id ${JSON.stringify(user[1])} in the path is not valid percent-encoding`);
    }
    if (userId !== undefined && method === "POST" && user?.[2] === "messages") {
      if (typeof body.text !== "string" || body.text === "") return fail(400, 'send { "text": "..." }');
      return { status: 200, body: await emulator.userSays(userId, body.text) };
    }
    if (userId !== undefined && method === "GET" && user?.[2] === "inbox") {
      return { status: 200, body: emulator.inbox(userId) };
    }
    if (pathname === "/emulator/settings" && method === "GET") return { status: 200, body: settings };
    if (pathname === "/emulator/operator" && method === "POST") {
      const event = ModeEventSchema.safeParse(body);
      if (!event.success) {
        const issue = event.error.issues[0];
        const where = formatPath(issue?.path ?? []);
        return fail(
          400,
          `not a mode event (e.g. { "type": "SWITCH_MODE", "mode": "chat" }): ${where ? `${where}: ` : ""}${issue?.message}`,
        );
      }
      return { status: 200, body: emulator.operator(event.data as EventOf<P>) };
    }
    return fail(
      404,
      "emulator control: POST /emulator/users/{userId}/messages, GET /emulator/users/{userId}/inbox, GET /emulator/settings, POST /emulator/operator",
    );
  }

  async function answerRequest(req: IncomingMessage, raw: string, res: ServerResponse): Promise<void> {
    const method = req.method ?? "GET";
    const path = req.url ?? "/";
    const { pathname, searchParams: query } = new URL(path, "http://emulator");
    const retryHeader = req.headers["x-line-retry-key"];
    const retryKey = typeof retryHeader === "string" ? retryHeader : undefined;
    const log = (status: number | "dropped", body?: unknown) => {
      requests.push({
        method,
        path,
        status,
        at: now(),
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
    let parsed: unknown;
    if (pathname.startsWith("/emulator/")) return send(await control(method, pathname, raw));
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
      const fault = route.endpoint ? nextFault(route.endpoint, retryKey ?? raw) : undefined;
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

  const server = createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      raw += chunk;
    });
    req.on("end", () => {
      // A bug here must not leave the request hanging, nor crash the process that runs the emulator.
      answerRequest(req, raw, res).catch((error: unknown) => {
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
      return settings;
    },
    webhookUrl: options.webhookUrl,
    quota: options.quota,
    faults: options.faults ?? [],
    requests,
    unanswered,

    async userSays(userId, text, sayOptions = {}) {
      knownUsers.add(userId);
      const at = sayOptions.timestamp ?? now();
      const capabilities = capabilitiesOf(profile, settings, at);
      const nativeMatch = capabilities.nativeKeywordReplies ? native?.match(text, { at }) : undefined;
      const nativeReply = nativeMatch?.rule.reply ?? null;
      if (nativeReply) deliver(userId, "auto-response", nativeReply);
      // The n-th time this user says this text: ids and fault dice follow from it and the seed.
      const said = `${userId}\n${text}`;
      const occurrence = timesSaid.get(said) ?? 0;
      timesSaid.set(said, occurrence + 1);
      const identity = `${said}\n${occurrence}`;
      const event = textMessageEvent(text, {
        source: userId,
        timestamp: at,
        webhookEventId: seededUlid(seed, identity, at),
        replyToken: seededChars(seed, `reply token\n${identity}`, 32),
      });
      const result: UserSaysResult = {
        webhookEventId: event.webhookEventId,
        webhook: "off",
        deliveries: 0,
        statuses: [],
        nativeReply,
      };
      if (!capabilities.webhookDelivered || !emulator.webhookUrl) {
        if (!nativeReply) unanswered.push({ userId, text, at });
        return result;
      }
      const token = event.replyToken as string;
      const attempts = options.redelivery ? 4 : 1;
      for (let i = 0; i < attempts; i++) {
        // Each delivery's token lives a minute from that delivery, never past 20 minutes after the event.
        const expires = Math.min(now() + REPLY_TOKEN_TTL, at + TWENTY_MINUTES);
        const earlier = tokens.get(token);
        tokens.set(token, { userId, expires, used: earlier?.used ?? false });
        const answered = await postWebhook(emulator.webhookUrl, [
          { ...event, deliveryContext: { isRedelivery: i > 0 } },
        ]);
        // A dropped answer: the bot answered, but LINE did not see it in time (as after 2 s).
        const status = nextFault("webhook", identity)?.drop ? "error" : answered;
        result.deliveries++;
        result.statuses.push(status);
        if (typeof status === "number" && status >= 200 && status < 300) {
          result.webhook = "delivered";
          return result;
        }
        if (i + 1 < attempts) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** i));
      }
      result.webhook = "failed";
      return result;
    },

    issueReplyToken(userId, { ttlMs = REPLY_TOKEN_TTL, token = `emu${ulid(now()).toLowerCase()}` } = {}) {
      tokens.set(token, { userId, expires: now() + ttlMs, used: false });
      return token;
    },

    failNext(endpoint, fault, times = 1) {
      const spec = { ...fault, endpoint, rate: 1 } as Fault;
      checkFaults([spec]);
      queued.set(endpoint, [...(queued.get(endpoint) ?? []), ...Array.from({ length: times }, () => spec)]);
    },

    operator(event) {
      const result = machine.transition(settings, event, { at: now() });
      if (result.ok) settings = result.state;
      options.log?.(`operator ${JSON.stringify(event)} -> ${result.ok ? "ok" : result.code}`);
      return result;
    },

    inbox: (userId) => inboxes.get(userId) ?? [],
    users: () => [...inboxes.keys()],

    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  return emulator;
}

/** A path segment decoded, or `undefined` when its `%` escapes are malformed (`%E0`, `%zz`). */
function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
