/**
 * Reward dispatch: claim in the store first, then reply, else push with a retry key, and record
 * every step, so that a reward is neither lost (a crash, an outage, an expired token, the quota)
 * nor doubled (a redelivery, several instances, a retried push).
 *
 * Every send is written ahead (`unconfirmed: "reply" | "push"`) and its answer written after:
 * a claim left `pending` with a send in flight is what a crash looks like, and `backfill` finishes it.
 */
import type { Reward } from "../rules/schema.js";
import type { ClaimPatch, ClaimRewardResult, ClaimStatus, RewardClaim, Store } from "../stores/store.js";
import type { WebhookEvent } from "../webhook/envelope.js";
import { type RetryPolicy, retryAfterOf, retryDelay, sleep } from "./backoff.js";
import { type MessagingClient, sentMessageIds } from "./client.js";
import { retryKeyOf } from "./retry-key.js";
import { classifySendFailure, isAmbiguous, type SendFailure, withTimeout } from "./send-failure.js";

/** How rewards are sent; every field has a default. */
export interface DeliveryOptions {
  /**
   * How long after the webhook arrives its reply token is used; default 60,000 ms (LINE's one
   * minute). After it, or for an event older than 20 minutes, the claim is `deferred` for backfill.
   */
  replyWindowMs?: number;
  /**
   * What to do when a reply's outcome stayed unknown (timeouts, lost answers, 5xx) until the token's
   * minute was over: `push` (default) sends it again by push, accepting a rare double because a
   * doubled gift is better than a lost one; `hold` records the claim `failed` with
   * `unconfirmed: "reply"` and leaves it to a person (backfill skips it).
   */
  ambiguousReply?: "push" | "hold";
  /** How long one reply or push may take before it counts as a timeout; default 10,000 ms. */
  requestTimeoutMs?: number;
  /** Retries of 429, 5xx, timeouts and network errors. */
  retry?: Partial<RetryPolicy>;
}

/** A retry about to happen, for {@link RewardHooks.onRetry}. */
export interface RetryNotice {
  claim: RewardClaim;
  channel: "reply" | "push";
  /** The try that failed (1 for the first). */
  attempt: number;
  delayMs: number;
  failure: SendFailure;
}

/** Observers of reward dispatch. Exceptions they throw are reported to `onError` and otherwise ignored. */
export interface RewardHooks {
  /** A new claim was stored (before anything is sent). */
  onClaim?(claim: RewardClaim, event: WebhookEvent): void;
  /** LINE accepted the reward (or had accepted it before: a 409, a used token after a lost answer). */
  onDelivered?(claim: RewardClaim, via: "reply" | "push"): void;
  /** A send failed and will be tried again after `delayMs`. */
  onRetry?(notice: RetryNotice): void;
  /** Dispatch stopped without delivering: the claim is `failed`, `blocked-quota` or held; `backfill` may finish it. */
  onGiveUp?(claim: RewardClaim, failure: SendFailure | undefined): void;
}

/**
 * What became of the reward a matched event earned, discriminated on `status`: the claim's state
 * when dispatch finished (`sent`, `failed`, `deferred`, `blocked-quota`), or why nothing was
 * claimed (`duplicate`, `out-of-stock`, `no-user`).
 */
export type RewardResult =
  /** LINE accepted it. `reason` tells how, when it was not plain (a late answer, a 409). */
  | { status: "sent"; rewardId: string; claimId: string; via: "reply" | "push"; reason?: string }
  /** Claimed, and dispatch stopped: `backfill()` may finish it (unless held by `ambiguousReply: "hold"`). */
  | { status: "failed"; rewardId: string; claimId: string; reason: string }
  /** Claimed, and left for `backfill()` to push: standby, no reply token, the reply window passed, no client. */
  | { status: "deferred"; rewardId: string; claimId: string; reason: string }
  /** Claimed, and LINE's monthly quota is used up: `backfill({ statuses: ["blocked-quota"] })` once it is back. */
  | { status: "blocked-quota"; rewardId: string; claimId: string; reason: string }
  /**
   * Claimed before: a redelivery of this event, or the user's limit. `answered`: the rule file's
   * `alreadyClaimed` answer was replied.
   */
  | { status: "duplicate"; rewardId: string; claimId: string; answered?: "already-claimed" }
  /** The stock is gone; nothing was claimed. `answered`: the rule file's `soldOut` answer was replied. */
  | { status: "out-of-stock"; rewardId: string; answered?: "sold-out" }
  /** The event names no user (`source.userId`); nothing was claimed. */
  | { status: "no-user"; rewardId: string; reason: string };

