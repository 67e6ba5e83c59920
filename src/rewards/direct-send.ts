/**
 * The replies and pushes a handler sends (`ctx.reply`, `ctx.push`), through the client, timeouts,
 * retries and retry keys rewards use. There is no claim to write ahead here: what keeps a push
 * from doubling is its retry key, derived from the event id and the push's place among the
 * event's pushes, so a redelivery that runs the handler again gets LINE's 409 instead of a second
 * message.
 */
import type { WebhookEvent } from "../webhook/events.js";
import { type RetryPolicy, retryAfterOf, retryDelay, sleep } from "./backoff.js";
import { type MessagingClient, sentMessageIds } from "./client.js";
import { RETRY_KEY_NAMESPACE, uuidV5 } from "./retry-key.js";
import { classifySendFailure, isAmbiguous, type SendFailure, withTimeout } from "./send-failure.js";

/** What LINE accepted for `ctx.reply` or `ctx.push`. */
export interface SendReceipt {
  via: "reply" | "push";
  /**
   * The ids LINE gave the sent messages. Empty when LINE answered the retry of an earlier try whose
   * answer was lost (a 409 without ids, or a reply token that try had used).
   */
  sentMessageIds: string[];
}

/** Why `ctx.reply` or `ctx.push` did not send: `failure` is LINE's answer, when there was one. */
export class SendError extends Error {
  override name = "SendError";
  constructor(
    message: string,
    /** LINE's answer (or the timeout or network error) of the last try, when a send was tried. */
    readonly failure?: SendFailure,
  ) {
    super(message);
  }
}

/** @internal */
export interface DirectSender {
  reply(event: WebhookEvent, messages: object[], deadline: number): Promise<SendReceipt>;
  /** `sequence`: which push of the event this is (0 for the first), the part of the retry key that tells them apart. */
  push(event: WebhookEvent, messages: object[], sequence: number): Promise<SendReceipt>;
}

/** @internal */
export function createDirectSender(config: {
  client: MessagingClient | undefined;
  timeoutMs: number;
  policy: RetryPolicy;
}): DirectSender {
  const { client, timeoutMs, policy } = config;

  function usable(event: WebhookEvent, call: string): MessagingClient {
    if (event.mode === "standby") {
      throw new SendError(`${call}: the event came in standby mode (another channel is active); LINE forbids sending`);
    }
    if (!client) throw new SendError(`${call}: no client configured (give createResponder a client)`);
    return client;
  }

  /** Tries `send` under the retry policy until it is accepted, refused, or out of tries or time. */
  async function withRetries(
    call: string,
    send: () => Promise<unknown>,
    deadline: number,
    onRefused: (failure: SendFailure, unsure: boolean) => SendReceipt | undefined,
  ): Promise<string[] | SendReceipt> {
    // Whether a try may have been accepted although its answer was lost.
    let unsure = false;
    for (let attempt = 1; ; attempt++) {
      let failure: SendFailure;
      try {
        return sentMessageIds(await withTimeout(send(), timeoutMs));
      } catch (error) {
        failure = classifySendFailure(error);
      }
      if (!isAmbiguous(failure) && failure.kind !== "rate-limited") {
        const settled = onRefused(failure, unsure);
        if (settled) return settled;
        throw new SendError(`${call}: LINE refused it: ${failure.message}`, failure);
      }
      unsure ||= isAmbiguous(failure);
      const delay = attempt < policy.maxAttempts ? retryDelay(policy, attempt, retryAfterOf(failure)) : undefined;
      if (delay === undefined || Date.now() + delay >= deadline) {
        throw new SendError(`${call}: gave up after ${attempt} tries: ${failure.message}`, failure);
      }
      await sleep(delay);
    }
  }

  return {
    async reply(event, messages, deadline) {
      const sender = usable(event, "ctx.reply");
      const replyToken = event.replyToken;
      if (!replyToken)
        throw new SendError(`ctx.reply: this ${String(event.type)} event has no reply token; use ctx.push`);
      if (Date.now() >= deadline) throw new SendError("ctx.reply: the reply window has passed; use ctx.push");
      const sent = await withRetries(
        "ctx.reply",
        () => sender.replyMessage({ replyToken, messages }),
        deadline,
        // A used token after a try whose answer was lost: that try used it.
        (failure, unsure) =>
          failure.kind === "invalid-reply-token" && unsure ? { via: "reply", sentMessageIds: [] } : undefined,
      );
      return Array.isArray(sent) ? { via: "reply", sentMessageIds: sent } : sent;
    },

    async push(event, messages, sequence) {
      const sender = usable(event, "ctx.push");
      const source = event.source;
      const to = source?.type === "group" ? source.groupId : source?.type === "room" ? source.roomId : source?.userId;
      if (!to) throw new SendError(`ctx.push: this ${String(event.type)} event names no user, group or room`);
      if (!sender.pushMessage) {
        throw new SendError("ctx.push: the client has no pushMessage (give createResponder a MessagingApiClient)");
      }
      const pushMessage = sender.pushMessage.bind(sender);
      const retryKey = await uuidV5(JSON.stringify(["push", event.webhookEventId, sequence]), RETRY_KEY_NAMESPACE);
      const sent = await withRetries(
        "ctx.push",
        () => pushMessage({ to, messages }, retryKey),
        Number.POSITIVE_INFINITY,
        // 409: a push with this key was accepted before (an earlier try, or an earlier delivery of the event).
        (failure) =>
          failure.kind === "already-accepted" ? { via: "push", sentMessageIds: failure.sentMessageIds } : undefined,
      );
      return Array.isArray(sent) ? { via: "push", sentMessageIds: sent } : sent;
    },
  };
}
