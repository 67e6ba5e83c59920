/**
 * `line-responder claims`: who got what. Streams every claim page by page (memory stays flat on a
 * million claims) as a table, CSV or JSON lines, then the totals per reward.
 */
import type { RuleSet } from "../rules/schema.js";
import { CLAIM_STATUSES, type ClaimStatus, type RewardClaim } from "../stores/store.js";
import { type CliIO, UsageError } from "./io.js";
import { loadRuleFile } from "./load-rules.js";
import { openStore } from "./open-store.js";
import { table } from "./table.js";

/** The options `claims` reads. */
export interface ClaimsValues {
  store?: string;
  reward?: string;
  user?: string[];
  status?: string;
  format?: string;
  rules?: string;
}

interface Totals {
  sent: number;
  pending: number;
  failed: number;
  blockedQuota: number;
  held: number;
  claims: number;
}

const COLUMNS = ["id", "rewardId", "userId", "status", "createdAt", "attempts", "reason"] as const;

export async function claimsCommand(values: ClaimsValues, io: CliIO): Promise<number> {
  const format = values.format ?? "table";
  if (format !== "table" && format !== "csv" && format !== "json") {
    throw new UsageError(`claims: --format must be table, csv or json, not ${JSON.stringify(format)}`);
  }
  if (values.status !== undefined && !(CLAIM_STATUSES as readonly string[]).includes(values.status)) {
    throw new UsageError(
      `claims: --status must be one of ${CLAIM_STATUSES.join(", ")}, not ${JSON.stringify(values.status)}`,
    );
  }
  if ((values.user?.length ?? 0) > 1) throw new UsageError("claims: --user takes one user");
  const ruleSet: RuleSet | undefined =
    values.rules === undefined ? undefined : (await loadRuleFile(values.rules, io)).ruleSet;
  const store = await openStore(values.store, io);
  const totals = new Map<string, Totals>();
  try {
    if (format === "csv") io.stdout(`${COLUMNS.join(",")}\n`);
    if (format === "table")
      io.stdout(`${["created (UTC)", "reward", "user", "status", "tries", "claim"].join("\t")}\n`);
    let after: string | undefined;
    do {
      const page = await store.listClaims({
        limit: 500,
        ...(after ? { after } : {}),
        ...(values.reward === undefined ? {} : { rewardId: values.reward }),
        ...(values.user?.[0] === undefined ? {} : { userId: values.user[0] }),
        ...(values.status === undefined ? {} : { statuses: [values.status as ClaimStatus] }),
      });
      let text = "";
      for (const claim of page.claims) {
        count(totals, claim);
        text += row(claim, format);
      }
      io.stdout(text);
      after = page.next;
    } while (after);
  } finally {
    await store.close?.();
  }
  const summary = summarize(totals, ruleSet);
  // CSV and JSON keep stdout to the claims; the totals go to stderr there.
  if (format === "table") io.stdout(`\n${summary}`);
  else io.stderr(summary);
  return 0;
}

function count(totals: Map<string, Totals>, claim: RewardClaim): void {
  const t = totals.get(claim.rewardId) ?? { sent: 0, pending: 0, failed: 0, blockedQuota: 0, held: 0, claims: 0 };
  t.claims++;
  if (claim.status === "sent") t.sent++;
  else if (claim.status === "blocked-quota") t.blockedQuota++;
  else if (claim.status === "failed" && claim.unconfirmed === "reply") t.held++;
  else if (claim.status === "failed") t.failed++;
  else t.pending++;
  totals.set(claim.rewardId, t);
}

function row(claim: RewardClaim, format: string): string {
  if (format === "json") return `${JSON.stringify(claim)}\n`;
  if (format === "csv") {
    return `${COLUMNS.map((c) => {
      const value = c === "createdAt" ? new Date(claim.createdAt).toISOString() : String(claim[c] ?? "");
      return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
    }).join(",")}\n`;
  }
  const created = new Date(claim.createdAt).toISOString().replace("T", " ").slice(0, 19);
  return `${[created, claim.rewardId, claim.userId, claim.status, String(claim.attempts), claim.id].join("\t")}\n`;
}

function summarize(totals: Map<string, Totals>, ruleSet: RuleSet | undefined): string {
  const header = ["reward", "sent", "pending", "failed", "blocked by quota", "held", "stock left"];
  const rows = [...totals.entries()].map(([rewardId, t]) => {
    const stock = ruleSet?.rewards[rewardId]?.stock;
    const left =
      ruleSet === undefined ? "-" : stock === undefined ? "unlimited" : String(Math.max(0, stock - t.claims));
    return [rewardId, t.sent, t.pending, t.failed, t.blockedQuota, t.held].map(String).concat(left);
  });
  return rows.length === 0 ? "no claims\n" : table(header, rows);
}
