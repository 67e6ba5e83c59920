/**
 * The drift monitor: reads what the Messaging API shows of the account's settings, reconciles the
 * declared state with it (OBSERVE), and reports what differs and which live rules go unanswered.
 * With `probe`, it also asks LINE to send the bot's webhook a test request, which proves the whole
 * path (URL, TLS, the bot's server), not only the settings.
 * Chat, auto-response, greeting and response hours cannot be read through the API: they stay as declared.
 */
import type { RuleSet } from "../rules/schema.js";
import { formatInstant, toEpoch } from "../rules/time.js";
import { type Campaign, campaignsFromRules, describeWindow, liveCampaigns } from "./campaigns.js";
import {
  describeRepairs,
  describeSilent,
  type Finding,
  findingKey,
  type SilentCampaign,
  silenceFinding,
} from "./findings.js";
import { createModeMachine, type Repair } from "./machine.js";
import type { Profile, StateOf } from "./state.js";

/** What LINE's webhook test answered (`POST /v2/bot/channel/webhook/test`). */
export interface WebhookTestResult {
  /** Whether LINE reached the webhook URL and got an answer it accepts. */
  success?: boolean;
  /** The bot server's HTTP status; 0 or negative when no answer came. */
  statusCode: number;
  /** LINE's reason, e.g. `OK`, `ERROR_STATUS_CODE`, `COULD_NOT_CONNECT`. */
  reason: string;
  detail: string;
}

/** The calls the monitor makes, as `@line/bot-sdk`'s `messagingApi.MessagingApiClient` has them. */
export interface AccountClient {
  /** `GET /v2/bot/info` */
  getBotInfo(): Promise<{ chatMode?: string; markAsReadMode?: string }>;
  /** `GET /v2/bot/channel/webhook/endpoint`; LINE answers 404 when no webhook URL is set. */
  getWebhookEndpoint(): Promise<{ endpoint?: string; active: boolean }>;
  /** `POST /v2/bot/channel/webhook/test`: needed only with `probe: true`. */
  testWebhookEndpoint?(request?: { endpoint?: string }): Promise<WebhookTestResult>;
}

/** One thing the monitor found. */
export type DriftFinding<P extends Profile = Profile> = Finding<P>;

/** What {@link checkAccount} returns. */
export interface AccountCheck<P extends Profile> {
  /** True when no finding is critical. */
  ok: boolean;
  observed: {
    chatMode: "chat" | "bot";
    /** The Webhook toggle; false also when no webhook URL is set (LINE then sends nothing). */
    webhookActive: boolean;
    /** The webhook URL; absent when none is set. */
    endpoint?: string;
    /** LINE's webhook test, with `probe: true` and a URL set. */
    test?: WebhookTestResult;
  };
  /** The declared state corrected by what the API shows (the declared state when that is impossible). */
  state: StateOf<P>;
  /** Every finding: critical ones first mean a live rule goes unanswered. */
  findings: Finding<P>[];
  /** The setting changes that make every live rule answered again. */
  repairs: Repair<P>[];
}

/** Options of {@link checkAccount}. */
export interface CheckAccountOptions<P extends Profile = "current"> {
  client: AccountClient;
  /** `current` (default) or `legacy`. */
  profile?: P;
  /** The settings as the operator believes them to be. */
  declared: StateOf<P>;
  /** The bot's rule file: every rule that answers is guarded while live (see `campaignsFromRules`). */
  rules?: RuleSet;
  /** Rules to guard besides (or instead of) `rules`. */
  campaigns?: readonly Campaign[];
  /**
   * Also call LINE's webhook test and report a non-200 answer from the bot's server as critical
   * (default false). The test sends the bot a signed webhook with no events.
   */
  probe?: boolean;
  /** Default now. */
  at?: Date | number;
  /** Zone used to write times in messages; default the rule file's, else `Asia/Tokyo`. */
  timeZone?: string;
}

const isNotFound = (error: unknown) => (error as { status?: unknown } | null)?.status === 404;

/**
 * Compares the declared settings with the real account. Run it from cron before a broadcast, or
 * let {@link watchAccount} run it on a timer: `ok: false` means some live rule would not be answered.
 *
 * @throws when the API cannot be read (network, 401): the account could not be checked. A webhook
 *   URL that is not set is a critical finding, not an error.
 *
 * @example
 * ```ts
 * import { messagingApi } from "@line/bot-sdk";
 * const client = new messagingApi.MessagingApiClient({ channelAccessToken });
 * const report = await checkAccount({ client, declared, rules: ruleSet, probe: true });
 * for (const finding of report.findings) console.log(finding.severity, finding.message);
 * ```
 */
