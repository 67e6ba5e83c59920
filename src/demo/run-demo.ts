/**
 * The seed incident's day, twice, against the emulator: once with the baseline bot, once with
 * line-responder (guard, drift monitor, rewards). Same seed, same users, same faults.
 */
import type { Server } from "node:http";
import { createServer } from "node:http";
import { createNodeHandler } from "../adapters/node.js";
import { campaignsFromRules } from "../guards/campaigns.js";
import { checkAccount } from "../guards/drift.js";
import { createModeMachine } from "../guards/machine.js";
import type { LegacyState } from "../guards/state.js";
import { createResponder } from "../responder.js";
import type { RuleSet } from "../rules/schema.js";
import { createMemoryStore } from "../stores/memory.js";
import { type Emulator, startEmulator } from "../testing/emulator/emulator.js";
import type { Fault } from "../testing/emulator/faults.js";
import {
  type BotSdk,
  type ClientConfig,
  listenLocally,
  type ReplyingClient,
  startBaselineBot,
} from "./baseline-bot.js";
import { buildScenario, type Say } from "./scenario.js";
import { spellingsOf } from "./spellings.js";
import { runWatchScene, type WatchSceneReport } from "./watch-scene.js";

/** What `@line/bot-sdk` must offer the demo: the baseline's calls, and a client line-responder sends with. */
export interface DemoSdk extends BotSdk {
  messagingApi: {
    MessagingApiClient: new (
      config: ClientConfig,
    ) => ReplyingClient & {
      pushMessage(request: { to: string; messages: object[] }, retryKey?: string): Promise<unknown>;
      getBotInfo(): Promise<{ chatMode?: string }>;
      getWebhookEndpoint(): Promise<{ endpoint?: string; active: boolean }>;
    };
  };
}

/** One run's numbers. */
export interface DemoTally {
  /** Users who sent the keyword (in any spelling). */
  sent: number;
  rewardedOnce: number;
  rewardedTwiceOrMore: number;
  neverRewarded: number;
  /** Push requests LINE accepted (billed against the monthly quota). */
  pushesUsed: number;
}

/** A line of the timeline: which run, seconds since it started, what happened. */
export interface TimelineEntry {
  run: "baseline" | "line-responder" | "watch";
  seconds: number;
  text: string;
}

/** What `runDemo` returns. */
export interface DemoReport {
  seed: number;
  baseline: DemoTally;
  lineResponder: DemoTally;
  /** The third act: a switch behind the library's back, caught by the watch. */
  watch: WatchSceneReport;
  timeline: TimelineEntry[];
  /** line-responder rewarded every user exactly once, and the watch caught the switch at its next check. */
  ok: boolean;
}

const SECRET = "demo-channel-secret";
const TOKEN = "demo-channel-access-token";
const START: LegacyState = { mode: "bot", webhook: true, autoResponse: true, greeting: true };

/** 10% of sends fail: 5xx before and after LINE sent the message, and 429 with Retry-After. Some webhook answers are lost. */
const DEMO_FAULTS: Fault[] = [
  { endpoint: "*", rate: 0.04, status: 500 },
  { endpoint: "*", rate: 0.02, status: 500, afterEffect: true },
  { endpoint: "*", rate: 0.04, status: 429, retryAfterSeconds: 1 },
  { endpoint: "webhook", rate: 0.05, drop: true },
];

/** The rule file cannot drive the demo (no reward rule, no media to count deliveries by). */
export class DemoSetupError extends Error {
  override readonly name = "DemoSetupError";
}

/** Moves the campaign's window around now, so the demo runs whatever the date. */
export function campaignAroundNow(ruleSet: RuleSet, now = Date.now()): RuleSet {
  const iso = (t: number) => new Date(t).toISOString();
  return {
    ...ruleSet,
    rules: ruleSet.rules.map((rule) =>
      rule.window ? { ...rule, window: { from: iso(now - 3_600_000), until: iso(now + 3_600_000) } } : rule,
    ),
  };
}

/**
 * Sends the day's messages, `concurrency` users at a time. Each user's messages go in order, one
 * after the other, as one person types: a user who writes twice with both messages in flight would
 * race them for the claim, and which one won (the reward, or the "already claimed" answer, on
 * different reply tokens with different seeded faults) would change the run's counts.
 */
