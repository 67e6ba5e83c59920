/**
 * `line-responder grant`: the day after an outage, give a reward by hand to the users who missed
 * it. A dry run by default (who would get what, and what it costs in pushes); `--yes` sends, with
 * one key per user and reward, so a rerun after a stop (the monthly quota) sends only the rest.
 */

import { createRewardDispatcher } from "../rewards/dispatcher.js";
import { createFetchClient } from "../rewards/fetch-client.js";
import type { GrantRequest, GrantResult } from "../rewards/grant.js";
import { createGranter } from "../rewards/grant.js";
import type { RuleSet } from "../rules/schema.js";
import type { Store } from "../stores/store.js";
import { type CliIO, InputError, UsageError } from "./io.js";
import { loadRuleFile } from "./load-rules.js";
import { openStore } from "./open-store.js";
import { table } from "./table.js";

/** The options `grant` reads. */
export interface GrantValues {
  rules?: string;
  store?: string;
  reward?: string;
  user?: string[];
  users?: string;
  reason?: string;
  key?: string;
  yes?: boolean;
  "api-base"?: string;
  json?: boolean;
}

export async function grantCommand(values: GrantValues, io: CliIO): Promise<number> {
  if (values.rules === undefined) throw new UsageError("grant: --rules FILE is required (the bot's rule file)");
  if (values.reward === undefined) throw new UsageError("grant: --reward ID is required");
  const users = await userList(values, io);
  const { ruleSet } = await loadRuleFile(values.rules, io);
  const reward = ruleSet.rewards[values.reward];
  if (!reward) {
    throw new InputError(
      `reward "${values.reward}" is not in ${values.rules} (rewards: ${Object.keys(ruleSet.rewards).join(", ") || "none"})`,
    );
  }
  const token = io.env.LINE_CHANNEL_ACCESS_TOKEN;
  if (values.yes && !token) throw new UsageError("grant --yes needs LINE_CHANNEL_ACCESS_TOKEN in the environment");
  const store = await openStore(values.store, io);
  try {
    const keyPrefix = values.key ?? `grant:${values.reward}`;
    const requests: GrantRequest[] = users.map((userId) => ({
      userId,
      rewardId: values.reward as string,
      reason: values.reason ?? "granted by hand with line-responder grant",
      key: `${keyPrefix}:${userId}`,
    }));
    if (!values.yes) return await dryRun(store, ruleSet, requests, io);
    return await send(store, ruleSet, requests, { token: token as string, apiBase: values["api-base"], io });
  } finally {
    await store.close?.();
  }
}

/** `--user` ids and the lines of `--users FILE` (blank lines and `#` comments skipped), once each. */
async function userList(values: GrantValues, io: CliIO): Promise<string[]> {
  const ids = [...(values.user ?? [])];
  if (values.users !== undefined) {
    let text: string;
    try {
      text = await io.readFile(values.users);
    } catch (error) {
      throw new InputError(`cannot read ${values.users}: ${(error as Error).message}`);
    }
    for (const line of text.split(/\r?\n/)) {
      const id = line.replace(/#.*/, "").trim();
      if (id !== "") ids.push(id);
    }
  }
  if (ids.length === 0) throw new UsageError("grant: give the users with --user ID (repeatable) or --users FILE");
  return [...new Set(ids)];
}

async function dryRun(store: Store, ruleSet: RuleSet, requests: GrantRequest[], io: CliIO): Promise<number> {
  const rewardId = requests[0]?.rewardId as string;
  const reward = ruleSet.rewards[rewardId];
  const cap =
    reward?.limit === "unlimited"
      ? Number.POSITIVE_INFINITY
      : reward?.limit === "once-per-user"
        ? 1
        : (reward?.limit.perUser ?? 1);
  let given = 0;
  for (let after: string | undefined, first = true; first || after; first = false) {
    const page = await store.listClaims({ rewardId, limit: 1000, ...(after ? { after } : {}) });
    given += page.claims.length;
    after = page.next;
  }
  let stockLeft = reward?.stock === undefined ? Number.POSITIVE_INFINITY : reward.stock - given;
  const plan: [string, string][] = [];
  for (const request of requests) {
    const { claims } = await store.listClaims({ rewardId, userId: request.userId, limit: 1000 });
    const mine = claims.find((c) => c.eventId === `grant:${request.key}`);
    if (mine)
      plan.push([
        request.userId,
        mine.status === "sent" ? "already granted by this key (sent)" : `granted before, ${mine.status}: sent again`,
      ]);
    else if (claims.length >= cap) plan.push([request.userId, "refused: already holds the reward"]);
    else if (stockLeft <= 0) plan.push([request.userId, "refused: out of stock"]);
    else {
      plan.push([request.userId, "push"]);
      stockLeft--;
    }
  }
  const pushes = plan.filter(([, what]) => what === "push" || what.endsWith("sent again")).length;
  io.stdout(`dry run: nothing is sent (add --yes to send)\n\n`);
  io.stdout(table(["user", "would"], plan));
  io.stdout(
    `\nreward ${rewardId}: ${pushes} push${pushes === 1 ? "" : "es"} (${pushes} message${pushes === 1 ? "" : "s"} of the monthly quota)\n`,
  );
  return 0;
}

async function send(
  store: Store,
  ruleSet: RuleSet,
  requests: GrantRequest[],
  options: { token: string; apiBase: string | undefined; io: CliIO },
): Promise<number> {
  const { io } = options;
  const client = createFetchClient({
    channelAccessToken: options.token,
    ...(options.apiBase ? { baseURL: options.apiBase } : {}),
  });
  const dispatcher = createRewardDispatcher({
    store,
    client,
    rewards: ruleSet.rewards,
    delivery: {},
    hooks: {},
    onError: (error) => io.stderr(`line-responder: ${(error as Error).message}\n`),
  });
  const granter = createGranter({ store, dispatcher, rewards: ruleSet.rewards });
  const step = Math.max(1, Math.ceil(requests.length / 10));
  const report = await granter.grantMany(requests, {
    onProgress: (done, total) => {
      if (total >= 20 && (done % step === 0 || done === total)) {
        const filled = Math.round((done / total) * 20);
        io.stderr(`[${"#".repeat(filled)}${"-".repeat(20 - filled)}] ${done}/${total}\n`);
      }
    },
  });
  io.stdout(
    table(
      ["user", "result"],
      report.results.map((r) => [r.userId, describe(r)]),
    ),
  );
  io.stdout(
    `\n${table(
      ["sent", "pending", "failed", "blocked by quota", "refused"],
      [[report.sent, report.pending, report.failed, report.blockedQuota, report.refused].map(String)],
    )}`,
  );
  if (report.blockedQuota > 0 || report.pending > 0) {
    io.stderr(
      `line-responder: the monthly message quota ran out; ${report.blockedQuota + report.pending} not sent yet. Run the same command again once the quota is back: the same keys send only the rest\n`,
    );
  }
  return report.sent === report.results.length ? 0 : 1;
}

function describe(result: GrantResult): string {
  if (result.status === "refused") return `refused: ${result.message}`;
  const again = result.repeated ? " (granted before by this key)" : "";
  return `${result.status}${again}${result.detail ? `: ${result.detail}` : ""}`;
}
