import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { DemoReport } from "../../src/demo/run-demo.js";
import { runCli } from "../helpers/cli.js";

describe("line-responder demo", () => {
  it("replays the seed incident's day: the baseline loses rewards, line-responder rewards all 200 users once", async () => {
    const { code, stdout } = await runCli(["demo", "--json"]);
    const report = JSON.parse(stdout) as DemoReport;
    expect(code).toBe(0);
    expect(report.lineResponder).toMatchObject({
      sent: 200,
      rewardedOnce: 200,
      rewardedTwiceOrMore: 0,
      neverRewarded: 0,
    });
    // The switch behind the library's back: caught at the watch's next check, reported once and
    // cleared once; every user whose keyword reached the webhook is rewarded once (backfill
    // included), and only users who wrote during the silence alone are lost.
    expect(report.watch).toMatchObject({ noticesAppeared: 1, noticesCleared: 1 });
    expect(report.watch.checksToCatch).toBeLessThanOrEqual(1);
    expect(report.watch.silentMessages).toBeGreaterThan(0);
    expect(report.watch.rewardedOnce).toBe(200 - report.watch.lostWhileSilent);
    expect(report.baseline.sent).toBe(200);
    expect(report.baseline.neverRewarded).toBeGreaterThan(100);
    const texts = report.timeline.map((entry) => `${entry.run}: ${entry.text}`);
    expect(texts).toContainEqual(expect.stringMatching(/^baseline: operator switches Bot -> Chat -> Bot/));
    expect(texts).toContainEqual(
      expect.stringMatching(
        /^line-responder: operator asks to switch Bot -> Chat: refused \(CAMPAIGN_WOULD_GO_SILENT\)/,
      ),
    );
    expect(texts).toContainEqual(expect.stringMatching(/^watch: watch: CRITICAL at check [01] after the switch/));
    expect(texts).toContainEqual(
      expect.stringMatching(/^watch: backfill delivered \d+ rewards whose live sends ran out of retries/),
    );
  }, 60_000);

  it("the same seed prints the same text, failed replies and retries included, even with two runs at once", async () => {
    const runs = await Promise.all([runCli(["demo", "--users", "120"]), runCli(["demo", "--users", "120"])]);
    // The guard's refusal names the moment of the switch, which is the real clock's.
    const [a, b] = runs.map((r) => r.stdout.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d/g, "<time>"));
    expect(a).toMatch(/\d+ repl(y|ies) failed/);
    expect(a).toMatch(/\d+ sends retried/);
    expect(a).toBe(b);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
  }, 120_000);

  it("--rules FILE: users type that file's keywords, in the spellings its folds read as them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "line-responder-demo-"));
    try {
      const rules = join(dir, "cake.yaml");
      writeFileSync(
        rules,
        `version: 1
rewards:
  cake: { messages: [{ type: image, originalContentUrl: "https://example.com/cake.png", previewImageUrl: "https://example.com/cake-s.png" }] }
rules:
  - { id: cake, keywords: [ケーキ, cake], reward: cake, window: { from: "2026-01-01", until: "2026-01-08" } }
`,
      );
      const { code, stdout } = await runCli(["demo", "--json", "--users", "30", "--rules", rules]);
      const report = JSON.parse(stdout) as DemoReport;
      expect(report.lineResponder).toMatchObject({ sent: 30, rewardedOnce: 30, neverRewarded: 0 });
      expect(code).toBe(0);
      const texts = report.timeline.map((entry) => entry.text).join("\n");
      expect(texts).toContain('campaign "cake" live');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("--rules FILE without a reward rule: one line, exit 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "line-responder-demo-"));
    try {
      const rules = join(dir, "reply-only.yaml");
      writeFileSync(rules, "version: 1\nrules:\n  - { id: a, keywords: [x], reply: [{type: text, text: hi}] }\n");
      expect(await runCli(["demo", "--rules", rules])).toMatchObject({
        code: 1,
        stderr: `line-responder: ${rules}: the demo needs a rule with a reward and keywords (not regex)\n`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("prints the timeline and the table for people", async () => {
    const { code, stdout } = await runCli(["demo", "--users", "30", "--seed", "7"]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/users who sent the keyword\s+30\s+30/);
    expect(stdout).toMatch(/line-responder rewarded all 30 users exactly once\./);
  }, 60_000);

  it("refuses a bad --seed in one line, exit 2", async () => {
    const { code, stderr } = await runCli(["demo", "--seed", "soon"]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'line-responder: --seed must be a whole number above 0, not "soon"; usage: line-responder demo [--seed N] [--users N] [--rules FILE] [--json]\n',
    );
  });
});

describe("line-responder emulator", () => {
  it("serves the Messaging API until stopped, printing each request", async () => {
    let stop: () => void = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    let ready: (url: string) => void = () => {};
    const url = new Promise<string>((resolve) => {
      ready = resolve;
    });
    const running = runCli(
      ["emulator", "--port", "0", "--profile", "legacy"],
      {},
      {
        untilStopped: () => stopped,
        onStdout: (text) => {
          const found = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(text);
          if (found) ready(found[1] as string);
        },
      },
    );
    const base = await url;
    const res = await fetch(`${base}/v2/bot/info`, {
      headers: { authorization: "Bearer emulator-channel-access-token" },
    });
    expect(await res.json()).toMatchObject({ chatMode: "bot" });
    const said = await fetch(`${base}/emulator/users/U1/messages`, { method: "POST", body: '{"text":"hi"}' });
    expect(await said.json()).toMatchObject({ webhook: "off", deliveries: 0 });
    stop();
    const { code, stdout } = await running;
    expect(code).toBe(0);
    expect(stdout).toContain("channel secret:       emulator-channel-secret");
    expect(stdout).toMatch(/GET \/v2\/bot\/info -> 200/);
    expect(stdout).toContain(`a user says:          curl -X POST ${base}/emulator/users/U1/messages`);
  });

  it("a port that cannot be used is one line, exit 2", async () => {
    const { code, stderr } = await runCli(["emulator", "--port", "70000"]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      'line-responder: --port must be a port number (0-65535), not "70000"; usage: line-responder emulator [--port N] [--profile current|legacy] [--webhook URL] [--rules FILE] [--quota N] [--redelivery]\n',
    );
  });
});

describe("line-responder emulator --webhook", () => {
  it.each(["notaurl", "ftp://example.com/hook", "127.0.0.1:3000/webhook"])(
    "refuses %j: one line, exit 2",
    async (url) => {
      const { code, stdout, stderr } = await runCli(["emulator", "--port", "0", "--webhook", url]);
      expect({ code, stdout }).toEqual({ code: 2, stdout: "" });
      expect(stderr).toBe(
        `line-responder: --webhook must be an http or https URL (http://127.0.0.1:3000/webhook), not ${JSON.stringify(url)}; usage: line-responder emulator [--port N] [--profile current|legacy] [--webhook URL] [--rules FILE] [--quota N] [--redelivery]\n`,
      );
    },
  );
});
