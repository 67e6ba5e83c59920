/**
 * What the pipeline keeps between requests and across instances: which webhook events were taken,
 * and every reward claim with its delivery state. One interface; memory (default), Redis and
 * PostgreSQL implement it, each with the same atomic guarantees (one conformance suite tests all).
 */

/** How often one user can receive a reward (the rule file's `limit`). */
export type RewardLimit = "once-per-user" | "unlimited" | { perUser: number };

/**
 * Where a claim is on its way to the user. `pending`: claimed, nothing confirmed sent yet;
 * `sent`: LINE accepted it; `failed`: gave up for now (backfill retries it); `deferred`: not
 * sendable when claimed (standby, reply window passed) and waiting for backfill; `blocked-quota`:
 * the monthly message quota is used up.
 */
export type ClaimStatus = "pending" | "sent" | "failed" | "deferred" | "blocked-quota";

/** Every {@link ClaimStatus}. */
export const CLAIM_STATUSES: readonly ClaimStatus[] = ["pending", "sent", "failed", "deferred", "blocked-quota"];

/** One user's claim on one reward. */
export interface RewardClaim {
  /** `rewardId`, `userId` and `slot`, joined: unique. */
  id: string;
  rewardId: string;
  userId: string;
  /** The nth time this user claims this reward (1 for once-per-user). */
  slot: number;
  /** The webhook event that earned it; a redelivery of that event never claims again. */
  eventId: string;
  status: ClaimStatus;
  /** Send attempts so far. */
  attempts: number;
  /** Counter of push attempt series; the push retry key derives from it, so a crash-and-retry reuses the key. */
  attemptEpoch: number;
  /** Why it failed or was deferred. */
  reason: string | null;
  /** Message ids LINE returned when it accepted the messages. */
  sentMessageIds: string[];
  /**
   * The channel of a send whose answer was never recorded (a timeout, a lost answer, a crash):
   * LINE may have accepted it. `null` when the last send got a definite answer or none was made.
   */
  unconfirmed: "reply" | "push" | null;
  /**
   * Epoch ms until which someone works on it: a backfill run ({@link ClaimQuery.leaseMs}) or the
   * dispatcher sending it ({@link Store.updateClaim}). Leased claims are skipped by other backfill runs.
   */
  leaseUntil: number;
  createdAt: number;
  updatedAt: number;
}

/** What {@link Store.claimReward} decided, atomically. */
export type ClaimRewardResult =
  | { outcome: "new"; claim: RewardClaim }
  /** This event already claimed it, or the user reached the reward's limit: the existing claim. */
  | { outcome: "duplicate"; claim: RewardClaim }
  /**
   * Only from {@link Store.beginEvent}: this event claimed it in an earlier delivery that did not
   * finish (the claim is `pending`, `failed` or `deferred`, and no one held its lease); the caller
   * now holds the lease and finishes the send.
   */
  | { outcome: "resumed"; claim: RewardClaim }
  /** The reward's stock is used up. */
  | { outcome: "out-of-stock" };

/** The fields {@link Store.updateClaim} may change. */
export type ClaimPatch = Partial<
  Pick<RewardClaim, "status" | "attempts" | "attemptEpoch" | "reason" | "sentMessageIds" | "unconfirmed" | "leaseUntil">
>;

/**
 * Which claims {@link Store.listClaims} returns: oldest first, by creation time then claim id, the
 * same order in every store, one page at a time.
 */
export interface ClaimQuery {
  /** Only this reward's claims. */
  rewardId?: string;
  /** Only this user's claims. */
  userId?: string;
  statuses?: readonly ClaimStatus[];
  /** Only claims created before this epoch ms. */
  createdBefore?: number;
  /** Where the previous page ended: its `next`. Claims created meanwhile come on later pages. */
  after?: string;
  /** At most this many; default 100. */
  limit?: number;
  /**
   * Take a lease of this many ms on the returned claims: claims leased by another caller until
   * after `now` are skipped, so several backfill runs at once never work on the same claim.
   */
  leaseMs?: number;
  /** The clock for leases; default Date.now(). */
  now?: number;
}

/** One page of {@link Store.listClaims}. */
export interface ClaimPage {
  claims: RewardClaim[];
  /** Give it as `after` for the next page; `undefined` when this page was the last. */
  next: string | undefined;
}

/** The opaque cursor after `claim` in the (createdAt, id) order. */
export function cursorAfter(claim: Pick<RewardClaim, "createdAt" | "id">): string {
  return `c1.${claim.createdAt}.${encodeURIComponent(claim.id)}`;
}

