/**
 * The emulated LINE Official Account: everything the routes, the webhook side and the control
 * plane read and change (settings, reply tokens, retry keys, inboxes, quota, coupons, the request
 * log, the fault schedule), and the rules LINE applies to them. No HTTP here.
 */

import { createModeMachine, type EventOf, type TransitionResult } from "../../guards/machine.js";
import { capabilitiesOf } from "../../guards/profiles/index.js";
import type { CurrentState, LegacyState, Profile, StateOf } from "../../guards/state.js";
import { compileRules, type RuleMatcher } from "../../rules/compile.js";
import type { RuleSet } from "../../rules/schema.js";
import { checkFaults, type Fault, type FaultEndpoint, pickFault, requestRoll } from "./faults.js";
import { type Answer, fail } from "./routes/route.js";
import type { EmulatorOptions, InboxEntry, RequestLogEntry } from "./types.js";

const RETRY_KEY_TTL = 24 * 60 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DEFAULT_SETTINGS = {
  current: { chat: false, webhook: true, autoResponse: false, greeting: true } satisfies CurrentState,
  legacy: { mode: "bot", webhook: true, autoResponse: false, greeting: true } satisfies LegacyState,
};

/** A coupon made through `POST /v2/bot/coupon`. */
export interface Coupon {
  couponId: string;
  status: "RUNNING" | "CLOSED";
  request: unknown;
  createdAt: number;
}

/** The account's state and LINE's rules over it. */
export interface Account<P extends Profile> {
  readonly options: EmulatorOptions<P>;
  readonly profile: P;
  readonly now: () => number;
  readonly seed: number;
  /** LINE's own keyword auto-responses (the rules with `answeredBy: native`). */
  readonly native: RuleMatcher | undefined;
  settings: StateOf<P>;
  webhookUrl: string | undefined;
  /** Pushes left this month; `undefined` for unlimited. */
  quota: number | undefined;
  /** Pushes made this month. */
  consumption: number;
  faults: readonly Fault[];
  readonly tokens: Map<string, { userId: string; expires: number; used: boolean }>;
  readonly coupons: Map<string, Coupon>;
  readonly requests: RequestLogEntry[];
  readonly unanswered: { userId: string; text: string; at: number }[];
  /** Users who said something (the profile endpoint knows them). */
  readonly knownUsers: Set<string>;
  /** How many times each user said each text (`userId\ntext`). */
  readonly timesSaid: Map<string, number>;
  /** Puts `messages` in `to`'s inbox; LINE's ids of them. */
  deliver(to: string, via: InboxEntry["via"], messages: object[]): { id: string; quoteToken: string }[];
  inbox(userId: string): readonly InboxEntry[];
  users(): string[];
  /** Sends under a retry key: 409 for a key LINE accepted in the last 24 hours. */
  withRetryKey(retryKey: string | undefined, send: () => Answer): Answer;
  /** Takes `recipients` pushes from the quota, or the 429 when it has not that many. */
  takeQuota(recipients: number): Answer | undefined;
  /** A new `x-line-request-id`. */
  requestId(): string;
  /** Whether users' messages reach the webhook under the settings now. */
  webhookOn(): boolean;
  /** The fault this request to `endpoint` meets: a queued one, else the seeded dice's. */
  nextFault(endpoint: FaultEndpoint, identity: string): Fault | undefined;
  failNext(endpoint: Exclude<FaultEndpoint, "*">, fault: Omit<Fault, "endpoint" | "rate">, times: number): void;
  /** An operator changes a setting; refused changes change nothing. */
  operator(event: EventOf<P>): TransitionResult<P>;
}

/** A matcher of the rules LINE itself answers; the bot's matcher skips exactly these. */
function nativeMatcher(ruleSet: RuleSet): RuleMatcher {
  const rules = ruleSet.rules.filter((rule) => rule.answeredBy === "native" && rule.reply !== undefined);
  return compileRules({ ...ruleSet, rules: rules.map((rule) => ({ ...rule, answeredBy: "bot" as const })) });
}

/** A new account as `options` set it up. */
export function createAccount<P extends Profile>(options: EmulatorOptions<P>): Account<P> {
  checkFaults(options.faults ?? []);
  const profile = (options.profile ?? "current") as P;
  const machine = createModeMachine({ profile });
  const now = options.now ?? Date.now;
  const seed = options.seed ?? 1;
  let messageId = 600_000_000_000_000_000n;
  let requestCounter = 0;
  const retryKeys = new Map<string, { requestId: string; sentMessages: { id: string }[]; expires: number }>();
  const inboxes = new Map<string, InboxEntry[]>();
  const queued = new Map<FaultEndpoint, Fault[]>();
  const seen = new Map<string, number>();

  const account: Account<P> = {
    options,
    profile,
    now,
    seed,
    native: options.nativeRules ? nativeMatcher(options.nativeRules) : undefined,
    settings: { ...(options.settings ?? DEFAULT_SETTINGS[profile]) } as StateOf<P>,
    webhookUrl: options.webhookUrl,
    quota: options.quota,
    consumption: 0,
    faults: options.faults ?? [],
    tokens: new Map(),
    coupons: new Map(),
    requests: [],
    unanswered: [],
    knownUsers: new Set(),
    timesSaid: new Map(),

    deliver(to, via, messages) {
      const sentMessages = messages.map(() => {
        messageId++;
        return { id: String(messageId), quoteToken: `q${messageId}` };
      });
      const list = inboxes.get(to) ?? [];
      list.push({ via, messages, at: now(), sentMessageIds: sentMessages.map((m) => m.id) });
      inboxes.set(to, list);
      return sentMessages;
    },
    inbox: (userId) => inboxes.get(userId) ?? [],
    users: () => [...inboxes.keys()],

    withRetryKey(retryKey, send) {
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
    },

    takeQuota(recipients) {
      if (account.quota === undefined) return undefined;
      if (account.quota < recipients) return fail(429, "You have reached your monthly limit.");
      account.quota -= recipients;
      return undefined;
    },

    requestId: () => `req-${++requestCounter}`,
    webhookOn: () => capabilitiesOf(profile, account.settings, now()).webhookDelivered,

    nextFault(endpoint, identity) {
      const queuedFault = queued.get(endpoint)?.shift();
      if (queuedFault) return queuedFault;
      const key = `${endpoint} ${identity}`;
      const times = seen.get(key) ?? 0;
      seen.set(key, times + 1);
      return pickFault(account.faults, endpoint, requestRoll(seed, key, times));
    },

    failNext(endpoint, fault, times) {
      const spec = { ...fault, endpoint, rate: 1 } as Fault;
      checkFaults([spec]);
      queued.set(endpoint, [...(queued.get(endpoint) ?? []), ...Array.from({ length: times }, () => spec)]);
    },

    operator(event) {
      const result = machine.transition(account.settings, event, { at: now() });
      if (result.ok) account.settings = result.state;
      options.log?.(`operator ${JSON.stringify(event)} -> ${result.ok ? "ok" : result.code}`);
      return result;
    },
  };
  return account;
}
