/**
 * The demo's third act: nobody asks the guard. An operator switches Bot -> Chat -> Bot in OA
 * Manager (the emulator's operator control), behind the library's back; the watch notices at its
 * next check, the operator applies the repairs it names, and backfill delivers what the webhook
 * did receive. Messages sent while the webhook was off never reached the bot: the scene counts
 * them instead of pretending to recover them.
 */
import { createServer } from "node:http";
import { createNodeHandler } from "../adapters/node.js";
import type { LegacyState } from "../guards/state.js";
import { type WatchNotice, watchAccount } from "../guards/watch.js";
import { createResponder } from "../responder.js";
import type { RuleSet } from "../rules/schema.js";
import { createMemoryStore } from "../stores/memory.js";
import { startEmulator } from "../testing/emulator/emulator.js";
import type { Fault } from "../testing/emulator/faults.js";
import { listenLocally } from "./baseline-bot.js";
import type { Say } from "./scenario.js";

/** What the watch scene found. */
export interface WatchSceneReport {
  /** The watch's interval (ms). */
  intervalMs: number;
  /** Checks that ran after the switch until the watch reported it: 1 means the next check caught it. */
  checksToCatch: number;
  /** Messages sent while the account was silent (they reached neither the webhook nor an auto-response). */
  silentMessages: number;
  /** Users rewarded exactly once by the end. */
  rewardedOnce: number;
  /** Rewards backfill delivered (sends that failed live, for events the webhook did receive). */
  recoveredByBackfill: number;
  /** Users whose every keyword fell in the silence: no event, so nothing to backfill. */
  lostWhileSilent: number;
  /** The watch reported the silence once and its end once. */
  noticesAppeared: number;
  noticesCleared: number;
}

/** Options of {@link runWatchScene}. */
export interface WatchSceneOptions {
  /** The SDK's client class, pointed at the emulator (sends and the watch's reads). */
  createClient: (baseURL: string) => unknown;
  ruleSet: RuleSet;
  /** Messages before the switch, during the silence, and after the repair. */
  before: readonly Say[];
  during: readonly Say[];
  after: readonly Say[];
  users: readonly string[];
  rewardUrl: string;
  faults: readonly Fault[];
  seed: number;
  secret: string;
  token: string;
  start: LegacyState;
  note: (text: string) => void;
  /** Default 1,000 ms: the demo's stand-in for `--interval 5m`. */
  intervalMs?: number;
}

/** Runs the scene against its own emulator. */
export async function runWatchScene(options: WatchSceneOptions): Promise<WatchSceneReport> {
  const { note, intervalMs = 1000 } = options;
  const emulator = await startEmulator<"legacy">({
    channelSecret: options.secret,
    channelAccessToken: options.token,
    profile: "legacy",
    settings: { ...options.start },
    redelivery: true,
    faults: options.faults,
    seed: options.seed,
  });
  const client = options.createClient(emulator.url) as never;
  const responder = createResponder({
    channelSecret: options.secret,
    rules: options.ruleSet,
    client,
    store: createMemoryStore(),
    delivery: { requestTimeoutMs: 3000, retry: { baseDelayMs: 100, maxDelayMs: 2000 } },
    onError: () => {},
  });
  const server = createServer(createNodeHandler(responder));
  emulator.webhookUrl = await listenLocally(server, "/webhook");
  const notices: WatchNotice[] = [];
  let heard: (notice: WatchNotice) => void = () => {};
  const watch = watchAccount({
    client,
    profile: "legacy",
    declared: options.start,
    rules: options.ruleSet,
    intervalMs,
    jitter: 0,
    onFinding: (notice) => {
      notices.push(notice);
      heard(notice);
    },
  });
  const next = () => new Promise<WatchNotice>((resolve) => (heard = resolve));
  const say = async (list: readonly Say[]) => {
    for (const { user, text } of list) await emulator.userSays(user, text);
  };

  try {
    await watch.idle();
    note(`watch: checking the account every ${intervalMs / 1000}s (the demo's stand-in for --interval 5m)`);
    await say(options.before);
    const appeared = next();
    emulator.operator({ type: "SWITCH_MODE", mode: "chat" });
    emulator.operator({ type: "SWITCH_MODE", mode: "bot" });
    const checksAtSwitch = watch.checks;
    note("operator switches Bot -> Chat -> Bot in OA Manager, without asking the guard");
    const unansweredBefore = emulator.unanswered.length;
    await say(options.during);
    const alert = await appeared;
    const checksToCatch = watch.checks - checksAtSwitch;
    note(
      `watch: ${alert.finding.severity.toUpperCase()} at check ${checksToCatch} after the switch: ${alert.finding.message}`,
    );
    const cleared = next();
    for (const repair of alert.finding.repairs) emulator.operator(repair.event as never);
    note(`operator applies the repairs: ${alert.finding.repairs.map((r) => r.action).join(", ")}`);
    note(`watch: cleared (${(await cleared).finding.code})`);
    const silentMessages = emulator.unanswered.length - unansweredBefore;
    await say(options.after);
    await responder.drain();
    let recoveredByBackfill = 0;
    for (let round = 0; round < 10; round++) {
      const report = await responder.backfill({ olderThan: 0 });
      recoveredByBackfill += report.sent;
      if (report.results.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const rewarded = options.users.map(
      (user) =>
        emulator
          .inbox(user)
          .filter((entry) =>
            entry.messages.some((m) => (m as { originalContentUrl?: string }).originalContentUrl === options.rewardUrl),
          ).length,
    );
    const silentUsers = new Set(options.during.map((s) => s.user));
    const reachedWebhook = new Set([...options.before, ...options.after].map((s) => s.user));
    const lostWhileSilent = [...silentUsers].filter((user) => !reachedWebhook.has(user)).length;
    note(
      `backfill delivered ${recoveredByBackfill} rewards whose live sends ran out of retries; ${silentMessages} messages sent during the silence never reached the bot, so ${lostWhileSilent} users who sent only then have nothing to backfill (reach them with a broadcast)`,
    );
    return {
      intervalMs,
      checksToCatch,
      silentMessages,
      rewardedOnce: rewarded.filter((n) => n === 1).length,
      recoveredByBackfill,
      lostWhileSilent,
      noticesAppeared: notices.filter((n) => n.status === "appeared").length,
      noticesCleared: notices.filter((n) => n.status === "cleared").length,
    };
  } finally {
    await watch.stop();
    await new Promise((resolve) => server.close(resolve));
    await emulator.close();
  }
}
