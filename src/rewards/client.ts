/**
 * The two Messaging API calls the responder makes, typed loosely enough that `@line/bot-sdk`'s
 * `messagingApi.MessagingApiClient` (v10 and v11) and a hand-written `fetch` client both fit.
 */

/** Sends replies and pushes; `new messagingApi.MessagingApiClient({ channelAccessToken })` fits. */
export interface MessagingClient {
  // Method syntax on purpose: the SDK's methods take its own Message type, and method parameters
  // are compared both ways, so any client with these calls fits.
  /** `POST /v2/bot/message/reply`. */
  replyMessage(request: { replyToken: string; messages: object[] }): Promise<unknown>;
  /**
   * `POST /v2/bot/message/push` with the `X-Line-Retry-Key` header. Needed for rewards (the
   * fallback when a reply cannot be used, and `backfill`); reply-only rules work without it.
   */
  pushMessage?(request: { to: string; messages: object[] }, xLineRetryKey?: string): Promise<unknown>;
}

/** The ids in a `{ sentMessages: [{ id }] }` answer (reply, push, or a 409's body). */
export function sentMessageIds(response: unknown): string[] {
  const sent = (response as { sentMessages?: unknown } | null)?.sentMessages;
  if (!Array.isArray(sent)) return [];
  return sent.map((m) => (m as { id?: unknown } | null)?.id).filter((id): id is string => typeof id === "string");
}