export async function checkAccount<P extends Profile = "current">(
  options: CheckAccountOptions<P>,
): Promise<AccountCheck<P>> {
  const { client, declared } = options;
  const profile = (options.profile ?? "current") as P;
  const campaigns = [...(options.rules ? campaignsFromRules(options.rules) : []), ...(options.campaigns ?? [])];
  const timeZone = options.timeZone ?? options.rules?.timezone ?? "Asia/Tokyo";
  const at = toEpoch(options.at);
  // One after the other: a failure then always names the same call.
  const info = await client.getBotInfo();
  let endpoint: { endpoint?: string; active: boolean } | undefined;
  try {
    endpoint = await client.getWebhookEndpoint();
  } catch (error) {
    // LINE answers 404 when the channel has no webhook URL: every bot-answered rule is silent.
    if (!isNotFound(error)) throw error;
  }
  const urlSet = endpoint !== undefined && endpoint.endpoint !== undefined && endpoint.endpoint !== "";
  const test = options.probe && urlSet ? await probe(client) : undefined;
  const observed = {
    chatMode: info.chatMode === "chat" ? ("chat" as const) : ("bot" as const),
    webhookActive: urlSet && endpoint?.active === true,
    ...(urlSet ? { endpoint: endpoint?.endpoint } : {}),
    ...(test ? { test } : {}),
  };
  const machine = createModeMachine({ profile, campaigns, timeZone });
  // Without a URL the toggle cannot be read: it stays as declared, and the missing URL is the finding.
  const webhookActive = urlSet ? observed.webhookActive : declared.webhook;
  const result = machine.transition(declared, { type: "OBSERVE", chatMode: observed.chatMode, webhookActive }, { at });
  const formatAt = (t: number) => formatInstant(t, timeZone);
  const findings: Finding<P>[] = [];
  let state = declared;
  if (result.ok) {
    state = result.state;
    findings.push(...result.findings);
  } else {
    findings.push({
      severity: "critical",
      code: "IMPOSSIBLE_OBSERVATION",
      key: "IMPOSSIBLE_OBSERVATION",
      message: result.message,
      silenced: [],
      repairs: [],
    });
    // The rules the declared state itself leaves unanswered are still worth knowing.
    const silenced = machine.silentCampaigns(state, at);
    if (silenced.length > 0) findings.push(silenceFinding(silenced, machine.repairs(state, at), formatAt));
  }
  const botRules = (reason: string): SilentCampaign[] =>
    liveCampaigns(campaigns, at)
      .filter((c) => c.answeredBy === "bot")
      .map((campaign) => ({
        campaign,
        at: Math.max(at, campaign.from),
        window: describeWindow(campaign, timeZone),
        reason,
      }));
  // The bot rules a broken path silences, after the rules: ": \"gift\" (always) from ...; ...".
  const naming = (silenced: SilentCampaign[]) =>
    silenced.length === 0 ? "" : `: ${silenced.map((s) => describeSilent(s, formatAt)).join("; ")}`;
  if (!urlSet) {
    const silenced = botRules("no webhook URL is set, so LINE sends the bot nothing");
    findings.push({
      // Without a live bot rule nothing goes unanswered: worth knowing, not worth waking anyone.
      severity: silenced.length > 0 ? "critical" : "warning",
      code: "WEBHOOK_URL_NOT_SET",
      key: findingKey("WEBHOOK_URL_NOT_SET"),
      message: `the channel has no webhook URL${naming(silenced)}; repair: set the Webhook URL in the LINE Developers Console (Messaging API tab)`,
      silenced,
      repairs: [],
    });
  }
  // LINE requires the bot to answer 200; anything else (or no answer) means messages go unanswered.
  if (test && (test.success === false || test.statusCode !== 200)) {
    const answer = test.statusCode > 0 ? `HTTP ${test.statusCode}` : "no answer";
    const silenced = botRules(`the bot's server gave LINE's webhook test ${answer}`);
    const why = test.detail ? `${test.reason}: ${test.detail}` : test.reason;
    findings.push({
      severity: "critical",
      code: "WEBHOOK_TEST_FAILED",
      key: findingKey("WEBHOOK_TEST_FAILED"),
      message: `LINE's webhook test of ${observed.endpoint} got ${answer} (${why})${naming(silenced)}${describeRepairs([{ action: "make the bot's server answer 200 at that URL" }])}`,
      silenced,
      repairs: [],
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

async function probe(client: AccountClient): Promise<WebhookTestResult> {
  if (!client.testWebhookEndpoint) {
    throw new TypeError(
      "checkAccount({ probe: true }) needs a client with testWebhookEndpoint (the SDK's MessagingApiClient has it)",
    );
  }
  // No endpoint in the body: LINE tests the URL registered for the channel, the one users' messages go to.
  const { success, statusCode, reason, detail } = await client.testWebhookEndpoint({});
  return { ...(success === undefined ? {} : { success }), statusCode, reason, detail };
}