/** Options of `responder.backfill()`. */
export interface BackfillOptions {
  /** Only claims created at least this long ago (ms): live dispatch finishes younger ones. Default 120,000. */
  olderThan?: number;
  /** At most this many claims per run; default 100. */
  limit?: number;
  /** Which claims; default `pending`, `failed`, `deferred`. Add `blocked-quota` once the quota is back. */
  statuses?: readonly ClaimStatus[];
  /** Pushes at once; default 4. */
  concurrency?: number;
}

/** What one backfill run did. */
export interface BackfillReport {
  /** Each claim the run took, with what became of it. */
  results: { claim: RewardClaim; outcome: "sent" | "failed" | "blocked-quota" | "held" | "skipped"; reason?: string }[];
  sent: number;
  failed: number;
  blockedQuota: number;
  /** Claims with an unconfirmed reply under `ambiguousReply: "hold"`: a person decides. */
  held: number;
  /** Claims not tried: their reward left the rule file, or the quota ran out earlier in the run. */
  skipped: number;
}

/** @internal What the responder needs from the dispatcher. */
export interface RewardDispatcher {
  /** What the store claims for `rewardId` in the step that takes the event, or why nothing is claimed. */
  claimOf(event: WebhookEvent, rewardId: string): ClaimOf;
  /** Sends what the store's claim decided: a new claim, or one an earlier delivery of the event left unsent. */
  deliver(event: WebhookEvent, rewardId: string, claimed: ClaimRewardResult, receivedAt: number): Promise<RewardResult>;
  backfill(options?: BackfillOptions): Promise<BackfillReport>;
  /** Pushes a claim the caller holds, with its retry key, retries and the same records as backfill. */
  pushClaim(claim: RewardClaim): Promise<RewardClaim>;
  /** How long a send holds a claim's lease. */
  readonly leaseMs: number;
}

/** @internal */
export type ClaimOf = { claim: NonNullable<Parameters<Store["beginEvent"]>[0]["reward"]> } | { result: RewardResult };

const TWENTY_MINUTES = 20 * 60 * 1000;

/** @internal {@link DeliveryOptions} with the defaults filled in (rewards and handlers' sends share them). */
export function resolveDelivery(delivery: DeliveryOptions) {
  return {
    replyWindowMs: delivery.replyWindowMs ?? 60_000,
    ambiguousReply: delivery.ambiguousReply ?? "push",
    timeoutMs: delivery.requestTimeoutMs ?? 10_000,
    policy: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, ...delivery.retry } satisfies RetryPolicy,
  };
}

/** @internal The last moment an event's reply token is used: the reply window, and never for an event older than 20 minutes. */
export function replyDeadline(event: WebhookEvent, receivedAt: number, replyWindowMs: number): number {
  return Math.min(receivedAt + replyWindowMs, event.timestamp + TWENTY_MINUTES);
}

