/**
 * Granting a reward by hand: one user, one reward, by push, under the reward's limit and stock,
 * with the same claim-first records, retry key, retries and backfill as a keyword claim. An
 * operator's second click on the same grant (the same `key`) grants nothing more.
 */
import type { Reward } from "../rules/schema.js";
import { RESUMABLE, type RewardClaim, type Store } from "../stores/store.js";
import { closest } from "../validation/closest.js";
import type { RewardDispatcher } from "./dispatcher.js";

/** A grant: who, what, why, and the key that makes a repeat harmless. */
export interface GrantRequest {
  userId: string;
  rewardId: string;
  /** Why (for the operator's records: it is reported back in the result). */
  reason: string;
  /**
   * Makes the grant idempotent: the same key grants once, however often it is sent (a double click,
   * a rerun of a list). Default: a new key, so only the reward's limit stops a second grant.
   */
  key?: string;
}

/** What a grant did. */
export type GrantResult =
  | {
      status: "sent" | "failed" | "blocked-quota" | "pending";
      userId: string;
      rewardId: string;
      claimId: string;
      reason: string;
      /** Why it is not sent yet (`failed`, `blocked-quota`, `pending`: backfill finishes it). */
      detail?: string;
      /** An earlier grant with this key made the claim; this call finished it or found it done. */
      repeated: boolean;
    }
  | {
      status: "refused";
      userId: string;
      rewardId: string;
      /** `unknown-reward`: not in the rule set; `out-of-stock`; `at-limit`: the user holds the reward's limit already. */
      refusal: "unknown-reward" | "out-of-stock" | "at-limit";
      /** One sentence naming what is wrong. */
      message: string;
      /** For `at-limit`: the user's latest claim. */
      claimId?: string;
    };

/** Options of `responder.grantMany()`. */
export interface GrantManyOptions {
  /** Pushes at once; default 4. */
  concurrency?: number;
  /** Called after each grant, with how many are done out of how many. */
  onProgress?: (done: number, total: number, result: GrantResult) => void;
}

/** What `responder.grantMany()` did, in the order of the requests. */
export interface GrantManyReport {
  results: GrantResult[];
  sent: number;
  /** Claimed but not sent (a failure, or the monthly quota ran out): backfill finishes them. */
  pending: number;
  failed: number;
  blockedQuota: number;
  refused: number;
}

/** @internal */
export interface Granter {
  grant(request: GrantRequest): Promise<GrantResult>;
  grantMany(requests: readonly GrantRequest[], options?: GrantManyOptions): Promise<GrantManyReport>;
}

/** @internal */
export function createGranter(config: {
  store: Store;
  dispatcher: RewardDispatcher;
  rewards: Readonly<Record<string, Reward>>;
}): Granter {
  const { store, dispatcher, rewards } = config;

  function check(request: GrantRequest): void {
    for (const field of ["userId", "rewardId", "reason"] as const) {
      if (typeof request[field] !== "string" || request[field] === "") {
        throw new TypeError(`grant: ${field} must be a non-empty string, not ${JSON.stringify(request[field])}`);
      }
    }
    if (request.key !== undefined && (typeof request.key !== "string" || request.key === "")) {
      throw new TypeError(`grant: key must be a non-empty string when given, not ${JSON.stringify(request.key)}`);
    }
  }

  function outcome(claim: RewardClaim, request: GrantRequest, repeated: boolean): GrantResult {
    const status = claim.status === "deferred" ? "pending" : claim.status;
    return {
      status,
      userId: request.userId,
      rewardId: request.rewardId,
      claimId: claim.id,
      reason: request.reason,
      ...(status !== "sent" && claim.reason ? { detail: claim.reason } : {}),
      repeated,
    };
  }

  /** Sends a claim this grant holds; `hold` claims it without sending (the quota ran out earlier). */
  async function send(claim: RewardClaim, request: GrantRequest, repeated: boolean, hold: boolean) {
    if (hold) {
      const held = await store.updateClaim(claim.id, {
        leaseUntil: 0,
        reason: "the monthly quota ran out during this grant list: backfill sends it",
      });
      return outcome(held ?? claim, request, repeated);
    }
    return outcome(await dispatcher.pushClaim(claim), request, repeated);
  }

  async function grantOne(request: GrantRequest, hold: boolean): Promise<GrantResult> {
    check(request);
    const { userId, rewardId } = request;
    const reward = rewards[rewardId];
    if (!reward) {
      const guess = closest(rewardId, Object.keys(rewards));
      const message = `reward "${rewardId}" is not in the rule set${guess ? ` (did you mean "${guess}"?)` : ""}`;
      return { status: "refused", userId, rewardId, refusal: "unknown-reward", message };
    }
    const eventId = `grant:${request.key ?? globalThis.crypto.randomUUID()}`;
    const claimed = await store.claimReward({
      rewardId,
      userId,
      eventId,
      limit: reward.limit,
      ...(reward.stock === undefined ? {} : { stock: reward.stock }),
    });
    if (claimed.outcome === "out-of-stock") {
      const message = `reward "${rewardId}" is out of stock (all ${reward.stock} given)`;
      return { status: "refused", userId, rewardId, refusal: "out-of-stock", message };
    }
    const claim = claimed.claim;
    if (claimed.outcome === "new") {
      const leased = await store.updateClaim(claim.id, { leaseUntil: Date.now() + dispatcher.leaseMs });
      return send(leased ?? claim, request, false, hold);
    }
    if (claim.eventId !== eventId) {
      const message = `user ${userId} already holds reward "${rewardId}" up to its limit (claim ${claim.id}, ${claim.status})`;
      return { status: "refused", userId, rewardId, refusal: "at-limit", message, claimId: claim.id };
    }
    // The same grant again: finish it if it is unsent and nobody is sending it, else say where it is.
    const unsent = RESUMABLE.includes(claim.status) || claim.status === "blocked-quota";
    if (unsent && claim.leaseUntil <= Date.now()) {
      const leased = await store.updateClaim(claim.id, { leaseUntil: Date.now() + dispatcher.leaseMs });
      return send(leased ?? claim, request, true, hold);
    }
    return outcome(claim, request, true);
  }

  return {
    grant: (request) => grantOne(request, false),

    async grantMany(requests, options = {}) {
      const report: GrantManyReport = { results: [], sent: 0, pending: 0, failed: 0, blockedQuota: 0, refused: 0 };
      let quotaGone = false;
      let next = 0;
      let done = 0;
      const worker = async () => {
        while (next < requests.length) {
          const index = next++;
          const result = await grantOne(requests[index] as GrantRequest, quotaGone);
          if (result.status === "blocked-quota") quotaGone = true;
          report.results[index] = result;
          options.onProgress?.(++done, requests.length, result);
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
      for (const result of report.results) {
        if (result.status === "blocked-quota") report.blockedQuota++;
        else report[result.status === "refused" ? "refused" : result.status]++;
      }
      return report;
    },
  };
}
