import { startEmulator } from "../testing/emulator/emulator.js";
import { type CliIO, UsageError } from "./io.js";
import { loadRuleFile } from "./load-rules.js";
import { parseProfileOption } from "./options.js";

const DEFAULT_SECRET = "emulator-channel-secret";
const DEFAULT_TOKEN = "emulator-channel-access-token";

/** `line-responder emulator`: the emulator standing alone, for any bot; runs until stopped. */
export async function emulatorCommand(
  values: { port?: string; profile?: string; webhook?: string; rules?: string; quota?: string; redelivery?: boolean },
  io: CliIO,
): Promise<number> {
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number (0-65535), not ${JSON.stringify(values.port)}`);
  }
  const profile = parseProfileOption(values.profile, "current");
  const quota = values.quota === undefined ? undefined : Number(values.quota);
  if (quota !== undefined && !(Number.isInteger(quota) && quota >= 0)) {
    throw new UsageError(`--quota must be a whole number, not ${JSON.stringify(values.quota)}`);
  }
  if (values.webhook !== undefined && !isHttpUrl(values.webhook)) {
    throw new UsageError(
      `--webhook must be an http or https URL (http://127.0.0.1:3000/webhook), not ${JSON.stringify(values.webhook)}`,
    );
  }
  const nativeRules = values.rules === undefined ? undefined : (await loadRuleFile(values.rules, io)).ruleSet;
  const channelSecret = io.env.LINE_CHANNEL_SECRET || DEFAULT_SECRET;
  const channelAccessToken = io.env.LINE_CHANNEL_ACCESS_TOKEN || DEFAULT_TOKEN;
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({
      port,
      profile,
      channelSecret,
      channelAccessToken,
      ...(values.webhook ? { webhookUrl: values.webhook } : {}),
      ...(nativeRules ? { nativeRules } : {}),
      ...(quota === undefined ? {} : { quota }),
      redelivery: values.redelivery ?? false,
      log: (line) => io.stdout(`${new Date().toISOString()}  ${line}\n`),
    } as Parameters<typeof startEmulator>[0]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(code === "EADDRINUSE" ? `port ${port} is in use (try --port 0)` : (error as Error).message);
  }
  io.stdout(
    [
      `LINE emulator (${profile} settings) at ${emulator.url}`,
      `  channel secret:       ${channelSecret}${channelSecret === DEFAULT_SECRET ? " (set LINE_CHANNEL_SECRET to change)" : ""}`,
      `  channel access token: ${channelAccessToken}${channelAccessToken === DEFAULT_TOKEN ? " (set LINE_CHANNEL_ACCESS_TOKEN to change)" : ""}`,
      `  webhook:              ${emulator.webhookUrl ?? "not set (--webhook URL, or PUT /v2/bot/channel/webhook/endpoint)"}`,
      `  SDK:                  new messagingApi.MessagingApiClient({ channelAccessToken, baseURL: "${emulator.url}" })`,
      `  a user says:          curl -X POST ${emulator.url}/emulator/users/U1/messages -d '{"text":"プレゼント"}'`,
      `  what reached them:    curl ${emulator.url}/emulator/users/U1/inbox`,
      `  operator:             curl -X POST ${emulator.url}/emulator/operator -d '{"type":"SET_WEBHOOK","on":false}'`,
      "",
    ].join("\n"),
  );
  await (io.untilStopped?.() ?? new Promise<void>(() => {}));
  await emulator.close();
  return 0;
}

function isHttpUrl(text: string): boolean {
  try {
    const { protocol } = new URL(text);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}
