/**
 * The drift monitor: reads what the Messaging API shows of the account's settings, reconciles the
 * declared state with it (OBSERVE), and reports what differs and which campaigns would go unanswered.
 * Chat, auto-response, greeting and response hours cannot be read through the API: they stay as declared.
 */
import { formatInstant, toEpoch } from "../rules/time.js";
import type { Campaign } from "./campaigns.js";
import type { Effect } from "./effects.js";
import { createModeMachine, type Repair } from "./machine.js";
import type { Profile, StateOf } from "./state.js";

/** The two calls the monitor makes, as `@line/bot-sdk`'s `messagingApi.MessagingApiClient` has them. */
export interface AccountClient {
  /** `GET /v2/bot/info` */
  getBotInfo(): Promise<{ chatMode?: string; markAsReadMode?: string }>;
  /** `GET /v2/bot/channel/webhook/endpoint` */
  getWebhookEndpoint(): Promise<{ endpoint?: string; active: boolean }>;
}

/** One thing the monitor found. `critical`: a campaign goes unanswered or the declared state cannot be true. */
export interface DriftFinding {
  severity: "critical" | "warning";
  code: "DRIFT" | "CAMPAIGN_SILENT" | "IMPOSSIBLE_OBSERVATION";
  message: string;
}

/** What {@link checkAccount} returns. */
export interface AccountCheck<P extends Profile> {
  /** True when no finding is critical. */
  ok: boolean;
  observed: { chatMode: "chat" | "bot"; webhookActive: boolean; endpoint?: string };
  /** The declared state corrected by what the API shows (the declared state when that is impossible). */
  state: StateOf<P>;
  findings: DriftFinding[];
  /** What the operator must do so that every live campaign is answered. */
  repairs: Repair<P>[];
}

/** Options of {@link checkAccount}. */
export interface CheckAccountOptions<P extends Profile> {
  client: AccountClient;
  profile: P;
  /** The settings as the operator believes them to be. */
  declared: StateOf<P>;
  campaigns?: readonly Campaign[];
  /** Default now. */
  at?: Date | number;
  /** Zone used to write times in messages; default `Asia/Tokyo`. */
  timeZone?: string;
}

/**
 * Compares the declared settings with the real account. Run it from cron before a broadcast:
 * `ok: false` means some live campaign would not be answered.
 *
 * @throws when the API cannot be read (network, 401): the account could not be checked.
 *
 * @example
 * ```ts
 * import { messagingApi } from "@line/bot-sdk";
 * const client = new messagingApi.MessagingApiClient({ channelAccessToken });
 * const report = await checkAccount({ client, profile: "current", declared, campaigns });
 * for (const finding of report.findings) console.log(finding.severity, finding.message);
 * ```
 */
export async function checkAccount<P extends Profile>(options: CheckAccountOptions<P>): Promise<AccountCheck<P>> {
  const { client, profile, declared, campaigns = [], timeZone = "Asia/Tokyo" } = options;
  const at = toEpoch(options.at);
  // One after the other: a failure then always names the same call.
  const info = await client.getBotInfo();
  const endpoint = await client.getWebhookEndpoint();
  const observed = {
    chatMode: info.chatMode === "chat" ? ("chat" as const) : ("bot" as const),
    webhookActive: endpoint.active === true,
    endpoint: endpoint.endpoint,
  };
  const machine = createModeMachine({ profile, campaigns, timeZone });
  const result = machine.transition(
    declared,
    { type: "OBSERVE", chatMode: observed.chatMode, webhookActive: observed.webhookActive } as never,
    { at },
  );
  const findings: DriftFinding[] = [];
  let state = declared;
  if (result.ok) {
    state = result.state;
    for (const effect of result.effects.filter((e): e is Extract<Effect, { kind: "drift" }> => e.kind === "drift")) {
      findings.push({ severity: "warning", code: "DRIFT", message: effect.message });
    }
  } else {
    findings.push({ severity: "critical", code: "IMPOSSIBLE_OBSERVATION", message: result.message });
  }
  for (const silent of machine.silentCampaigns(state, at)) {
    const how =
      silent.campaign.answeredBy === "bot"
        ? "the webhook does not receive messages"
        : "OA Manager's auto-responses do not fire";
    findings.push({
      severity: "critical",
      code: "CAMPAIGN_SILENT",
      message: `campaign "${silent.campaign.id}" goes unanswered from ${formatInstant(silent.at, timeZone)}: ${how}`,
    });
  }
  return {
    ok: findings.every((f) => f.severity !== "critical"),
    observed,
    state,
    findings,
    // A successful OBSERVE already listed the repairs of the state it led to.
    repairs: result.ok ? result.repairs : machine.repairs(state, at),
  };
}
