/**
 * A claim as the SQL stores keep it: one row, snake_case columns. PostgreSQL hands `bigint`
 * columns over as strings and `jsonb` parsed; SQLite (D1) hands numbers and JSON text.
 */
import type { ClaimPatch, RewardClaim } from "./store.js";

/** One row of `line_responder_claims`. */
export interface ClaimRow {
  id: string;
  reward_id: string;
  user_id: string;
  slot: number;
  event_id: string;
  status: RewardClaim["status"];
  attempts: number;
  attempt_epoch: number;
  reason: string | null;
  sent_message_ids: string[] | string;
  unconfirmed: RewardClaim["unconfirmed"];
  lease_until: number | string;
  created_at: number | string;
  updated_at: number | string;
}

/** The claim a row holds. */
export function claimFromRow(row: ClaimRow): RewardClaim {
  return {
    id: row.id,
    rewardId: row.reward_id,
    userId: row.user_id,
    slot: row.slot,
    eventId: row.event_id,
    status: row.status,
    attempts: row.attempts,
    attemptEpoch: row.attempt_epoch,
    reason: row.reason,
    sentMessageIds:
      typeof row.sent_message_ids === "string" ? (JSON.parse(row.sent_message_ids) as string[]) : row.sent_message_ids,
    unconfirmed: row.unconfirmed,
    leaseUntil: Number(row.lease_until),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

/** The column of each field `updateClaim` may change. */
export const CLAIM_PATCH_COLUMNS: Readonly<Record<keyof ClaimPatch, string>> = {
  status: "status",
  attempts: "attempts",
  attemptEpoch: "attempt_epoch",
  reason: "reason",
  sentMessageIds: "sent_message_ids",
  unconfirmed: "unconfirmed",
  leaseUntil: "lease_until",
};
