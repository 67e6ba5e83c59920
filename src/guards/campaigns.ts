/**
 * The rules the mode guard protects (campaigns), and when a state leaves one unanswered.
 */
import type { RuleSet } from "../rules/schema.js";
import { formatInstant, parseInstant } from "../rules/time.js";
import type { Capabilities } from "./capabilities.js";
import { bandEdges } from "./response-hours.js";
import type { CurrentState } from "./state.js";

/**
 * A rule the guard keeps answered: who answers it and when it is live (epoch ms, from inclusive,
 * until exclusive; a rule without a window runs from -Infinity to Infinity, always).
 */
export interface Campaign {
  id: string;
  /** `bot`: answered through the webhook; `native`: an OA Manager auto-response. */
  answeredBy: "bot" | "native";
  from: number;
  until: number;
}

/**
 * The rules of a rule set the guard protects: every rule that answers (with a reward or a reply,
 * by the bot or by OA Manager), while it is live. A rule without a window is live all the time:
 * that is the most common campaign. Rules with `guard: false` are left out.
 */
export function campaignsFromRules(ruleSet: RuleSet): Campaign[] {
  return ruleSet.rules.flatMap((rule) => {
    if (rule.guard === false) return [];
    const from = rule.window?.from === undefined ? undefined : parseInstant(rule.window.from, ruleSet.timezone);
    const until = rule.window?.until === undefined ? undefined : parseInstant(rule.window.until, ruleSet.timezone);
    return [
      {
        id: rule.id,
        answeredBy: rule.answeredBy,
        from: from ?? Number.NEGATIVE_INFINITY,
        until: until ?? Number.POSITIVE_INFINITY,
      },
    ];
  });
}

/** A campaign's window for people: `always`, `from <time>`, `until <time>` or `<time> to <time>`. */
export function describeWindow(campaign: Campaign, timeZone: string): string {
  const hasFrom = Number.isFinite(campaign.from);
  const hasUntil = Number.isFinite(campaign.until);
  if (!hasFrom && !hasUntil) return "always";
  if (!hasUntil) return `from ${formatInstant(campaign.from, timeZone)}`;
  if (!hasFrom) return `until ${formatInstant(campaign.until, timeZone)}`;
  return `${formatInstant(campaign.from, timeZone)} to ${formatInstant(campaign.until, timeZone)}`;
}

/** Whether an account that can do `capabilities` answers `campaign`. */
export function isAnswered(capabilities: Capabilities, campaign: Campaign): boolean {
  return campaign.answeredBy === "bot" ? capabilities.webhookDelivered : capabilities.nativeKeywordReplies;
}

/**
 * The moments of a campaign's remaining window (from `at` on) at which answerability can change:
 * its start and, for states with response hours, every band edge in the first week. Checking
 * these moments is checking the whole window.
 */
export function samplePoints(campaign: Campaign, at: number, states: readonly (CurrentState | object)[]): number[] {
  const start = Math.max(at, campaign.from);
  if (start >= campaign.until) return [];
  const points = new Set([start]);
  for (const state of states) {
    const hours = (state as CurrentState).responseHours;
    if (hours) for (const edge of bandEdges(hours, start, campaign.until)) points.add(edge);
  }
  return [...points].sort((a, b) => a - b);
}

/** Campaigns that have not ended at `at` (running or scheduled). */
export function liveCampaigns(campaigns: readonly Campaign[], at: number): Campaign[] {
  return campaigns.filter((c) => c.until > at);
}