/** @internal */
export function createRewardDispatcher(config: {
  store: Store;
  client: MessagingClient | undefined;
  rewards: Readonly<Record<string, Reward>>;
  delivery: DeliveryOptions;
  hooks: RewardHooks;
  onError: (error: unknown) => void;
}): RewardDispatcher {
  const { store, client, rewards, hooks } = config;
  const { replyWindowMs, ambiguousReply, timeoutMs, policy } = resolveDelivery(config.delivery);
  // Long enough for one try and the wait after it; every try renews it.
  const leaseMs = timeoutMs + policy.maxDelayMs + 1000;

  function notify<A extends unknown[]>(hook: ((...args: A) => void) | undefined, ...args: A): void {
    try {
      hook?.(...args);
    } catch (error) {
      config.onError(error);
    }
  }

  async function write(claim: RewardClaim, patch: ClaimPatch): Promise<RewardClaim> {
    const updated = await store.updateClaim(claim.id, patch);
    if (!updated) throw new Error(`reward claim ${claim.id} disappeared from the store while it was being sent`);
    return updated;
  }

  // Sends LINE accepted whose "sent" the store could not record: backfill on this instance records
  // them and never sends them again. Lost with the process: that window is the ambiguous one.
  const unrecorded = new Map<string, ClaimPatch>();

  async function delivered(claim: RewardClaim, via: "reply" | "push", ids: string[], reason: string | null) {
    const patch: ClaimPatch = { status: "sent", sentMessageIds: ids, unconfirmed: null, reason, leaseUntil: 0 };
    let sent: RewardClaim;
    try {
      sent = await withRetries(() => write(claim, patch), SENT_WRITE_DELAYS);
    } catch (error) {
      unrecorded.set(claim.id, patch);
      config.onError(
        new Error(
          `LINE accepted reward claim ${claim.id}, but the store could not record it (${errorMessage(error)}); this instance's backfill records it and does not send it again`,
        ),
      );
      sent = { ...claim, ...patch } as RewardClaim;
    }
    notify(hooks.onDelivered, sent, via);
    return { claim: sent, via };
  }

  /** Writes the sends this instance knows LINE accepted; the ids whose write still fails. */
  async function recordUnrecorded(): Promise<Set<string>> {
    for (const [id, patch] of unrecorded) {
      try {
        if (await store.updateClaim(id, patch)) unrecorded.delete(id);
      } catch (error) {
        config.onError(error);
      }
    }
    return new Set(unrecorded.keys());
  }

  async function gaveUp(claim: RewardClaim, patch: ClaimPatch, failure: SendFailure | undefined) {
    const stopped = await write(claim, { ...patch, leaseUntil: 0 });
    notify(hooks.onGiveUp, stopped, failure);
    return { claim: stopped, via: undefined };
  }

  type Finished = { claim: RewardClaim; via: "reply" | "push" | undefined };

  async function reply(
    sender: MessagingClient,
    claim: RewardClaim,
    messages: object[],
    replyToken: string,
    deadline: number,
  ): Promise<Finished> {
    // Tries whose answer was not heard: a 5xx or a broken connection (lost for good), or a timeout,
    // whose answer may still arrive and settle the question. A resumed claim's earlier reply used
    // this same token (a redelivery carries it), so LINE's "Invalid reply token" then proves it got through.
    const unanswered = new UnansweredTries(timeoutMs, claim.unconfirmed === "reply" ? 1 : 0);
    for (let attempt = 1; ; attempt++) {
      claim = await write(claim, {
        attempts: claim.attempts + 1,
        unconfirmed: "reply",
        leaseUntil: Date.now() + leaseMs,
      });
      const request = sender.replyMessage({ replyToken, messages });
      let failure: SendFailure;
      try {
        return delivered(claim, "reply", sentMessageIds(await withTimeout(request, timeoutMs)), null);
      } catch (error) {
        failure = classifySendFailure(error);
        if (isAmbiguous(failure)) unanswered.add(failure.kind === "timeout" ? request : undefined);
      }
      if (failure.kind === "invalid-reply-token") {
        const earlier = await unanswered.settle();
        if (earlier.accepted) return delivered(claim, "reply", earlier.accepted, "a reply whose answer came late");
        // The token is used up. If an earlier try may have got through, that try used it.
        if (earlier.unknown) {
          return delivered(claim, "reply", [], "an earlier reply whose answer was lost used the token");
        }
        return push(await write(claim, { unconfirmed: null }), messages);
      }
      if (failure.kind === "refused" || failure.kind === "already-accepted") {
        // The messages themselves were refused: a push would be refused alike.
        const unconfirmed = unanswered.count > 0 ? "reply" : null;
        return gaveUp(claim, { status: "failed", reason: `reply refused: ${failure.message}`, unconfirmed }, failure);
      }
      const delay = attempt < policy.maxAttempts ? retryDelay(policy, attempt, retryAfterOf(failure)) : undefined;
      if (delay !== undefined && Date.now() + delay < deadline) {
        notify(hooks.onRetry, { claim, channel: "reply", attempt, delayMs: delay, failure });
        await sleep(delay);
        continue;
      }
      // The token's minute is over, or the tries are.
      const earlier = await unanswered.settle();
      if (earlier.accepted) return delivered(claim, "reply", earlier.accepted, "a reply whose answer came late");
      if (!earlier.unknown) return push(await write(claim, { unconfirmed: null }), messages);
      if (ambiguousReply === "hold") {
        const reason = `reply outcome unknown (${failure.message}); held by ambiguousReply: "hold"`;
        return gaveUp(claim, { status: "failed", reason }, failure);
      }
      return push(claim, messages);
    }
  }

  async function push(claim: RewardClaim, messages: object[]): Promise<Finished> {
    if (!client?.pushMessage) {
      const reason = "cannot push: the client has no pushMessage (give createResponder a MessagingApiClient)";
      return gaveUp(claim, { status: "failed", reason }, undefined);
    }
    const retryKey = await retryKeyOf(claim);
    let ambiguousBefore = claim.unconfirmed === "push";
    for (let attempt = 1; ; attempt++) {
      claim = await write(claim, {
        attempts: claim.attempts + 1,
        unconfirmed: "push",
        leaseUntil: Date.now() + leaseMs,
      });
      let failure: SendFailure;
      try {
        const response = await withTimeout(client.pushMessage({ to: claim.userId, messages }, retryKey), timeoutMs);
        return delivered(claim, "push", sentMessageIds(response), null);
      } catch (error) {
        failure = classifySendFailure(error);
      }
      if (failure.kind === "already-accepted") {
        return delivered(claim, "push", failure.sentMessageIds, "LINE had accepted this retry key before (409)");
      }
      ambiguousBefore ||= isAmbiguous(failure);
      const unconfirmed = ambiguousBefore ? "push" : null;
      // Refused, and no try of this key may have been accepted: the next series can take a fresh
      // key. Otherwise the key stays, so that LINE still answers 409 for the try that got through.
      const freshKey = ambiguousBefore ? {} : { attemptEpoch: claim.attemptEpoch + 1 };
      if (failure.kind === "monthly-limit") {
        return gaveUp(claim, { status: "blocked-quota", reason: failure.message, unconfirmed, ...freshKey }, failure);
      }
      if (failure.kind === "refused" || failure.kind === "invalid-reply-token") {
        const reason = `push refused: ${failure.message}`;
        return gaveUp(claim, { status: "failed", reason, unconfirmed, ...freshKey }, failure);
      }
      const delay = attempt < policy.maxAttempts ? retryDelay(policy, attempt, retryAfterOf(failure)) : undefined;
      if (delay === undefined) {
        const reason = `push gave up after ${attempt} tries: ${failure.message}`;
        return gaveUp(claim, { status: "failed", reason, unconfirmed }, failure);
      }
      notify(hooks.onRetry, { claim, channel: "push", attempt, delayMs: delay, failure });
      await sleep(delay);
    }
  }

  /**
   * The rule file's answer to a user who gets no reward (sold out, already claimed): one reply with
   * the event's token, never a push (it is not worth a message of the quota), never retried.
   */
  async function courtesy<A extends "sold-out" | "already-claimed">(
    event: WebhookEvent,
    messages: object[] | undefined,
    answered: A,
    receivedAt: number,
  ): Promise<{ answered?: typeof answered }> {
    const deadline = replyDeadline(event, receivedAt, replyWindowMs);
    if (!messages || !client || !event.replyToken || event.mode === "standby" || Date.now() >= deadline) return {};
    try {
      await withTimeout(client.replyMessage({ replyToken: event.replyToken, messages }), timeoutMs);
      return { answered };
    } catch (error) {
      config.onError(error);
      return {};
    }
  }

  function report(rewardId: string, finished: Finished): RewardResult {
    const { claim, via } = finished;
    const reason = claim.reason ? { reason: claim.reason } : {};
    if (claim.status === "sent") return { rewardId, status: "sent", claimId: claim.id, via: via ?? "push", ...reason };
    // Dispatch always ends a claim it took; a claim still pending here is reported as failed (backfill finishes it).
    const status = claim.status === "pending" ? "failed" : claim.status;
    return { rewardId, status, claimId: claim.id, reason: claim.reason ?? "" };
  }

  return {
    leaseMs,
    async pushClaim(claim) {
      const reward = rewards[claim.rewardId];
      if (!reward) throw new Error(`reward "${claim.rewardId}" is not in the rule set`);
      return (await push(claim, reward.messages)).claim;
    },

    claimOf(event, rewardId) {
      const reward = rewards[rewardId];
      if (!reward) throw new Error(`reward "${rewardId}" is not in the rule set`);
      const userId = event.source?.userId;
      if (!userId)
        return { result: { rewardId, status: "no-user", reason: "the event names no user (source.userId)" } };
      return {
        claim: {
          rewardId,
          userId,
          limit: reward.limit,
          ...(reward.stock === undefined ? {} : { stock: reward.stock }),
        },
      };
    },

    async deliver(event, rewardId, claimed, receivedAt) {
      const reward = rewards[rewardId] as Reward;
      if (claimed.outcome === "out-of-stock") {
        const answered = await courtesy(event, reward.soldOut, "sold-out", receivedAt);
        return { rewardId, status: "out-of-stock", ...answered };
      }
      if (claimed.outcome === "duplicate") {
        // This event's own claim (a redelivery that found it settled) gets no second answer.
        const mine = claimed.claim.eventId === event.webhookEventId;
        return {
          rewardId,
          status: "duplicate",
          claimId: claimed.claim.id,
          ...(mine ? {} : await courtesy(event, reward.alreadyClaimed, "already-claimed", receivedAt)),
        };
      }
      const claim = claimed.claim;
      if (claimed.outcome === "new") notify(hooks.onClaim, claim, event);
      // A push that may have got through is finished by push: its retry key makes LINE answer 409.
      if (claim.unconfirmed === "push") return report(rewardId, await push(claim, reward.messages));

      const deadline = replyDeadline(event, receivedAt, replyWindowMs);
      const deferral =
        event.mode === "standby"
          ? "standby: another channel is active, and LINE forbids sending"
          : !event.replyToken
            ? "the event has no reply token"
            : Date.now() >= deadline
              ? "the reply window had passed"
              : !client
                ? "no client configured"
                : undefined;
      if (deferral === undefined && event.replyToken && client) {
        return report(rewardId, await reply(client, claim, reward.messages, event.replyToken, deadline));
      }
      if (claim.unconfirmed === "reply" && ambiguousReply === "hold") {
        const reason = `an earlier reply's outcome is unknown and the token cannot prove it; held by ambiguousReply: "hold"`;
        return report(rewardId, await gaveUp(claim, { status: "failed", reason }, undefined));
      }
      const deferred = await write(claim, { status: "deferred", reason: deferral ?? null, leaseUntil: 0 });
      return { rewardId, status: "deferred", claimId: deferred.id, reason: deferred.reason ?? "" };
    },

    async backfill(options = {}) {
      if (!client?.pushMessage) {
        throw new TypeError("backfill needs a client with pushMessage (give createResponder a MessagingApiClient)");
      }
      const unrecordedIds = await recordUnrecorded();
      const claims = (
        await store.listClaims({
          statuses: options.statuses ?? ["pending", "failed", "deferred"],
          // "At least olderThan ms old", so olderThan: 0 includes a claim made this very millisecond.
          createdBefore: Date.now() - (options.olderThan ?? 120_000) + 1,
          limit: options.limit ?? 100,
          leaseMs,
        })
      ).claims;
      const out: BackfillReport = { results: [], sent: 0, failed: 0, blockedQuota: 0, held: 0, skipped: 0 };
      let quotaUsedUp = false;
      const take = async (claim: RewardClaim): Promise<void> => {
        const reward = rewards[claim.rewardId];
        let entry: BackfillReport["results"][number];
        if (!reward) {
          entry = { claim, outcome: "skipped", reason: `reward "${claim.rewardId}" is not in the rule set` };
        } else if (unrecordedIds.has(claim.id)) {
          entry = { claim, outcome: "skipped", reason: "LINE accepted it; the store has not recorded that yet" };
        } else if (quotaUsedUp) {
          entry = { claim: await write(claim, { leaseUntil: 0 }), outcome: "skipped", reason: "monthly quota used up" };
        } else if (claim.unconfirmed === "reply" && ambiguousReply === "hold") {
          entry = { claim, outcome: "held", reason: claim.reason ?? "reply outcome unknown" };
        } else {
          try {
            const { claim: after } = await push(claim, reward.messages);
            const outcome = after.status === "sent" || after.status === "blocked-quota" ? after.status : "failed";
            if (outcome === "blocked-quota") quotaUsedUp = true;
            entry = { claim: after, outcome, ...(after.reason ? { reason: after.reason } : {}) };
          } catch (error) {
            // The store failed under this claim: report it and go on; its lease runs out and a later run retries.
            config.onError(error);
            entry = { claim, outcome: "failed", reason: error instanceof Error ? error.message : String(error) };
          }
        }
        out.results.push(entry);
        if (entry.outcome === "blocked-quota") out.blockedQuota++;
        else out[entry.outcome]++;
      };
      let next = 0;
      const worker = async () => {
        while (next < claims.length) await take(claims[next++] as RewardClaim);
      };
      await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
      return out;
    },
  };
}

