/**
 * The tests' view of LINE: the emulator from `line-responder/testing` (one LINE fake for the whole
 * suite), with the shortcuts these tests use: every reply and delivery as a flat list, the
 * account's chat and webhook flags as settable fields, faults by name, and a fresh account on reset.
 */
import { type Emulator, startEmulator } from "../../src/testing/emulator/emulator.js";
import type { Fault } from "../../src/testing/emulator/faults.js";

/** A request LINE accepted: what a user's phone would show. */
export interface Delivery {
  to: string;
  via: "reply" | "push" | "multicast" | "auto-response";
  messages: { type: string; text?: string }[];
  sentMessageIds: string[];
  /** The `X-Line-Retry-Key` of the push that delivered it. */
  retryKey?: string;
}

/**
 * Faults by name. `-before`: refused before LINE processed it (nothing sent). `-after`: LINE sent
 * the messages, then the answer failed. `slow`: the true answer, `hangMs` late.
 */
export type FaultKind = "500-before" | "500-after" | "429" | "timeout-before" | "timeout-after" | "slow";

export interface Faults {
  /** Share of reply and push requests that fail, 0 to 1, spread evenly over `kinds`. */
  rate: number;
  kinds: readonly FaultKind[];
  /** `Retry-After` of a 429, in seconds; default 1. */
  retryAfterSeconds?: number;
  /** How long a timeout holds the connection before dropping it; default 2,000 ms. */
  hangMs?: number;
}

export interface LineApiStandIn {
  readonly baseURL: string;
  readonly emulator: Emulator;
  /** What the account shows through the API; setting a field is the operator's click. */
  account: { chatMode: "chat" | "bot"; webhookActive: boolean };
  /** Reply bodies LINE accepted, in order. */
  readonly replies: { replyToken: string; messages: { type: string; text?: string }[] }[];
  /** Every accepted send, user by user. */
  readonly deliveries: Delivery[];
  /** `METHOD /path` of every request. */
  readonly requests: string[];
  faults: Faults | undefined;
  quota: number | undefined;
  issueReplyToken(userId: string, ttlMs?: number, token?: string): string;
  failNext(endpoint: "reply" | "push", kind: FaultKind, times?: number): void;
  /** The next reply answers 500 (nothing sent). */
  failNextReply(): void;
  /** A fresh account (tokens, retry keys, inboxes, quota and faults forgotten); `baseURL` changes. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

function toFault(kind: FaultKind, retryAfterSeconds = 1, hangMs = 2000): Omit<Fault, "endpoint" | "rate"> {
  switch (kind) {
    case "500-before":
      return { status: 500 };
    case "500-after":
      return { status: 500, afterEffect: true };
    case "429":
      return { status: 429, retryAfterSeconds };
    case "timeout-before":
      return { drop: true, latencyMs: hangMs };
    case "timeout-after":
      return { drop: true, afterEffect: true, latencyMs: hangMs };
    case "slow":
      return { afterEffect: true, latencyMs: hangMs };
  }
}

export async function startLineApi(token: string): Promise<LineApiStandIn> {
  const open = () =>
    startEmulator({
      channelSecret: "unused-by-these-tests",
      channelAccessToken: token,
      webhookUrl: "https://example.com/webhook",
    });
  let emulator = await open();
  let faults: Faults | undefined;
  const pushKeys = () =>
    new Map(
      emulator.requests
        .filter((r) => r.path === "/v2/bot/message/push" && r.status === 200)
        .map((r) => [
          JSON.stringify((r.body as { messages: unknown }).messages) + (r.body as { to: string }).to,
          r.retryKey,
        ]),
    );
  const api: LineApiStandIn = {
    get baseURL() {
      return emulator.url;
    },
    get emulator() {
      return emulator;
    },
    account: {
      get chatMode() {
        return (emulator.settings as { chat: boolean }).chat ? "chat" : "bot";
      },
      set chatMode(mode) {
        emulator.operator({ type: "SET_CHAT", on: mode === "chat" });
      },
      get webhookActive() {
        return (emulator.settings as { webhook: boolean }).webhook;
      },
      set webhookActive(on) {
        emulator.operator({ type: "SET_WEBHOOK", on });
      },
    },
    get replies() {
      return emulator.requests
        .filter((r) => r.path === "/v2/bot/message/reply" && r.status === 200)
        .map((r) => r.body as LineApiStandIn["replies"][number]);
    },
    get deliveries() {
      const keys = pushKeys();
      return emulator.users().flatMap((to) =>
        emulator.inbox(to).map((entry) => {
          const retryKey = entry.via === "push" ? keys.get(JSON.stringify(entry.messages) + to) : undefined;
          return {
            to,
            via: entry.via,
            messages: entry.messages as Delivery["messages"],
            sentMessageIds: entry.sentMessageIds,
            ...(retryKey ? { retryKey } : {}),
          };
        }),
      );
    },
    get requests() {
      return emulator.requests.map((r) => `${r.method} ${r.path}`);
    },
    get faults() {
      return faults;
    },
    set faults(value) {
      faults = value;
      emulator.faults = (value?.kinds ?? []).flatMap((kind) =>
        (["reply", "push"] as const).map((endpoint) => ({
          endpoint,
          rate: value ? value.rate / value.kinds.length : 0,
          ...toFault(kind, value?.retryAfterSeconds, value?.hangMs),
        })),
      );
    },
    get quota() {
      return emulator.quota;
    },
    set quota(value) {
      emulator.quota = value;
    },
    issueReplyToken: (userId, ttlMs, replyToken) =>
      emulator.issueReplyToken(userId, {
        ...(ttlMs === undefined ? {} : { ttlMs }),
        ...(replyToken ? { token: replyToken } : {}),
      }),
    failNext(endpoint, kind, times = 1) {
      emulator.failNext(endpoint, toFault(kind, faults?.retryAfterSeconds, faults?.hangMs), times);
    },
    failNextReply() {
      emulator.failNext("reply", { status: 500 });
    },
    async reset() {
      await emulator.close();
      emulator = await open();
      faults = undefined;
    },
    close: () => emulator.close(),
  };
  return api;
}
