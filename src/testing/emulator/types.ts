/** The emulator's public types: its options, the running emulator, and what it records. */
import type { EventOf, TransitionResult } from "../../guards/machine.js";
import type { Profile, StateOf } from "../../guards/state.js";
import type { RuleSet } from "../../rules/schema.js";
import type { Fault, FaultEndpoint } from "./faults.js";

/** Options of `startEmulator()`. */
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
