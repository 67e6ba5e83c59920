/**
 * `createResponder()`: the one object users wire up. Framework-neutral: raw bytes and the
 * signature header in, status and body out (`handle`), or a Web `Request` in and a `Response` out
 * (`fetch`). Adapters in `src/adapters/` are a few lines of glue around it.
 */
import { createEventContext, type EventFor, type EventHandler, type HandlerKey } from "./handler-context.js";
import type { MessagingClient } from "./rewards/client.js";
import { createDirectSender } from "./rewards/direct-send.js";
import {
  type BackfillOptions,
  type BackfillReport,
  type ClaimOf,
  createRewardDispatcher,
  type DeliveryOptions,
  type RewardHooks,
  type RewardResult,
  replyDeadline,
  resolveDelivery,
} from "./rewards/dispatcher.js";
import {
  createGranter,
  type GrantManyOptions,
  type GrantManyReport,
  type GrantRequest,
  type GrantResult,
} from "./rewards/grant.js";
import { compileRules, type RuleMatch, type RuleMatcher } from "./rules/compile.js";
import { parseRuleSet } from "./rules/parse.js";
import { type RuleSet, SOURCE_TYPES, type SourceType } from "./rules/schema.js";
import { isValidated } from "./rules/validated.js";
import { createMemoryStore } from "./stores/memory.js";
import type { ClaimRewardResult, Store } from "./stores/store.js";
import { closest } from "./validation/closest.js";
import { checkResponderOptions } from "./validation/responder-options.js";
import { answer, type HandleResult, JSON_HEADERS } from "./webhook/answer.js";
import { firstIssue, parseEnvelope } from "./webhook/envelope.js";
import { EVENT_TYPES, parseEvent, type WebhookEvent } from "./webhook/events.js";
import { type HandleRequest, serveExchange, type WebhookHandler } from "./webhook/exchange.js";
import { fetchExchange } from "./webhook/fetch-exchange.js";
import { MESSAGE_TYPES } from "./webhook/message-content.js";
import { checkSignature } from "./webhook/signature.js";

export type { EventContext, EventFor, EventHandler, HandlerKey } from "./handler-context.js";
// Defined beside `answer()` so the adapters can use it without importing the pipeline.
export type { HandleResult } from "./webhook/answer.js";

/** What the pipeline did with one event, discriminated on `status`. */
export type EventOutcome =
  /** Answered, sent and handled. */
  | {
      status: "processed";
      webhookEventId: string;
      type: string;
      /** The rule that matched the event's text, if any, and its keyword. */
      ruleId?: string;
      keyword?: string;
      /** How the rule's reply or reward went out: `reply` with the event's token, or `push`. */
      sent: "reply" | "push" | null;
      /** For a reward rule: the claim and what became of it. */
      reward?: RewardResult;
      /**
       * Why a matched reply rule was not answered: `standby` (another channel is active; LINE
       * forbids sending), `no-reply-token`, `no-client` (no client configured). Reward rules say it in `reward`.
       */
      skipped?: "standby" | "no-reply-token" | "no-client";
      error?: never;
    }
  /** Done before: a redelivery. */
  | ({ status: "duplicate"; webhookEventId: string; type: string } & NotWorkedOn)
  /** Another delivery of it is being processed right now (answered 500: LINE tries again later). */
  | ({ status: "busy"; webhookEventId: string; type: string } & NotWorkedOn)
  /**
   * The store could not record it, or a handler or the reply threw. The event was given back, so
   * a redelivery works on it again and resumes its reward. `sent` and `reward` tell what had gone
   * out before the failure, when the work had started.
   */
  | {
      status: "failed";
      webhookEventId: string;
      type: string;
      error: string;
      ruleId?: string;
      keyword?: string;
      sent?: "reply" | "push" | null;
      reward?: RewardResult;
      skipped?: never;
    };

/**
 * The fields an event that was not worked on never has, declared absent so that reading
 * `outcome.reward` before checking `status` type-checks (it is `undefined` for these).
 */
interface NotWorkedOn {
  ruleId?: never;
  keyword?: never;
  sent?: never;
  reward?: never;
  skipped?: never;
  error?: never;
}

