/**
 * `createResponder()`: the one object users wire up. Framework-neutral: raw bytes and the
 * signature header in, status and body out (`handle`), or a Web `Request` in and a `Response` out
 * (`fetch`). Adapters in `src/adapters/` are a few lines of glue around it.
 */
import type { MessagingClient } from "./rewards/client.js";
import {
  type BackfillOptions,
  type BackfillReport,
  createRewardDispatcher,
  type DeliveryOptions,
  type RewardHooks,
  type RewardResult,
} from "./rewards/dispatcher.js";
import { compileRules, type RuleMatch, type RuleMatcher } from "./rules/compile.js";
import { type RuleSet, SOURCE_TYPES, type SourceType } from "./rules/schema.js";
import { createMemoryStore } from "./stores/memory.js";
import type { Store } from "./stores/store.js";
import { answer, JSON_HEADERS } from "./webhook/answer.js";
import { firstIssue, parseEnvelope, type WebhookEvent, WebhookEventSchema } from "./webhook/envelope.js";
import { verifySignature } from "./webhook/signature.js";

/** What a handler gets besides the event. */
export interface EventContext {
  /** The rule that answers the event's text, or `null` (also for events that are not text messages). */
  match: RuleMatch | null;
  /** What became of the reward the matched rule gives, if it gives one. */
  reward?: RewardResult;
}

/** A handler registered with {@link Responder.on}. */
export type EventHandler = (event: WebhookEvent, context: EventContext) => void | Promise<void>;

/** What the pipeline did with one event. */
export interface EventOutcome {
  webhookEventId: string;
  type: string;
  /** `duplicate`: taken before (a redelivery); `failed`: a handler or the reply threw (the event can be redelivered). */
  status: "processed" | "duplicate" | "failed";
  /** The rule that matched the event's text, if any. */
  ruleId?: string;
  keyword?: string;
  /** How the rule's reply or reward went out: `reply` with the event's token, or `push`. */
  sent: "reply" | "push" | null;
  /** For a reward rule: the claim and what became of it. */
  reward?: RewardResult;
  /**
   * Why a matched reply rule was not answered: `standby` (another channel is active; LINE forbids
   * sending), `no-reply-token`, `no-client` (no client configured). Reward rules say it in `reward`.
   */
  skipped?: "standby" | "no-reply-token" | "no-client";
  error?: string;
}

/** The HTTP answer of {@link Responder.handle}. */
export interface HandleResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Options of {@link createResponder}. */
export interface ResponderOptions extends RewardHooks {
  /** The channel secret (LINE Developers Console). */
  channelSecret?: string;
  /** Several channel secrets, accepted alike: rotate a secret without dropping requests. */
  channelSecrets?: readonly string[];
  /** Keyword rules: what `parseRuleSet` returns, or a matcher from `compileRules`. */
  rules?: RuleSet | RuleMatcher;
  /** Sends replies and rewards; `new messagingApi.MessagingApiClient({ channelAccessToken })` fits. */
  client?: MessagingClient;
  /** How rewards are sent: reply window, retries, timeouts, and what to do when a reply's outcome is unknown. */
  delivery?: DeliveryOptions;
  /** Where taken webhook event ids (and reward claims) are kept; default an in-memory store. Share a Redis or PostgreSQL store between instances. */
  store?: Store;
  /** How long an event id is remembered; default 24 hours. */
  dedupeTtlMs?: number;
  /** Process events before answering (FaaS, where work after the response may be frozen); default false. */
  processBeforeResponse?: boolean;
  /** Largest body accepted, in bytes; default 1 MB (LINE's own bodies are far smaller). */
  maxBodyBytes?: number;
  /** Called when a rule matches, before it is answered. */
  onMatch?: (match: RuleMatch, event: WebhookEvent) => void;
  /** Called for every error while processing; default `console.error`. Errors are never thrown from the background. */
  onError?: (error: unknown, event?: WebhookEvent) => void;
}

