/**
 * A {@link MessagingClient} over the global `fetch`, for runtimes where `@line/bot-sdk` is not at
 * home (Workers, Deno, Bun, edge functions): reply and push, nothing else. Its errors carry
 * `status`, `headers` and `body` as the SDK's `HTTPFetchError` does, so the dispatcher reads both alike.
 */
import type { MessagingClient } from "./client.js";

/** A non-2xx answer from the Messaging API. */
export class LineApiError extends Error {
  override name = "LineApiError";
  constructor(
    readonly status: number,
    readonly headers: Headers,
    /** The answer's body, as text (LINE sends JSON: `{ message, details? }`). */
    readonly body: string,
  ) {
    super(`LINE answered HTTP ${status}: ${body.slice(0, 200)}`);
  }
}

/** Options of {@link createFetchClient}. */
export interface FetchClientOptions {
  /** The channel access token (LINE Developers Console, or issued with the channel's credentials). */
  channelAccessToken: string;
  /** Default `https://api.line.me`; point it at an emulator to test. */
  baseURL?: string;
  /** Default the global `fetch`. */
  fetch?: typeof fetch;
}

/** Creates a reply-and-push client on `fetch`. */
export function createFetchClient(options: FetchClientOptions): MessagingClient {
  if (typeof options.channelAccessToken !== "string" || options.channelAccessToken === "") {
    throw new TypeError("createFetchClient needs channelAccessToken: the channel access token of the LINE channel");
  }
  const baseURL = options.baseURL ?? "https://api.line.me";
  const send = options.fetch ?? fetch;
  async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<unknown> {
    const response = await send(new URL(path, baseURL), {
      method: "POST",
      headers: {
        authorization: `Bearer ${options.channelAccessToken}`,
        "content-type": "application/json",
        ...headers,
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new LineApiError(response.status, response.headers, text);
    return text === "" ? {} : JSON.parse(text);
  }
  return {
    replyMessage: (request) => post("/v2/bot/message/reply", request),
    pushMessage: (request, retryKey) =>
      post("/v2/bot/message/push", request, retryKey ? { "x-line-retry-key": retryKey } : {}),
  };
}