/**
 * The replies of one series whose answers were not heard in time. A timed-out request goes on, and
 * its late answer is definite: accepted (the reward is out), or refused (the token was never good).
 */
class UnansweredTries {
  private readonly late: Promise<{ accepted: string[] } | { failure: SendFailure }>[] = [];
  constructor(
    private readonly graceMs: number,
    private lost = 0,
  ) {}

  get count(): number {
    return this.late.length + this.lost;
  }

  /** `request` for a timeout (its answer may still come), `undefined` for an answer lost for good. */
  add(request: Promise<unknown> | undefined): void {
    if (!request) {
      this.lost++;
      return;
    }
    this.late.push(
      request.then(
        (response) => ({ accepted: sentMessageIds(response) }),
        (error: unknown) => ({ failure: classifySendFailure(error) }),
      ),
    );
  }

  /**
   * Waits up to the grace period for late answers: `accepted` when one got through, `unknown` when
   * some try may have got through and nobody will ever say.
   */
  async settle(): Promise<{ accepted?: string[]; unknown: boolean }> {
    let unknown = this.lost > 0;
    // A late answer never rejects (it is mapped above), so a rejection here is the grace period's end.
    const answers = await Promise.all(
      this.late.map((answer) => withTimeout(answer, this.graceMs).catch(() => undefined)),
    );
    for (const answer of answers) {
      if (answer === undefined) unknown = true;
      else if ("accepted" in answer) return { accepted: answer.accepted, unknown: false };
      else if (isAmbiguous(answer.failure)) unknown = true;
    }
    return { unknown };
  }
}

/** Waits before each retry of a "sent" write: LINE accepted the messages, so losing that fact risks a double. */
const SENT_WRITE_DELAYS = [50, 250, 1000];

async function withRetries<T>(work: () => Promise<T>, delays: readonly number[]): Promise<T> {
  for (const delay of delays) {
    try {
      return await work();
    } catch {
      await sleep(delay);
    }
  }
  return work();
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
