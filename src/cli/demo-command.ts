import { fileURLToPath } from "node:url";
import { type DemoReport, type DemoSdk, DemoSetupError, runDemo, type TimelineEntry } from "../demo/run-demo.js";
import { type CliIO, InputError, UsageError } from "./io.js";
import { loadRuleFile } from "./load-rules.js";

/** The campaign the demo runs unless `--rules` names another, shipped with the package. */
const CAMPAIGN = new URL("../../examples/campaign.yaml", import.meta.url);

function count(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${name} must be a whole number above 0, not ${JSON.stringify(value)}`);
  return n;
}

const RUN_TITLES: Record<TimelineEntry["run"], string> = {
  baseline: "baseline: @line/bot-sdk, exact match, reply only",
  "line-responder": "line-responder: guard, drift monitor, rewards",
  watch: "watch: the same switch made in OA Manager, behind the library's back",
};

/** `line-responder demo`: exit 0 only when line-responder rewarded every user exactly once. */
export async function demoCommand(
  values: { json?: boolean; seed?: string; users?: string; rules?: string },
  io: CliIO,
): Promise<number> {
  const seed = count(values.seed, "seed", 20190805);
  const users = count(values.users, "users", 200);
  let sdk: DemoSdk;
  try {
    sdk = (await import("@line/bot-sdk")) as unknown as DemoSdk;
  } catch {
    throw new InputError("the demo needs @line/bot-sdk for its baseline bot: npm install @line/bot-sdk");
  }
  const { ruleSet } = await loadRuleFile(values.rules ?? fileURLToPath(CAMPAIGN), io);
  const json = values.json ?? false;
  if (!json)
    io.stdout(
      `line-responder demo (seed ${seed}): the seed incident's campaign day, twice, against a local LINE emulator\n`,
    );
  let lastRun = "";
  const report = await runDemo({
    sdk,
    ruleSet,
    seed,
    users,
    onTimeline: json
      ? undefined
      : (entry: TimelineEntry) => {
          if (entry.run !== lastRun) {
            io.stdout(`\n${RUN_TITLES[entry.run]}\n`);
            lastRun = entry.run;
          }
          // No elapsed seconds here: they change from run to run, and a run with one seed must
          // print the same text every time (--json keeps them).
          io.stdout(`  - ${entry.text}\n`);
        },
  }).catch((error: unknown) => {
    if (error instanceof DemoSetupError)
      throw new InputError(`${values.rules ?? "the demo's campaign"}: ${error.message}`);
    throw error;
  });
  if (json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout(`\n${table(report)}\n${verdict(report)}\n`);
  return report.ok ? 0 : 1;
}

function table(report: DemoReport): string {
  const rows: [string, keyof DemoReport["baseline"]][] = [
    ["users who sent the keyword", "sent"],
    ["rewarded once", "rewardedOnce"],
    ["rewarded twice or more", "rewardedTwiceOrMore"],
    ["never rewarded", "neverRewarded"],
    ["pushes used", "pushesUsed"],
  ];
  const lines = [`${"".padEnd(28)}${"baseline".padStart(10)}${"line-responder".padStart(16)}`];
  for (const [label, key] of rows) {
    lines.push(
      `${label.padEnd(28)}${String(report.baseline[key]).padStart(10)}${String(report.lineResponder[key]).padStart(16)}`,
    );
  }
  return lines.join("\n");
}

function verdict(report: DemoReport): string {
  const { lineResponder: lr, watch } = report;
  const rewards =
    lr.rewardedOnce === lr.sent && lr.rewardedTwiceOrMore === 0
      ? `\nline-responder rewarded all ${lr.sent} users exactly once.`
      : `\nline-responder missed: ${lr.neverRewarded} never rewarded, ${lr.rewardedTwiceOrMore} rewarded twice or more.`;
  const caught =
    watch.checksToCatch <= 1
      ? `the watch caught the switch behind its back at its next check (every ${watch.intervalMs / 1000}s here, 5m in production)`
      : `the watch needed ${watch.checksToCatch} checks to catch the switch behind its back`;
  return `${rewards}\n${caught}; ${watch.lostWhileSilent} users who wrote only during the silence need a broadcast.`;
}
