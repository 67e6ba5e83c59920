/**
 * `watchAccount`: `checkAccount` on a timer, so silence is noticed within one interval instead of
 * when a friend mentions it. It reports each finding once when it appears and once when it clears
 * (never again in between, so no alert storm), waits a little more or less each time (jitter, so
 * many bots do not poll LINE in step) and longer after API errors (backoff).
 */
import { type AccountCheck, type CheckAccountOptions, checkAccount } from "./drift.js";
import type { Finding } from "./findings.js";
import type { Profile } from "./state.js";

/** A finding that appeared or cleared. */
export interface WatchNotice<P extends Profile = Profile> {
  status: "appeared" | "cleared";
  finding: Finding<P>;
  /** When the check that noticed it ran (epoch ms). */
  at: number;
}

/** Options of {@link watchAccount}: those of `checkAccount` (but `at`, which is each check's now), and the timer's. */
export interface WatchAccountOptions<P extends Profile = "current"> extends Omit<CheckAccountOptions<P>, "at"> {
  /** Time between checks (ms). The first check runs at once. */
  intervalMs: number;
  /** Called once when a finding appears and once when it clears; awaited, one at a time. */
  onFinding: (notice: WatchNotice<P>) => void | Promise<void>;
  /**
   * Lowest severity reported; default `critical` (a live rule unanswered, or the account
   * unreadable). `warning` also reports drift that silences nothing, such as staff turning chat on.
   */
  minSeverity?: "critical" | "warning";
  /** Each wait varies by up to this share of it, either way; default 0.1 (5 min becomes 4.5 to 5.5). */
  jitter?: number;
  /** Longest wait after consecutive API errors, which double the wait each time; default 4 × `intervalMs`. */
  maxBackoffMs?: number;
  /** Called with what `onFinding` throws (the watch goes on); default `console.error`. */
  onError?: (error: unknown) => void;
  /** A number in [0, 1) for the jitter; default `Math.random` (tests pass a fixed one). */
  random?: () => number;
}

/** A running watch. */
export interface AccountWatch<P extends Profile = Profile> {
  /** Findings reported as appeared and not yet cleared. */
  readonly open: readonly Finding<P>[];
  /** Checks run so far. */
  readonly checks: number;
  /** The last successful check's report. */
  readonly lastCheck: AccountCheck<P> | undefined;
  /** Resolves when no check is running (the one in progress and its notices are done). */
  idle(): Promise<void>;
  /** Stops the timer; resolves once a check in progress has finished. */
  stop(): Promise<void>;
}

const UNREADABLE_KEY = "ACCOUNT_UNREADABLE";

/**
 * Checks the account every `intervalMs` and reports what changed.
 *
 * @example
 * ```ts
 * const watch = watchAccount({
 *   client, // the SDK's MessagingApiClient
 *   rules: ruleSet,
 *   declared: { chat: false, webhook: true, autoResponse: true, greeting: true },
 *   intervalMs: 5 * 60_000,
 *   onFinding: ({ status, finding }) => alert(`${status}: ${finding.message}`),
 * });
 * process.on("SIGTERM", () => void watch.stop());
 * ```
 */
export function watchAccount<P extends Profile = "current">(options: WatchAccountOptions<P>): AccountWatch<P> {
  const { intervalMs, onFinding, minSeverity = "critical", jitter = 0.1, random = Math.random } = options;
  if (!(Number.isFinite(intervalMs) && intervalMs > 0)) {
    throw new RangeError(`watchAccount: intervalMs must be a positive number of milliseconds, not ${intervalMs}`);
  }
  if (!(jitter >= 0 && jitter < 1)) throw new RangeError(`watchAccount: jitter must be in [0, 1), not ${jitter}`);
  if (options.probe && !options.client.testWebhookEndpoint) {
    throw new TypeError(
      "watchAccount({ probe: true }) needs a client with testWebhookEndpoint (the SDK's MessagingApiClient has it)",
    );
  }
  const maxBackoffMs = options.maxBackoffMs ?? 4 * intervalMs;
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const open = new Map<string, Finding<P>>();
  let failures = 0;
  let checks = 0;
  let lastCheck: AccountCheck<P> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const notify = async (notice: WatchNotice<P>) => {
    try {
      await onFinding(notice);
    } catch (error) {
      onError(error);
    }
  };

  /** Reports what appeared and cleared between the open findings and `now` (keys the check could judge). */
  const reconcile = async (current: Finding<P>[], judged: (key: string) => boolean, at: number) => {
    const seen = new Set(current.map((f) => f.key));
    for (const [key, finding] of [...open]) {
      if (seen.has(key) || !judged(key)) continue;
      open.delete(key);
      await notify({ status: "cleared", finding, at });
    }
    for (const finding of current) {
      if (open.has(finding.key)) {
        open.set(finding.key, finding); // the newest wording (times move on), reported already
        continue;
      }
      open.set(finding.key, finding);
      await notify({ status: "appeared", finding, at });
    }
  };

  const check = async () => {
    const at = Date.now();
    checks++;
    try {
      const report = await checkAccount<P>({ ...options, at });
      lastCheck = report;
      failures = 0;
      const reported = report.findings.filter((f) => minSeverity === "warning" || f.severity === "critical");
      await reconcile(reported, () => true, at);
    } catch (error) {
      failures++;
      // Only the unreadable finding is judged: whether the others still hold is unknown.
      const unreadable: Finding<P> = {
        severity: "critical",
        code: "ACCOUNT_UNREADABLE",
        key: UNREADABLE_KEY,
        message: `cannot read the account, so nobody knows whether live rules are answered: ${(error as Error)?.message ?? String(error)}`,
        silenced: [],
        repairs: [],
      };
      await reconcile([...open.values(), unreadable], (key) => key === UNREADABLE_KEY, at);
    }
  };

  const nextDelay = () => {
    const base = failures === 0 ? intervalMs : Math.min(intervalMs * 2 ** failures, maxBackoffMs);
    return Math.max(0, base * (1 + jitter * (2 * random() - 1)));
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = check().then(schedule);
    }, nextDelay());
  };

  running = check().then(schedule);

  return {
    get open() {
      return [...open.values()];
    },
    get checks() {
      return checks;
    },
    get lastCheck() {
      return lastCheck;
    },
    idle: () => running,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
