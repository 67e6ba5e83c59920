import type { WatchNotice } from "../guards/watch.js";

/**
 * Posts a watch notice as JSON to `url`. `text` is what Slack's incoming webhooks (and Mattermost,
 * Discord's Slack-compatible endpoint...) show; the rest is for programs.
 */
export async function postNotice(url: string, notice: WatchNotice): Promise<void> {
  const { finding, status, at } = notice;
  const head = status === "appeared" ? `${finding.severity.toUpperCase()} ${finding.code}` : `cleared ${finding.code}`;
  const body = {
    text: `line-responder: ${head}: ${finding.message}`,
    status,
    at: new Date(at).toISOString(),
    finding,
  };
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
    // A hung alert endpoint must not hold the watch: the next notice gets its own try.
    signal: AbortSignal.timeout(10_000),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
}
