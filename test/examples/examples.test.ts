/**
 * Every example runs as written: imported by its package name, configured by the environment a
 * deployment would give it, answering a signed request, and replying through a local stand-in
 * for the Messaging API (LINE_API_BASE_URL). The Cloudflare Worker runs in workerd with D1:
 * test/examples/cloudflare-worker.test.ts.
 */
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signBody } from "../../src/testing/index.js";
import { type LineApiStandIn, startLineApi } from "../helpers/line-api.js";
import { envelope, textEventJson } from "../helpers/webhook.js";

const SECRET = "example-channel-secret";
let api: LineApiStandIn;

beforeAll(async () => {
  api = await startLineApi("example-token");
  Object.assign(process.env, {
    LINE_CHANNEL_SECRET: SECRET,
    LINE_CHANNEL_ACCESS_TOKEN: "example-token",
    LINE_API_BASE_URL: api.baseURL,
  });
});
afterAll(() => api.close());

async function signedCoupon(replyToken: string) {
  api.issueReplyToken("U4af4980629e0d9c3e2f5d8a5b1c2d3e4", undefined, replyToken);
  const body = envelope(textEventJson("クーポンください🎁", { replyToken }));
  return {
    body,
    headers: { "content-type": "application/json; charset=utf-8", "x-line-signature": await signBody(SECRET, body) },
  };
}
const repliedTo = (token: string) => api.replies.filter((r) => r.replyToken === token).map((r) => r.messages[0]?.text);

describe("examples", () => {
  it("express", async () => {
    const { app, responder } = await import("../../examples/express/server.js");
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const { body, headers } = await signedCoupon("express-token");
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, {
      method: "POST",
      body,
      headers,
    });
    expect(res.status).toBe(200);
    await responder.drain();
    server.close();
    expect(repliedTo("express-token")).toEqual(["クーポンはこちら: https://example.com/coupon"]);
  });

  it("fastify", async () => {
    const { buildApp } = await import("../../examples/fastify/server.js");
    const app = await buildApp();
    const { body, headers } = await signedCoupon("fastify-token");
    const res = await app.inject({ method: "POST", url: "/webhook", payload: body, headers });
    expect(res.statusCode).toBe(200);
    await app.close(); // drains the responder
    expect(repliedTo("fastify-token")).toEqual(["クーポンはこちら: https://example.com/coupon"]);
  });

  it("lambda, with its event fixture", async () => {
    const { handler } = await import("../../examples/lambda/handler.js");
    const event = JSON.parse(readFileSync(new URL("../../examples/lambda/event.json", import.meta.url), "utf8"));
    const body = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
    const recorded = JSON.parse(body).events[0];
    api.issueReplyToken(recorded.source.userId, undefined, recorded.replyToken);
    const result = await handler(event);
    expect(result.statusCode).toBe(200);
    expect(repliedTo("nHuyWiB7yP5Zw52FIkcQobQuGDXCTA")).toEqual(["クーポンはこちら"]);
    const tampered = { ...event, headers: { ...event.headers, "x-line-signature": "AAAA" } };
    expect((await handler(tampered)).statusCode).toBe(401);
  });

  it("next.js route handler", async () => {
    const { POST } = await import("../../examples/nextjs/app/api/webhook/route.js");
    const { body, headers } = await signedCoupon("next-token");
    const res = await POST(new Request("https://bot.example/api/webhook", { method: "POST", body, headers }));
    expect(res.status).toBe(200);
    // processBeforeResponse: the reply went out before the response.
    expect(repliedTo("next-token")).toEqual(["クーポンはこちら"]);
  });
});
