/**
 * Faults a test injects must answer as LINE would (the status's own message, or the one given), and
 * no request, however malformed, may leave the emulator silent.
 */
import { HTTPFetchError, messagingApi } from "@line/bot-sdk";
import { afterEach, describe, expect, it } from "vitest";
import { classifySendFailure } from "../../src/rewards/send-failure.js";
import { type Emulator, startEmulator } from "../../src/testing/emulator/emulator.js";
import { userId } from "../../src/testing/events.js";

const TOKEN = "emulator-token";
let emulator: Emulator<"current">;
afterEach(() => emulator?.close());

async function start() {
  emulator = await startEmulator({ channelSecret: "secret", channelAccessToken: TOKEN });
  return new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emulator.url });
}

async function refusal(call: Promise<unknown>): Promise<HTTPFetchError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof HTTPFetchError) return error;
    throw error;
  }
  throw new Error("expected LINE to refuse the request");
}

const reply = (client: messagingApi.MessagingApiClient) =>
  client.replyMessage({
    replyToken: emulator.issueReplyToken(userId("alice")),
    messages: [{ type: "text", text: "hi" }],
  });

describe("emulator faults", () => {
  it("a 400 fault answers with LINE's wording for 400, not a server error's", async () => {
    const client = await start();
    emulator.failNext("reply", { status: 400 });
    const error = await refusal(reply(client));
    expect(error.status).toBe(400);
    expect(JSON.parse(error.body)).toEqual({ message: "Bad Request" });
  });

  it("a fault carries LINE's message, which the dispatcher reads", async () => {
    const client = await start();
    emulator.failNext("reply", { status: 400, message: "Invalid reply token" });
    const error = await refusal(reply(client));
    expect(JSON.parse(error.body)).toEqual({ message: "Invalid reply token" });
    expect(classifySendFailure(error).kind).toBe("invalid-reply-token");
    emulator.failNext("push", { status: 429, message: "You have reached your monthly limit." });
    const quota = await refusal(client.pushMessage({ to: userId("alice"), messages: [{ type: "text", text: "hi" }] }));
    expect(classifySendFailure(quota).kind).toBe("monthly-limit");
  });

  it("keeps the defaults of 429 and 500", async () => {
    const client = await start();
    emulator.failNext("reply", { status: 429 });
    expect(JSON.parse((await refusal(reply(client))).body)).toEqual({ message: "Too many requests" });
    emulator.failNext("reply", { status: 500 });
    expect(JSON.parse((await refusal(reply(client))).body)).toEqual({ message: "Internal server error" });
  });

  it("refuses a message without a status, naming the field", async () => {
    await start();
    expect(() => emulator.failNext("reply", { drop: true, message: "x" })).toThrow(
      "faults[0].message must be text, and goes with a status",
    );
  });
});

describe("emulator control plane: malformed paths", () => {
  it.each(["/emulator/users/%E0/inbox", "/emulator/users/%zz/inbox", "/emulator/users/%/messages"])(
    "%s gets a 400 naming the user id",
    async (path) => {
      await start();
      const method = path.endsWith("messages") ? "POST" : "GET";
      const body = method === "POST" ? '{"text":"hi"}' : undefined;
      // The abort only turns a hang (what happened before) into a failure instead of a test timeout.
      const res = await fetch(`${emulator.url}${path}`, { method, body, signal: AbortSignal.timeout(10_000) });
      expect(res.status).toBe(400);
      const segment = path.split("/")[3];
      expect(await res.json()).toEqual({
        message: `the user id ${JSON.stringify(segment)} in the path is not valid percent-encoding`,
      });
    },
  );
});
