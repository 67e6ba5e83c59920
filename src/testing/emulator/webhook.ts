/**
 * LINE's side of the webhook: signing and POSTing events to the bot, and what happens when a user
 * says something (a native auto-response, a delivery with redeliveries, or nothing at all).
 */
import { capabilitiesOf } from "../../guards/profiles/index.js";
import type { Profile } from "../../guards/state.js";
import { userId as makeUserId, signedWebhook, textMessageEvent } from "../events.js";
import type { Account } from "./account.js";
import { seededChars, seededUlid } from "./seeded-ids.js";
import type { UserSaysResult } from "./types.js";

/** The bot's own user id, as `GET /v2/bot/info` and webhook `destination` give it. */
export const BOT_USER_ID = makeUserId("emulated-bot");

const REPLY_TOKEN_TTL = 60 * 1000;
const TWENTY_MINUTES = 20 * 60 * 1000;

/** Posts `events` to `url` signed with the channel secret; the bot's status, or `error` when it did not answer in time. */
export async function postWebhook<P extends Profile>(
  account: Account<P>,
  url: string | undefined,
  events: object[],
): Promise<number | "error"> {
  if (!url) return "error";
  const { body, headers } = await signedWebhook(account.options.channelSecret, events, BOT_USER_ID);
  try {
    const res = await fetch(url, {
      method: "POST",
      body,
      headers: { ...headers, "user-agent": "LineBotWebhook/2.0" },
      signal: AbortSignal.timeout(account.options.webhookTimeoutMs ?? 2000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return "error";
  }
}

/**
 * A user sends `text`: a native auto-response when it is on and a rule matches; the webhook when
 * it is on (redelivering on failure when enabled). `url` is read at each delivery, as LINE does:
 * a redelivery goes where the endpoint now points.
 */
export async function userSays<P extends Profile>(
  account: Account<P>,
  userId: string,
  text: string,
  options: { timestamp?: number } = {},
): Promise<UserSaysResult> {
  account.knownUsers.add(userId);
  const at = options.timestamp ?? account.now();
  const capabilities = capabilitiesOf(account.profile, account.settings, at);
  const nativeMatch = capabilities.nativeKeywordReplies ? account.native?.match(text, { at }) : undefined;
  const nativeReply = nativeMatch?.rule.reply ?? null;
  if (nativeReply) account.deliver(userId, "auto-response", nativeReply);
  // The n-th time this user says this text: ids and fault dice follow from it and the seed.
  const said = `${userId}\n${text}`;
  const occurrence = account.timesSaid.get(said) ?? 0;
  account.timesSaid.set(said, occurrence + 1);
  const identity = `${said}\n${occurrence}`;
  const event = textMessageEvent(text, {
    source: userId,
    timestamp: at,
    webhookEventId: seededUlid(account.seed, identity, at),
    replyToken: seededChars(account.seed, `reply token\n${identity}`, 32),
  });
  const result: UserSaysResult = {
    webhookEventId: event.webhookEventId,
    webhook: "off",
    deliveries: 0,
    statuses: [],
    nativeReply,
  };
  if (!capabilities.webhookDelivered || !account.webhookUrl) {
    if (!nativeReply) account.unanswered.push({ userId, text, at });
    return result;
  }
  const token = event.replyToken as string;
  const attempts = account.options.redelivery ? 4 : 1;
  for (let i = 0; i < attempts; i++) {
    // Each delivery's token lives a minute from that delivery, never past 20 minutes after the event.
    const expires = Math.min(account.now() + REPLY_TOKEN_TTL, at + TWENTY_MINUTES);
    const earlier = account.tokens.get(token);
    account.tokens.set(token, { userId, expires, used: earlier?.used ?? false });
    const answered = await postWebhook(account, account.webhookUrl, [
      { ...event, deliveryContext: { isRedelivery: i > 0 } },
    ]);
    // A dropped answer: the bot answered, but LINE did not see it in time (as after 2 s).
    const status = account.nextFault("webhook", identity)?.drop ? "error" : answered;
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
}

/** A reply token for `userId`, good once for `ttlMs`, as if a webhook had just carried it. */
export function issueReplyToken<P extends Profile>(
  account: Account<P>,
  userId: string,
  token: string,
  ttlMs = REPLY_TOKEN_TTL,
): string {
  account.tokens.set(token, { userId, expires: account.now() + ttlMs, used: false });
  return token;
}