/** Reads a cursor made by {@link cursorAfter}; a `TypeError` naming it when it is not one. */
export function readCursor(cursor: string): { createdAt: number; id: string } {
  const match = /^c1\.(-?\d+)\.(.+)$/.exec(cursor);
  if (!match)
    throw new TypeError(
      `listClaims: after must be a "next" cursor from an earlier page, not ${JSON.stringify(cursor)}`,
    );
  return { createdAt: Number(match[1]), id: decodeURIComponent(match[2] as string) };
}

/** Whether `claim` comes after the cursor position in the (createdAt, id) order. */
export function isAfter(
  claim: Pick<RewardClaim, "createdAt" | "id">,
  position: { createdAt: number; id: string },
): boolean {
  return claim.createdAt > position.createdAt || (claim.createdAt === position.createdAt && claim.id > position.id);
}

/** The (createdAt, id) order of claims. */
export function claimOrder(a: RewardClaim, b: RewardClaim): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** What a reward claim needs: who, which reward, under which limit and stock. */
export interface ClaimRewardInput {
  rewardId: string;
  userId: string;
  /** The webhook event that earns it (or a grant's key): the same id never claims twice. */
  eventId: string;
  limit: RewardLimit;
  stock?: number;
  now?: number;
}

/** What {@link Store.beginEvent} decided, in one atomic step. */
export type BeginEventResult =
  /**
   * The event is the caller's to work on, under a lease. `reward` is what the claim made in the
   * same step decided; `resumed` there means an earlier delivery of this event claimed it and
   * did not finish sending: the caller now holds the claim's lease and sends it.
   */
  | { event: "new"; reward?: ClaimRewardResult }
  /** The event's work was finished before: a redelivery, nothing to do. */
  | { event: "duplicate" }
  /** Another delivery works on it right now (its lease is live): answer non-2xx, LINE redelivers later. */
  | { event: "busy" };

/** The shared state of one or many responder instances. */
export interface Store {
  /**
   * In one atomic step: takes the webhook event id for `leaseMs` and, when the event earns a
   * reward, claims it ({@link Store.claimReward}'s rules). Either both are recorded or neither is,
   * so no event can be taken while the reward it earned is recorded nowhere. An event whose lease
   * ran out unfinished (a crash, a store that failed mid-way) is taken over by the next delivery.
   */
  beginEvent(input: {
    eventId: string;
    /** How long the caller holds the event before another delivery may take it over. */
    leaseMs: number;
    reward?: Omit<ClaimRewardInput, "eventId" | "now">;
    now?: number;
  }): Promise<BeginEventResult>;
  /** The event's work is done: its id is kept for `ttlMs`, and deliveries of it in that time are duplicates. */
  finishEvent(eventId: string, ttlMs: number, now?: number): Promise<void>;
  /** Gives an event id back, so a redelivery of an event whose processing failed is processed again. */
  releaseEvent(eventId: string): Promise<void>;
  /**
   * In one atomic step: a claim for `userId` on `rewardId`, unless this event already claimed it
   * (duplicate), the user reached `limit` (duplicate) or `stock` claims exist (out-of-stock).
   * A new claim is `pending` before anything is sent.
   */
  claimReward(input: ClaimRewardInput): Promise<ClaimRewardResult>;
  /** Changes a claim; returns it as stored, or `undefined` when there is no such claim. */
  updateClaim(id: string, patch: ClaimPatch, now?: number): Promise<RewardClaim | undefined>;
  /** A page of the claims matching `query`, oldest first (creation time, then id). */
  listClaims(query?: ClaimQuery): Promise<ClaimPage>;
  /** Releases connections the store opened itself. */
  close?(): Promise<void>;
}

/** Claim statuses a redelivery of the claiming event may resume (not sent, not waiting for quota). */
export const RESUMABLE: readonly ClaimStatus[] = ["pending", "failed", "deferred"];

/** The claim id of a reward, user and slot. */
export function claimId(rewardId: string, userId: string, slot: number): string {
  return `${rewardId}:${userId}:${slot}`;
}

/** A claim as a store makes it: pending, never attempted, leased until `leaseUntil` (0: not leased). */
export function newClaim(
  { rewardId, userId, eventId }: Pick<RewardClaim, "rewardId" | "userId" | "eventId">,
  slot: number,
  leaseUntil: number,
  now: number,
): RewardClaim {
  return {
    id: claimId(rewardId, userId, slot),
    rewardId,
    userId,
    slot,
    eventId,
    status: "pending",
    attempts: 0,
    attemptEpoch: 0,
    reason: null,
    sentMessageIds: [],
    unconfirmed: null,
    leaseUntil,
    createdAt: now,
    updatedAt: now,
  };
}

/** How many claims a user may hold on a reward under `limit`. */
export function perUserCap(limit: RewardLimit): number {
  return limit === "once-per-user" ? 1 : limit === "unlimited" ? Number.POSITIVE_INFINITY : limit.perUser;
}