type ProcessedOutcome = Extract<EventOutcome, { status: "processed" }>;

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
  /**
   * How long a delivery holds an event while working on it; default 2 minutes. A delivery that
   * dies or loses its store holds it that long: then a redelivery (or backfill, for the reward)
   * takes over. Until then, another delivery of the event is answered 500, and LINE tries again later.
   */
  processingLeaseMs?: number;
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
export interface Responder extends WebhookHandler {
  /** The largest body accepted, in bytes (`maxBodyBytes`): adapters read no more than this. */
  readonly maxBodyBytes: number;
  /**
   * Registers a handler for an event type (`"message"`, `"follow"`, `"postback"`...), a message
   * type (`"message:text"`, `"message:sticker"`...), or `"*"` for every event, unknown types
   * included. The handler gets a context whose `event` is narrowed to the key. Handlers of an
   * event run in turn: its type's, then its message type's, then `"*"`'s.
   *
   * @example
   * ```ts
   * responder.on("message:text", async (ctx) => {
   *   if (!ctx.match) await ctx.reply({ type: "text", text: `「${ctx.event.message.text}」ですね` });
   * });
   * ```
   */
  on<K extends HandlerKey>(type: K, handler: EventHandler<EventFor<K>>): Responder;
  /**
   * Handles one webhook request: verify, parse, answer, and process the events (in the background
   * unless `processBeforeResponse`). `waitUntil` keeps the runtime alive for the background work
   * where it has one (Workers, Vercel); on Node the work is tracked for {@link drain}.
   */
  handle(request: HandleRequest): Promise<HandleResult>;
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
  /**
   * Grants one reward to one user by hand, by push: under the reward's limit and stock, claimed
   * before it is sent, with the retry key, retries and backfill of a keyword claim. The same `key`
   * grants once. An unknown reward, an exhausted stock or a user at the limit is a `refused` result.
   */
  grant(request: GrantRequest): Promise<GrantResult>;
  /**
   * {@link grant} for a list, `concurrency` at a time. Once LINE answers that the monthly quota is
   * used up, the rest are claimed but not sent (`pending`): `backfill()` sends them later.
   */
  grantMany(requests: readonly GrantRequest[], options?: GrantManyOptions): Promise<GrantManyReport>;
  /** The store this responder keeps events and claims in: `responder.store.listClaims(...)` to see who got what. */
  readonly store: Store;
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
 * responder.on("follow", (ctx) => console.log("new friend", ctx.event.source?.userId));
 * ```
 */
export function createResponder(options: ResponderOptions): Responder {
  const secrets = [...(options.channelSecrets ?? []), ...(options.channelSecret ? [options.channelSecret] : [])];
  if (secrets.length === 0 || secrets.some((s) => typeof s !== "string" || s === "")) {
    throw new TypeError(
      "createResponder needs channelSecret (or channelSecrets): the channel secret from the LINE Developers Console",
    );
  }
  checkResponderOptions(options);
  const matcher = matcherOf(options.rules);
  const store = options.store ?? createMemoryStore();
  const ttl = options.dedupeTtlMs ?? 24 * 60 * 60 * 1000;
  const processingLeaseMs = options.processingLeaseMs ?? 2 * 60 * 1000;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const onError =
    options.onError ?? ((error: unknown) => console.error("line-responder: error while processing an event:", error));
  const handlers = new Map<string, EventHandler[]>();
  const delivery = resolveDelivery(options.delivery ?? {});
  const sender = createDirectSender({ client: options.client, timeoutMs: delivery.timeoutMs, policy: delivery.policy });
  const pending = new Set<Promise<unknown>>();

  const dispatcher = createRewardDispatcher({
    store,
    client: options.client,
    rewards: matcher?.ruleSet.rewards ?? {},
    delivery: options.delivery ?? {},
    hooks: options,
    onError: (error) => onError(error),
  });

  function matchOf(event: WebhookEvent): RuleMatch | null {
    const text = event.type === "message" && event.message.type === "text" ? event.message.text : undefined;
    const source = event.source?.type ?? "user";
    if (!matcher || text === undefined || !(SOURCE_TYPES as readonly string[]).includes(source)) return null;
    const match = matcher.match(text, { at: event.timestamp, source: source as SourceType });
    if (match) {
      try {
        options.onMatch?.(match, event);
      } catch (error) {
        // An observer: its bug is reported, and the user still gets the answer.
        onError(error, event);
      }
    }
    return match;
  }

  /**
   * Records the event before anything is answered or sent: the event id and, for a reward rule,
   * the claim, in one atomic store step. An event that could not be recorded is `failed` (the
   * answer is then a 500, and LINE redelivers it); one that was is worked on by {@link work}.
   */
  async function begin(event: WebhookEvent): Promise<EventOutcome | Begun> {
    const base = { webhookEventId: event.webhookEventId, type: String(event.type) };
    let match: RuleMatch | null;
    let reward: ClaimOf | undefined;
    try {
      match = matchOf(event);
      reward = match?.rule.reward === undefined ? undefined : dispatcher.claimOf(event, match.rule.reward);
    } catch (error) {
      onError(error, event);
      return { ...base, status: "failed", error: errorMessage(error) };
    }
    try {
      const eventId = event.webhookEventId;
      const taken = await store.beginEvent(
        reward && "claim" in reward
          ? { eventId, leaseMs: processingLeaseMs, reward: reward.claim }
          : { eventId, leaseMs: processingLeaseMs },
      );
      if (taken.event !== "new") return { ...base, status: taken.event };
      return {
        event,
        match,
        base,
        claimed: taken.reward,
        noClaim: reward && "result" in reward ? reward.result : undefined,
      };
    } catch (error) {
      onError(error, event);
      const error_ = `the store could not record the event: ${errorMessage(error)}`;
      return { ...base, ...matchedFields(match), status: "failed", error: error_ };
    }
  }

  /** The handlers of an event, in the order they run: its type's, its message type's, then `*`'s. */
  function handlersOf(event: WebhookEvent): readonly EventHandler[] {
    const own = handlers.get(String(event.type));
    const byMessage = event.type === "message" ? handlers.get(`message:${String(event.message.type)}`) : undefined;
    const every = handlers.get("*");
    // Most events have handlers under one key only: that list as it is (`on` never changes a list, it replaces it).
    if (!byMessage && !every) return own ?? NO_HANDLERS;
    return [...(own ?? []), ...(byMessage ?? []), ...(every ?? [])];
  }

  /** Answers, sends and runs the handlers of a recorded event; marks it done, or gives it back when it failed. */
  async function work(begun: Begun, receivedAt: number): Promise<EventOutcome> {
    const { event, match } = begun;
    // Spelled out: spreading `begun.base` here took a tenth of a request's CPU time (V8's slow path).
    const { webhookEventId, type } = begun.base;
    const outcome: ProcessedOutcome = match
      ? { webhookEventId, type, ruleId: match.ruleId, keyword: match.keyword, status: "processed", sent: null }
      : { webhookEventId, type, status: "processed", sent: null };
    try {
      if (match) {
        const { reply, reward } = match.rule;
        if (reward !== undefined) {
          const result = begun.claimed
            ? await dispatcher.deliver(event, reward, begun.claimed, receivedAt)
            : (begun.noClaim as RewardResult);
          outcome.reward = result;
          outcome.sent =
            result.status === "sent" ? result.via : "answered" in result && result.answered ? "reply" : null;
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
      const toRun = handlersOf(event);
      if (toRun.length > 0) {
        const deadline = replyDeadline(event, receivedAt, delivery.replyWindowMs);
        const context = createEventContext(event, match, outcome.reward, sender, deadline);
        for (const handler of toRun) await handler(context);
      }
    } catch (error) {
      onError(error, event);
      // Give the id back, so a redelivery (after the 500 of processBeforeResponse) works on it again
      // and resumes the reward's claim. If even that fails, the lease runs out and does the same.
      await store.releaseEvent(event.webhookEventId).catch((releaseError: unknown) => onError(releaseError, event));
      const { skipped: _, ...sofar } = outcome;
      return { ...sofar, status: "failed", error: errorMessage(error) };
    }
    // The work is recorded where it matters (the claim); if marking the event done fails, its lease
    // runs out and a redelivery finds the claim settled.
    await store.finishEvent(event.webhookEventId, ttl).catch((finishError: unknown) => onError(finishError, event));
    return outcome;
  }

  const granter = createGranter({ store, dispatcher, rewards: matcher?.ruleSet.rewards ?? {} });

  async function processEvent(event: WebhookEvent, receivedAt: number): Promise<EventOutcome> {
    const begun = await begin(event);
    return isBegun(begun) ? work(begun, receivedAt) : begun;
  }

  /** A bug of ours or a throwing dependency: LINE gets a plain 500 (and redelivers), never a stack. */
  function internalError(error: unknown): HandleResult {
    onError(error);
    return answer(500, "internal error; the event was not processed");
  }

  async function handleRequest(request: Parameters<Responder["handle"]>[0]): Promise<HandleResult> {
    const receivedAt = Date.now();
    if (request.method !== undefined && request.method.toUpperCase() !== "POST") {
      return { ...answer(405, "LINE webhooks are POST requests"), headers: { ...JSON_HEADERS, allow: "POST" } };
    }
    const body = typeof request.body === "string" ? encoder.encode(request.body) : request.body;
    if (body.byteLength > maxBodyBytes) return answer(413, `body is larger than ${maxBodyBytes} bytes`);
    if (!request.signature) return answer(401, "missing x-line-signature header");
    const verdict = checkSignature(body, request.signature, secrets, request.hmac);
    if (!(typeof verdict === "boolean" ? verdict : await verdict)) {
      return answer(401, "x-line-signature does not match the body and the channel secret");
    }
    const parsed = parseEnvelope(body);
    if (!parsed.ok) return answer(400, parsed.reason);
    const events = parsed.envelope.events;
    if (events.length === 0) return answer(200, "ok");

    // Persist first, in both modes: 200 only once every event's work is recorded.
    const begun =
      events.length === 1
        ? [await begin(events[0] as WebhookEvent)]
        : await Promise.all(events.map((event) => begin(event)));
    const recorded = begun.filter(isBegun);
    if (request.processBeforeResponse ?? options.processBeforeResponse) {
      const outcomes = await Promise.all(begun.map((b) => (isBegun(b) ? work(b, receivedAt) : b)));
      return answerFor(outcomes);
    }
    if (recorded.length > 0) {
      const worked =
        recorded.length === 1
          ? work(recorded[0] as Begun, receivedAt)
          : Promise.all(recorded.map((b) => work(b, receivedAt)));
      // Leaves `pending` as it settles: drain() waits for exactly the work still running.
      const tracked: Promise<void> = worked.then(
        () => {
          pending.delete(tracked);
        },
        (error: unknown) => {
          pending.delete(tracked);
          onError(error);
        },
      );
      pending.add(tracked);
      request.waitUntil?.(tracked);
    }
    return answerFor(begun.filter((b): b is EventOutcome => !isBegun(b)));
  }

  const responder: Responder = {
    maxBodyBytes,
    on(type, handler) {
      checkHandlerKey(type);
      handlers.set(type, [...(handlers.get(type) ?? []), handler as EventHandler]);
      return responder;
    },

    async handleEvents(events) {
      const receivedAt = Date.now();
      // Events from another parser (the SDK's middleware) get the same checks as ours.
      if (!Array.isArray(events)) {
        throw new TypeError(`handleEvents takes the webhook body's events array, not ${typeof events}`);
      }
      return Promise.all(
        events.map((raw) => {
          const parsed = parseEvent(raw);
          if (parsed.success) return processEvent(parsed.data, receivedAt);
          const event = (raw ?? {}) as { webhookEventId?: unknown; type?: unknown };
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

    handle: (request) => handleRequest(request).catch(internalError),

    fetch: (request, _env, ctx) =>
      serveExchange(responder, fetchExchange(request), {
        waitUntil: ctx?.waitUntil ? (work) => ctx.waitUntil?.(work) : undefined,
      }),

    async drain() {
      while (pending.size > 0) await Promise.all([...pending]);
    },

    backfill: (backfillOptions) => dispatcher.backfill(backfillOptions),
    grant: (request) => granter.grant(request),
    grantMany: (requests, grantOptions) => granter.grantMany(requests, grantOptions),
    store,
  };
  return responder;
}

/** An event recorded by the store and not yet worked on. */
interface Begun {
  event: WebhookEvent;
  match: RuleMatch | null;
  base: { webhookEventId: string; type: string };
  /** The claim the store made or found, when the rule gives a reward and the event names a user. */
  claimed: ClaimRewardResult | undefined;
  /** Why a reward rule claimed nothing (no user). */
  noClaim: RewardResult | undefined;
}

function isBegun(value: EventOutcome | Begun): value is Begun {
  return "event" in value;
}

function matchedFields(match: RuleMatch | null): { ruleId?: string; keyword?: string } {
  return match ? { ruleId: match.ruleId, keyword: match.keyword } : {};
}

const NO_HANDLERS: readonly EventHandler[] = [];

const HANDLER_KEYS: readonly string[] = ["*", ...EVENT_TYPES, ...MESSAGE_TYPES.map((type) => `message:${type}`)];

/** A key no event ever has would leave its handler silently unused (JavaScript callers get no compile error). */
function checkHandlerKey(key: unknown): void {
  if (typeof key === "string" && HANDLER_KEYS.includes(key)) return;
  const near = typeof key === "string" ? closest(key, HANDLER_KEYS) : undefined;
  throw new TypeError(
    `responder.on: ${JSON.stringify(key)} is not an event type${near ? ` (did you mean "${near}"?)` : ""}; use one of LINE's event types ("message", "follow", "postback"...), "message:text" and the like, or "*"`,
  );
}

/** 200 when every event was recorded or already done; 500 (LINE redelivers) otherwise. */
function answerFor(outcomes: readonly EventOutcome[]): HandleResult {
  if (outcomes.some((o) => o.status === "failed")) {
    return answer(500, "an event could not be processed or recorded; LINE redelivers it");
  }
  if (outcomes.some((o) => o.status === "busy")) {
    return answer(500, "an event is being processed by another delivery; LINE redelivers it");
  }
  return answer(200, "ok");
}

/** A matcher from `rules`: compiled as given when `parseRuleSet` made it, parsed (and so checked) otherwise. */
function matcherOf(rules: ResponderOptions["rules"]): RuleMatcher | undefined {
  if (rules === undefined) return undefined;
  if (typeof rules === "object" && rules !== null && "match" in rules && typeof rules.match === "function") {
    return rules;
  }
  return compileRules(isValidated(rules) ? rules : parseRuleSet(rules));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
