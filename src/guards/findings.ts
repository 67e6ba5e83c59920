/**
 * What the guard tells an operator about the account: a finding, with how bad it is, which live
 * rules go unanswered because of it, and what to do. Transitions, `checkAccount` and the watch all
 * speak in findings, so one alert format covers them.
 */
import type { Campaign } from "./campaigns.js";
import type { EventOf } from "./events.js";
import type { Profile } from "./state.js";

/** Why a finding was raised. */
export type FindingCode =
  /** A setting differs from the declared one, and no live rule goes unanswered because of it. */
  | "DRIFT"
  /** Live rules go unanswered in the account's (observed or new) state. */
  | "CAMPAIGN_SILENT"
  /** What the API shows cannot be true of the declared settings: declare them again. */
  | "IMPOSSIBLE_OBSERVATION"
  /** The channel has no webhook URL: LINE sends the bot nothing. */
  | "WEBHOOK_URL_NOT_SET"
  /** LINE's webhook test (`POST /v2/bot/channel/webhook/test`) did not get a 200 from the bot's server. */
  | "WEBHOOK_TEST_FAILED"
  /** The account could not be read (network, token, LINE's errors): nobody knows whether rules are answered. */
  | "ACCOUNT_UNREADABLE";

/** Something the operator must do, as the event that does it and a sentence for people. */
export interface Repair<P extends Profile = Profile> {
  event: EventOf<P>;
  /** `turn Webhook on`, `turn 自動応答 on`, `switch 応答モード to Bot`... */
  action: string;
}

/** A live rule that goes unanswered, and the first moment it does. */
export interface SilentCampaign {
  campaign: Campaign;
  /** The first moment (epoch ms) it goes unanswered. */
  at: number;
  /** Its window for people: `always`, `from <time>`, `until <time>`, `<time> to <time>`. */
  window: string;
  /** Why: `the webhook does not receive messages`, `OA Manager's auto-responses do not fire`. */
  reason: string;
}

/** One thing found about the account. `critical`: a live rule is (or may be) unanswered. */
export interface Finding<P extends Profile = Profile> {
  severity: "critical" | "warning";
  code: FindingCode;
  /**
   * The same while the same problem lasts (`CAMPAIGN_SILENT:gift,coupon`, `DRIFT:webhook`): the
   * watch reports a finding when its key appears and when it goes, never in between.
   */
  key: string;
  /** One paragraph for logs and alerts, naming every silenced rule and the repairs. */
  message: string;
  /** The live rules this finding leaves unanswered (empty for warnings). */
  silenced: SilentCampaign[];
  /** Operator actions that make the silenced rules answered again (empty when no setting can). */
  repairs: Repair<P>[];
}

/** `"gift" (always) from 2024-06-03T12:00:00+09:00: the webhook does not receive messages` */
export function describeSilent(silent: SilentCampaign, formatAt: (at: number) => string): string {
  return `"${silent.campaign.id}" (${silent.window}) from ${formatAt(silent.at)}: ${silent.reason}`;
}

/** `repairs: turn Webhook on, turn 自動応答 on`, or nothing. */
export function describeRepairs(repairs: readonly { action: string }[]): string {
  return repairs.length === 0 ? "" : `; repairs: ${repairs.map((r) => r.action).join(", ")}`;
}

/** The key of a finding about a set of rules: the code and the sorted rule ids. */
export function findingKey(code: FindingCode, silenced: readonly SilentCampaign[] = []): string {
  const ids = silenced.map((s) => s.campaign.id).sort();
  return ids.length === 0 ? code : `${code}:${ids.join(",")}`;
}

/** Critical finding: these live rules go unanswered in the state the account is (or would be) in. */
export function silenceFinding<P extends Profile>(
  silenced: SilentCampaign[],
  repairs: Repair<P>[],
  formatAt: (at: number) => string,
): Finding<P> {
  const rules = silenced.map((s) => describeSilent(s, formatAt)).join("; ");
  const count = silenced.length === 1 ? "1 live rule goes" : `${silenced.length} live rules go`;
  return {
    severity: "critical",
    code: "CAMPAIGN_SILENT",
    key: findingKey("CAMPAIGN_SILENT", silenced),
    message: `${count} unanswered: ${rules}${describeRepairs(repairs)}`,
    silenced,
    repairs,
  };
}