/** The webhook pipeline. */
export interface Responder {
  /** Registers a handler for an event type (`message`, `follow`, `postback`...), or `*` for all. */
  on(type: string, handler: EventHandler): Responder;
  /**
   * Handles one webhook request: verify, parse, answer, and process the events (in the background
   * unless `processBeforeResponse`). `waitUntil` keeps the runtime alive for the background work
   * where it has one (Workers, Vercel); on Node the work is tracked for {@link drain}.
   */
  handle(request: {
    body: Uint8Array | string;
    signature: string | null | undefined;
    method?: string;
    waitUntil?: (work: Promise<unknown>) => void;
    processBeforeResponse?: boolean;
  }): Promise<HandleResult>;
  /** {@link handle} for a Web `Request` (Workers, Deno, Bun, Next.js, Hono). */
  fetch(request: Request, env?: unknown, ctx?: { waitUntil?(work: Promise<unknown>): void }): Promise<Response>;
  /**
   * The pipeline without the signature step, for bots that already verify and parse with the
   * SDK's `middleware()`: `await responder.handleEvents(req.body.events)`.
   */
  handleEvents(events: readonly unknown[]): Promise<EventOutcome[]>;
  /** Resolves when all background work has finished: await it before a Node server exits. */
  drain(): Promise<void>;
  /**
   * Delivers, by push with each claim's retry key, the rewards that were claimed but not sent:
   * crashes between claim and send, outages, `standby` and late events, and (when asked) the
   * quota-blocked ones. Oldest first; safe to run from cron on several instances at once (each
   * run leases the claims it takes, and the retry key turns any overlap into LINE's 409).
   */
  backfill(options?: BackfillOptions): Promise<BackfillReport>;
}

const encoder = new TextEncoder();

/**
 * Creates the webhook pipeline.
 *
 * @example
 * ```ts
 * import { messagingApi } from "@line/bot-sdk";
 * import { createResponder, parseRuleSet } from "line-responder";
 *
 * const responder = createResponder({
 *   channelSecret: process.env.LINE_CHANNEL_SECRET,
 *   rules: parseRuleSet(readFileSync("rules.yaml", "utf8")),
 *   client: new messagingApi.MessagingApiClient({ channelAccessToken: process.env.LINE_CHANNEL_ACCESS_TOKEN }),
 * });
 * responder.on("follow", async (event) => console.log("new friend", event.source?.userId));
 * ```
 */