async function sayAll(emulator: Emulator<"legacy">, says: readonly Say[], concurrency = 16): Promise<void> {
  const lanes: Say[][] = Array.from({ length: concurrency }, () => []);
  const laneOf = new Map<string, number>();
  for (const say of says) {
    let lane = laneOf.get(say.user);
    if (lane === undefined) {
      lane = laneOf.size % concurrency;
      laneOf.set(say.user, lane);
    }
    lanes[lane]?.push(say);
  }
  await Promise.all(
    lanes.map(async (lane) => {
      for (const say of lane) await emulator.userSays(say.user, say.text);
    }),
  );
}

function tally(emulator: Emulator<"legacy">, users: readonly string[], rewardUrl: string): DemoTally {
  const counts = users.map(
    (user) =>
      emulator
        .inbox(user)
        .filter((entry) =>
          entry.messages.some((m) => (m as { originalContentUrl?: string }).originalContentUrl === rewardUrl),
        ).length,
  );
  return {
    sent: users.length,
    rewardedOnce: counts.filter((n) => n === 1).length,
    rewardedTwiceOrMore: counts.filter((n) => n > 1).length,
    neverRewarded: counts.filter((n) => n === 0).length,
    pushesUsed: emulator.requests.filter((r) => r.path === "/v2/bot/message/push" && r.status === 200).length,
  };
}

const close = (server: Server) => new Promise((resolve) => server.close(resolve));

