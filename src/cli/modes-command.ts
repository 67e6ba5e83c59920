/**
 * `line-responder modes simulate | diagram | check`: the response-mode machine from the shell.
 */
import { type Campaign, campaignsFromRules } from "../guards/campaigns.js";
import type { Capabilities } from "../guards/capabilities.js";
import { diagram } from "../guards/diagram.js";
import { checkAccount } from "../guards/drift.js";
import type { Effect } from "../guards/effects.js";
import type { Finding } from "../guards/findings.js";
import { createModeMachine, type Repair } from "../guards/machine.js";
import { parseState } from "../guards/parse-state.js";
import { type CurrentState, describeSwitches, type LegacyState, onOff, type Profile } from "../guards/state.js";
import { type WatchAccountOptions, watchAccount } from "../guards/watch.js";
import { fetchAccountClient } from "./account-client.js";
import { parseInterval } from "./interval.js";
import { type CliIO, UsageError } from "./io.js";
import { loadRuleFile } from "./load-rules.js";
import { postNotice } from "./notify.js";
import { parseAtOption, parseProfileOption } from "./options.js";
import { parseStep } from "./steps.js";

export interface ModesFlags {
  json: boolean;
  at?: string;
  profile?: string;
  from?: string;
  rules?: string;
  strict: boolean;
  format?: string;
  declared?: string;
  "api-base"?: string;
  /** `modes check`: also run LINE's webhook test against the bot's URL. */
  probe?: boolean;
  /** `modes check`: keep checking every `--interval` until stopped. */
  watch?: boolean;
  /** `modes check --watch`: `30s`, `5m` (default), `1h`. */
  interval?: string;
  /** `modes check --watch`: POST each finding as JSON (Slack-compatible `text`) to this URL. */
  notify?: string;
}

/**
 * The options `modes check` takes besides the shared ones, in `parseArgs` form: the CLI's option
 * table spreads them in and lists them for `modes check`.
 */
export const CHECK_OPTIONS = {
  probe: { type: "boolean", default: false },
  watch: { type: "boolean", default: false },
  interval: { type: "string" },
  notify: { type: "string" },
} as const;

async function campaignsAndTime(
  flags: ModesFlags,
  io: CliIO,
): Promise<{ campaigns: Campaign[]; at: number; timeZone: string }> {
  if (flags.rules === undefined) {
    return { campaigns: [], at: parseAtOption(flags.at, "Asia/Tokyo") ?? Date.now(), timeZone: "Asia/Tokyo" };
  }
  const { ruleSet } = await loadRuleFile(flags.rules, io);
  return {
    campaigns: campaignsFromRules(ruleSet),
    at: parseAtOption(flags.at, ruleSet.timezone) ?? Date.now(),
    timeZone: ruleSet.timezone,
  };
}

function describeState(state: CurrentState | LegacyState): string {
  if ("mode" in state) return describeSwitches(state);
  const method = state.responseMethod
    ? `, method inside ${state.responseMethod.inside} / outside ${state.responseMethod.outside}`
    : "";
  const hours = state.responseHours ? ", response hours set" : "";
  return `${describeSwitches(state)}${hours}${method}`;
}

function describeCapabilities(c: Capabilities): string {
  const yes = (b: boolean) => (b ? "yes" : "NO");
  return `webhook ${yes(c.webhookDelivered)}, auto-response ${yes(c.nativeKeywordReplies)}, manual chat ${yes(c.manualChat)}, greeting ${yes(c.greetingOnFollow)}, mark as read ${c.markAsRead}`;
}

function describeEffect(effect: Effect): string {
  return effect.kind === "side-effect"
    ? `side effect: ${effect.field} ${String(effect.from)} -> ${String(effect.to)} (${effect.reason})`
    : `drift: ${effect.message}`;
}

/**
 * `modes simulate`: runs each step from the state the previous one left; a refused step changes
 * nothing. Exit 1 when a step was refused, so a planned change can be checked in a script or CI.
 */
export async function simulateCommand(steps: readonly string[], flags: ModesFlags, io: CliIO): Promise<number> {
  const profile = parseProfileOption(flags.profile);
  if (flags.from === undefined) throw new UsageError("modes simulate: --from '<state json>' is required");
  let state = parseState(profile, flags.from);
  if (steps.length === 0) throw new UsageError("modes simulate: give at least one step, e.g. SWITCH_MODE:chat");
  const events = steps.map((step) => parseStep(step));
  // Strict guards the rules of --rules; without them it would silently guard nothing.
  if (flags.strict && flags.rules === undefined) {
    throw new UsageError("modes simulate: --strict needs --rules FILE (the rules it keeps answered)");
  }
  const { campaigns, at, timeZone } = await campaignsAndTime(flags, io);
  const machine = createModeMachine({ profile, campaigns, strict: flags.strict, timeZone });
  let refusals = 0;

  steps.forEach((step, i) => {
    const result = machine.transition(state, events[i], { at });
    if (!result.ok) refusals++;
    let effects: Effect[] = [];
    let findings: Finding[] = [];
    if (result.ok) {
      state = result.state;
      effects = result.effects;
      findings = result.findings;
    }
    // For a refusal: what the step would have made necessary; otherwise what the new state needs.
    const repairs: Repair[] = result.repairs;
    const capabilities = machine.capabilities(state, at);
    if (flags.json) {
      const line = result.ok
        ? { step, ok: true, state, effects, findings, repairs, capabilities }
        : {
            step,
            ok: false,
            code: result.code,
            message: result.message,
            silenced: result.silenced,
            state,
            repairs,
            capabilities,
          };
      io.stdout(`${JSON.stringify(line)}\n`);
      return;
    }
    const lines = [`${i + 1}. ${step}: ${result.ok ? "ok" : `refused, ${result.code}: ${result.message}`}`];
    lines.push(`   state: ${describeState(state)}`);
    for (const effect of effects) lines.push(`   ${describeEffect(effect)}`);
    for (const finding of findings.filter((f) => f.severity === "critical")) {
      lines.push(`   critical: ${finding.message}`);
    }
    if (result.ok) for (const repair of repairs) lines.push(`   repair: ${repair.action}`);
    lines.push(`   can: ${describeCapabilities(capabilities)}`);
    io.stdout(`${lines.join("\n")}\n`);
  });
  return refusals > 0 ? 1 : 0;
}