export function createResponder(options: ResponderOptions): Responder {
  const secrets = [...(options.channelSecrets ?? []), ...(options.channelSecret ? [options.channelSecret] : [])];
  if (secrets.length === 0 || secrets.some((s) => typeof s !== "string" || s === "")) {
    throw new TypeError(
      "createResponder needs channelSecret (or channelSecrets): the channel secret from the LINE Developers Console",
    );
  }
  const matcher =
    options.rules === undefined ? undefined : "match" in options.rules ? options.rules : compileRules(options.rules);
  const store = options.store ?? createMemoryStore();
  const ttl = options.dedupeTtlMs ?? 24 * 60 * 60 * 1000;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const onError =
    options.onError ?? ((error: unknown) => console.error("line-responder: error while processing an event:", error));
  const handlers = new Map<string, EventHandler[]>();
  const pending = new Set<Promise<unknown>>();
  checkDelivery(options.delivery ?? {});
  const dispatcher = createRewardDispatcher({
    store,
    client: options.client,
    rewards: matcher?.ruleSet.rewards ?? {},
    delivery: options.delivery ?? {},
    hooks: options,
    onError: (error) => onError(error),
  });

  async function processEvent(event: WebhookEvent, receivedAt: number): Promise<EventOutcome> {
    const base = { webhookEventId: event.webhookEventId, type: event.type, sent: null };
    if (!(await store.claimEvent(event.webhookEventId, ttl))) return { ...base, status: "duplicate" };
    let outcome: EventOutcome = { ...base, status: "processed" };
    try {
      const text = event.type === "message" && event.message?.type === "text" ? event.message.text : undefined;
      const source = event.source?.type;
      const match =
        matcher && text !== undefined && (SOURCE_TYPES as readonly string[]).includes(source ?? "user")
          ? matcher.match(text, { at: event.timestamp, source: (source ?? "user") as SourceType })
          : null;
      if (match) {
        outcome = { ...outcome, ruleId: match.ruleId, keyword: match.keyword };
        try {
          options.onMatch?.(match, event);
        } catch (error) {
          // An observer: its bug is reported, and the user still gets the answer.
          onError(error, event);
        }
        const { reply, reward } = match.rule;
        if (reward !== undefined) {
          outcome.reward = await dispatcher.dispatch(event, reward, receivedAt);
          outcome.sent = outcome.reward.via ?? null;
        } else if (reply !== undefined) {
          const skipped =
            event.mode === "standby"
              ? "standby"
              : !event.replyToken
                ? "no-reply-token"
                : !options.client
                  ? "no-client"
                  : undefined;
          if (skipped) outcome.skipped = skipped;
          else if (event.replyToken && options.client) {
            await options.client.replyMessage({ replyToken: event.replyToken, messages: reply });
            outcome.sent = "reply";
          }
        }
      }
      const context: EventContext = { match, ...(outcome.reward ? { reward: outcome.reward } : {}) };
      for (const handler of [...(handlers.get(event.type) ?? []), ...(handlers.get("*") ?? [])]) {
        await handler(event, context);
      }
      return outcome;
    } catch (error) {
      // Give the id back: if LINE redelivers (after a 500 in processBeforeResponse mode), try again.
      await store.releaseEvent(event.webhookEventId);
      onError(error, event);
      return { ...outcome, status: "failed", error: error instanceof Error ? error.message : String(error) };
    }
  }

  const responder: Responder = {
    on(type, handler) {
      handlers.set(type, [...(handlers.get(type) ?? []), handler]);
      return responder;
    },

    async handleEvents(events) {
      const receivedAt = Date.now();
      // Events from another parser (the SDK's middleware) get the same checks as ours.
      return Promise.all(
        events.map((raw) => {
          const parsed = WebhookEventSchema.safeParse(raw);
          if (parsed.success) return processEvent(parsed.data, receivedAt);
          const event = (raw ?? {}) as Partial<WebhookEvent>;
          return {
            webhookEventId: String(event.webhookEventId ?? ""),
            type: String(event.type ?? ""),
            status: "failed" as const,
            sent: null,
            error: `not a LINE webhook event: ${firstIssue(parsed.error, "event")}`,
          };
        }),
      );
    },

    async handle(request) {
      const receivedAt = Date.now();
      if (request.method !== undefined && request.method.toUpperCase() !== "POST") {
        return { ...answer(405, "LINE webhooks are POST requests"), headers: { ...JSON_HEADERS, allow: "POST" } };
      }
      const body = typeof request.body === "string" ? encoder.encode(request.body) : request.body;
      if (body.byteLength > maxBodyBytes) return answer(413, `body is larger than ${maxBodyBytes} bytes`);
      if (!request.signature) return answer(401, "missing x-line-signature header");
      if (!(await verifySignature(body, request.signature, secrets))) {
        return answer(401, "x-line-signature does not match the body and the channel secret");
      }
      const parsed = parseEnvelope(body);
      if (!parsed.ok) return answer(400, parsed.reason);
      const events = parsed.envelope.events;
      if (events.length === 0) return answer(200, "ok");

      const work = Promise.all(events.map((event) => processEvent(event, receivedAt)));
      if (request.processBeforeResponse ?? options.processBeforeResponse) {
        const outcomes = await work;
        // A 500 makes LINE redeliver (when redelivery is on); the failed events were released.
        return outcomes.some((o) => o.status === "failed")
          ? answer(500, "an event could not be processed")
          : answer(200, "ok");
      }
      const tracked = work.then(
        () => undefined,
        (error) => onError(error),
      );
      pending.add(tracked);
      void tracked.finally(() => pending.delete(tracked));
      request.waitUntil?.(tracked);
      return answer(200, "ok");
    },

    async fetch(request, _env, ctx) {
      const body = await readBody(request, maxBodyBytes);
      const result =
        body === undefined
          ? answer(413, `body is larger than ${maxBodyBytes} bytes`)
          : await responder.handle({
              body,
              signature: request.headers.get("x-line-signature"),
              method: request.method,
              waitUntil: ctx?.waitUntil ? (work) => ctx.waitUntil?.(work) : undefined,
            });
      return new Response(result.body, { status: result.status, headers: result.headers });
    },

    async drain() {
      while (pending.size > 0) await Promise.all([...pending]);
    },

    backfill: (backfillOptions) => dispatcher.backfill(backfillOptions),
  };
  return responder;
}

/** Refuses delivery options that cannot work, naming the option, at start rather than at the first reward. */
function checkDelivery(delivery: DeliveryOptions): void {
  const positive = (name: string, value: number | undefined, whole = false) => {
    if (value === undefined) return;
    if (typeof value !== "number" || !(value > 0) || !Number.isFinite(value) || (whole && !Number.isInteger(value))) {
      throw new TypeError(`delivery.${name} must be a ${whole ? "whole number" : "number"} above 0, not ${value}`);
    }
  };
  positive("replyWindowMs", delivery.replyWindowMs);
  positive("requestTimeoutMs", delivery.requestTimeoutMs);
  positive("retry.maxAttempts", delivery.retry?.maxAttempts, true);
  positive("retry.baseDelayMs", delivery.retry?.baseDelayMs);
  positive("retry.maxDelayMs", delivery.retry?.maxDelayMs);
  const ambiguous = delivery.ambiguousReply;
  if (ambiguous !== undefined && ambiguous !== "push" && ambiguous !== "hold") {
    throw new TypeError(`delivery.ambiguousReply must be "push" or "hold", not ${JSON.stringify(ambiguous)}`);
  }
}

/** The body's bytes, or `undefined` past `max` (stops reading there instead of buffering it all). */
async function readBody(request: Request, max: number): Promise<Uint8Array | undefined> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > max) return undefined;
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