/** Runs both days and returns the numbers and the timeline. */
export async function runDemo(options: {
  sdk: DemoSdk;
  ruleSet: RuleSet;
  seed?: number;
  users?: number;
  onTimeline?: (entry: TimelineEntry) => void;
}): Promise<DemoReport> {
  const seed = options.seed ?? 20190805;
  const ruleSet = campaignAroundNow(options.ruleSet);
  const rule = ruleSet.rules.find((r) => r.reward !== undefined && r.match !== "regex");
  const reward = rule?.reward === undefined ? undefined : ruleSet.rewards[rule.reward];
  if (!rule || !reward) throw new DemoSetupError("the demo needs a rule with a reward and keywords (not regex)");
  // The users type the keywords of this file, in the spellings its folds read as the keyword.
  const scenario = buildScenario(seed, spellingsOf(rule.keywords, ruleSet.normalize), options.users);
  const rewardUrl = (
    reward.messages.find((m) => "originalContentUrl" in m) as { originalContentUrl?: string } | undefined
  )?.originalContentUrl;
  if (!rewardUrl) {
    throw new DemoSetupError(
      `the demo needs reward "${rule.reward}" to send a message with originalContentUrl (audio, image or video)`,
    );
  }
  const timeline: TimelineEntry[] = [];
  const before = scenario.says.slice(0, scenario.switchAfter);
  const after = scenario.says.slice(scenario.switchAfter);

  const day = async (
    run: TimelineEntry["run"],
    bot: (emulator: Emulator<"legacy">) => Promise<{
      atSwitch(emulator: Emulator<"legacy">, note: (text: string) => void): Promise<void>;
      finish(emulator: Emulator<"legacy">, note: (text: string) => void): Promise<void>;
      server: Server;
    }>,
  ): Promise<DemoTally> => {
    const started = Date.now();
    const note = (text: string) => {
      const entry = { run, seconds: (Date.now() - started) / 1000, text };
      timeline.push(entry);
      options.onTimeline?.(entry);
    };
    const emulator = await startEmulator<"legacy">({
      channelSecret: SECRET,
      channelAccessToken: TOKEN,
      profile: "legacy",
      settings: { ...START },
      redelivery: true,
      faults: DEMO_FAULTS,
      seed,
    });
    try {
      const running = await bot(emulator);
      note(`campaign "${rule.id}" live; ${scenario.users.length} users start sending the keyword`);
      await sayAll(emulator, before);
      await running.atSwitch(emulator, note);
      await sayAll(emulator, after);
      await running.finish(emulator, note);
      await close(running.server);
      const unanswered = emulator.unanswered.length;
      if (unanswered > 0) note(`${unanswered} messages reached neither the webhook nor an auto-response`);
      return tally(emulator, scenario.users, rewardUrl);
    } finally {
      await emulator.close();
    }
  };

  const baseline = await day("baseline", async (emulator) => {
    const { url, server } = await startBaselineBot(options.sdk, {
      channelSecret: SECRET,
      channelAccessToken: TOKEN,
      baseURL: emulator.url,
      keywords: rule.keywords,
      messages: reward.messages,
    });
    emulator.webhookUrl = url;
    return {
      server,
      async atSwitch(em, note) {
        em.operator({ type: "SWITCH_MODE", mode: "chat" });
        em.operator({ type: "SWITCH_MODE", mode: "bot" });
        note("operator switches Bot -> Chat -> Bot to read messages: Webhook and 自動応答 are now off; nobody notices");
      },
      async finish(em, note) {
        const exact = new Set(rule.keywords);
        const missed = before.filter((say) => !exact.has(say.text)).length;
        note(
          `before the switch, ${missed} of ${before.length} messages were the keyword in another spelling: exact match ignored them`,
        );
        const failed = em.requests.filter((r) => r.path === "/v2/bot/message/reply" && r.status !== 200).length;
        note(
          `${failed} ${failed === 1 ? "reply" : "replies"} failed (5xx, 429, used tokens after redeliveries); nothing retried, nothing backfilled`,
        );
      },
    };
  });

  const lineResponder = await day("line-responder", async (emulator) => {
    const sdkClient = new options.sdk.messagingApi.MessagingApiClient({
      channelAccessToken: TOKEN,
      baseURL: emulator.url,
    });
    let retries = 0;
    let pushes = 0;
    let duplicates = 0;
    const responder = createResponder({
      channelSecret: SECRET,
      rules: ruleSet,
      client: sdkClient,
      store: createMemoryStore(),
      delivery: { requestTimeoutMs: 3000, retry: { baseDelayMs: 100, maxDelayMs: 2000 } },
      onRetry: () => retries++,
      onDelivered: (_claim, via) => {
        if (via === "push") pushes++;
      },
      onError: () => {},
    });
    responder.on("message", (ctx) => {
      if (ctx.reward?.status === "duplicate") duplicates++;
    });
    const server = createServer(createNodeHandler(responder));
    emulator.webhookUrl = await listenLocally(server, "/webhook");
    const campaigns = campaignsFromRules(ruleSet);
    return {
      server,
      async atSwitch(em, note) {
        const guard = createModeMachine({ profile: "legacy", campaigns, strict: true });
        const refused = guard.transition(em.settings, { type: "SWITCH_MODE", mode: "chat" });
        if (!refused.ok) note(`operator asks to switch Bot -> Chat: refused (${refused.code}): ${refused.message}`);
        const lenient = createModeMachine({ profile: "legacy", campaigns });
        const chat = lenient.transition(em.settings, { type: "SWITCH_MODE", mode: "chat" });
        const back = chat.ok ? lenient.transition(chat.state, { type: "SWITCH_MODE", mode: "bot" }) : chat;
        if (back.ok && back.repairs.length > 0) {
          note(`had it happened, Bot -> Chat -> Bot would need: ${back.repairs.map((r) => r.action).join(", ")}`);
        }
        const check = await checkAccount({ client: sdkClient, profile: "legacy", declared: START, campaigns });
        note(
          `drift monitor: ${check.ok ? "the account matches the declared settings" : check.findings.map((f) => f.message).join("; ")}`,
        );
      },
      async finish(_em, note) {
        await responder.drain();
        note(
          `${retries} sends retried after 5xx, 429 or timeouts; ${duplicates} redelivered or repeated keywords claimed nothing new`,
        );
        let sent = 0;
        for (let round = 0; round < 10; round++) {
          const report = await responder.backfill({ olderThan: 0 });
          sent += report.sent;
          if (report.results.length === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        note(`backfill pushed ${sent} rewards left pending or failed (with their retry keys); ${pushes} pushes in all`);
      },
    };
  });

  const watchStarted = Date.now();
  const duringEnd = scenario.switchAfter + Math.ceil(scenario.says.length * 0.1);
  const watch = await runWatchScene({
    createClient: (baseURL) => new options.sdk.messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL }),
    ruleSet,
    before,
    during: scenario.says.slice(scenario.switchAfter, duringEnd),
    after: scenario.says.slice(duringEnd),
    users: scenario.users,
    rewardUrl,
    faults: DEMO_FAULTS,
    seed,
    secret: SECRET,
    token: TOKEN,
    start: START,
    note: (text) => {
      const entry = { run: "watch" as const, seconds: (Date.now() - watchStarted) / 1000, text };
      timeline.push(entry);
      options.onTimeline?.(entry);
    },
  });

  return {
    seed,
    baseline,
    lineResponder,
    watch,
    timeline,
    ok:
      lineResponder.rewardedOnce === lineResponder.sent &&
      lineResponder.rewardedTwiceOrMore === 0 &&
      watch.checksToCatch <= 1 &&
      watch.noticesAppeared === 1 &&
      watch.noticesCleared === 1,
  };
}
