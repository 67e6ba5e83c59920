import type { AccountClient } from "../guards/drift.js";
import { ApiError } from "./io.js";

/**
 * The Messaging API calls of the drift monitor over plain `fetch`, so `modes check` runs without
 * `@line/bot-sdk` installed. URLs are built from the origin root, as the SDK does.
 */
export function fetchAccountClient(baseURL: string, channelAccessToken: string): AccountClient {
  const call = async <T>(method: "GET" | "POST", path: string, body?: object): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(new URL(path, baseURL), {
        method,
        headers: {
          authorization: `Bearer ${channelAccessToken}`,
          ...(body ? { "content-type": "application/json" } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      throw new ApiError(`${method} ${path} failed: ${(error as Error).cause ?? (error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) {
      let reason = text;
      try {
        reason = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {}
      throw new ApiError(`${method} ${path}: HTTP ${response.status} ${reason}`, response.status);
    }
    return JSON.parse(text) as T;
  };
  return {
    getBotInfo: () => call("GET", "/v2/bot/info"),
    getWebhookEndpoint: () => call("GET", "/v2/bot/channel/webhook/endpoint"),
    testWebhookEndpoint: (request = {}) => call("POST", "/v2/bot/channel/webhook/test", request),
  };
}
