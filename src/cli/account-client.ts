import type { AccountClient } from "../guards/drift.js";
import { ApiError } from "./io.js";

/**
 * The two Messaging API calls of the drift monitor over plain `fetch`, so `modes check` runs
 * without `@line/bot-sdk` installed. URLs are built from the origin root, as the SDK does.
 */
export function fetchAccountClient(baseURL: string, channelAccessToken: string): AccountClient {
  const get = async <T>(path: string): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(new URL(path, baseURL), { headers: { authorization: `Bearer ${channelAccessToken}` } });
    } catch (error) {
      throw new ApiError(`GET ${path} failed: ${(error as Error).cause ?? (error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) {
      let reason = text;
      try {
        reason = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {}
      throw new ApiError(`GET ${path}: HTTP ${response.status} ${reason}`);
    }
    return JSON.parse(text) as T;
  };
  return {
    getBotInfo: () => get("/v2/bot/info"),
    getWebhookEndpoint: () => get("/v2/bot/channel/webhook/endpoint"),
  };
}