/** `modes diagram`: the machine drawn from its table. */
export function diagramCommand(flags: ModesFlags, io: CliIO): number {
  const profile = parseProfileOption(flags.profile);
  const format = flags.format ?? "mermaid";
  if (format !== "mermaid" && format !== "dot")
    throw new UsageError(`--format must be mermaid or dot, not "${format}"`);
  io.stdout(diagram(profile, { format }));
  return 0;
}

/**
 * `modes check`: compares the declared settings with the real account. Exit 0 when every live
 * rule is answered, 1 when one would not be, 3 when the account cannot be read. With `--watch`,
 * checks every `--interval` until stopped and prints (and `--notify` posts) each finding once when
 * it appears and once when it clears.
 */
export async function checkCommand(flags: ModesFlags, io: CliIO): Promise<number> {
  const profile = parseProfileOption(flags.profile, "current");
  if (flags.rules === undefined) throw new UsageError("modes check: --rules FILE is required");
  if (flags.declared === undefined) throw new UsageError("modes check: --declared '<state json>' is required");
  const declared = parseState(profile, flags.declared);
  if (!flags.watch) {
    if (flags.interval !== undefined) throw new UsageError("modes check: --interval needs --watch");
    if (flags.notify !== undefined) {
      throw new UsageError("modes check: --notify needs --watch (a single check reports through its exit code)");
    }
  } else if (flags.at !== undefined) {
    throw new UsageError("modes check: --at cannot be used with --watch (each check runs at its own time)");
  }
  const intervalMs = parseInterval(flags.interval ?? "5m");
  if (flags.notify !== undefined && !/^https?:\/\/./.test(flags.notify)) {
    throw new UsageError(`--notify must be an http(s) URL, not ${JSON.stringify(flags.notify)}`);
  }
  const token = io.env.LINE_CHANNEL_ACCESS_TOKEN;
  if (!token) throw new UsageError("modes check: set LINE_CHANNEL_ACCESS_TOKEN to the channel access token");
  const baseURL = flags["api-base"] ?? "https://api.line.me";
  try {
    new URL(baseURL);
  } catch {
    throw new UsageError(`--api-base must be a URL, not "${baseURL}"`);
  }
  const { campaigns, at, timeZone } = await campaignsAndTime(flags, io);
  const client = fetchAccountClient(baseURL, token);
  const options = { client, profile, declared, campaigns, timeZone, probe: flags.probe === true };
  if (flags.watch) return watchCommand({ ...options, intervalMs, notify: flags.notify }, flags.json, io);

  const report = await checkAccount({ ...options, at });
  if (flags.json) {
    io.stdout(`${JSON.stringify(report)}\n`);
  } else {
    const test = report.observed.test ? `, webhook test HTTP ${report.observed.test.statusCode}` : "";
    const url = report.observed.endpoint === undefined ? ", no webhook URL" : "";
    io.stdout(
      `${report.ok ? "ok" : "PROBLEM"}: ${campaigns.length} rule(s) guarded; the account shows chatMode ${report.observed.chatMode}, Webhook ${onOff(report.observed.webhookActive)}${url}${test}\n`,
    );
    for (const finding of report.findings) io.stdout(`  ${finding.severity.padEnd(8)} ${finding.message}\n`);
    for (const repair of report.repairs) io.stdout(`  repair   ${repair.action}\n`);
  }
  return report.ok ? 0 : 1;
}

async function watchCommand(
  options: Omit<WatchAccountOptions<Profile>, "onFinding" | "intervalMs"> & { intervalMs: number; notify?: string },
  json: boolean,
  io: CliIO,
): Promise<number> {
  if (!io.untilStopped) throw new UsageError("modes check --watch runs until stopped, which this caller cannot do");
  const { notify, ...watchOptions } = options;
  const watch = watchAccount({
    ...watchOptions,
    onFinding: async (notice) => {
      const { status, finding, at } = notice;
      io.stdout(
        json
          ? `${JSON.stringify({ status, at: new Date(at).toISOString(), finding })}\n`
          : `${new Date(at).toISOString()} ${status.padEnd(8)} ${finding.severity.padEnd(8)} ${finding.message}\n`,
      );
      if (notify === undefined) return;
      try {
        await postNotice(notify, notice);
      } catch (error) {
        io.stderr(`line-responder: --notify ${notify} failed: ${(error as Error).message}\n`);
      }
    },
    onError: (error) => io.stderr(`line-responder: ${(error as Error).message}\n`),
  });
  if (!json) {
    io.stderr(
      `line-responder: watching the account every ${options.intervalMs / 1000}s (${(options.campaigns ?? []).length} rule(s) guarded); Ctrl-C stops\n`,
    );
  }
  await io.untilStopped();
  await watch.stop();
  const open = watch.open;
  if (open.some((f) => f.code === "ACCOUNT_UNREADABLE")) return 3;
  return open.some((f) => f.severity === "critical") ? 1 : 0;
}
