import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { lineMiddleware } from "../../src/adapters/express.js";
import { lineResponderPlugin } from "../../src/adapters/fastify.js";
import { createResponder } from "../../src/index.js";
import { signBody } from "../../src/testing/index.js";
import { envelope, SECRET, textEventJson } from "../helpers/webhook.js";

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function post(app: express.Express, body: string, headers: Record<string, string>) {
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, {
    method: "POST",
    body,
    headers,
  });
  return { status: res.status, body: await res.text() };
}

describe("express", () => {
  it("after express.json() consumed the body: a 500 that says how to mount the middleware, not a bare 401", async () => {
    const app = express();
    app.use(express.json());
    app.post("/webhook", lineMiddleware(createResponder({ channelSecret: SECRET })));
    const body = envelope(textEventJson("hi"));
    const res = await post(app, body, {
      "content-type": "application/json",
      "x-line-signature": await signBody(SECRET, body),
    });
    expect(res.status).toBe(500);
    expect(JSON.parse(res.body).message).toContain("Mount lineMiddleware before express.json()");
  });

  it("uses req.rawBody where the platform keeps one (Cloud Functions, Firebase)", async () => {
    const responder = createResponder({ channelSecret: SECRET });
    const seen: string[] = [];
    responder.on("message:text", ({ event }) => {
      seen.push(event.message.text);
    });
    const app = express();
    app.use((req, _res, next) => {
      // What Cloud Functions does: keep the bytes, parse the JSON.
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const raw = Buffer.concat(chunks);
        Object.assign(req, { rawBody: raw, body: JSON.parse(raw.toString("utf8")) });
        next();
      });
    });
    app.post("/webhook", lineMiddleware(responder));
    const body = envelope(textEventJson("クーポン🎁"));
    const res = await post(app, body, {
      "content-type": "application/json",
      "x-line-signature": await signBody(SECRET, body),
    });
    expect(res.status).toBe(200);
    await responder.drain();
    expect(seen).toEqual(["クーポン🎁"]);
  });

  it("405 for methods other than POST", async () => {
    const app = express();
    app.all("/webhook", lineMiddleware(createResponder({ channelSecret: SECRET })));
    server = createServer(app);
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`);
    expect(res.status).toBe(405);
  });
});

describe("fastify", () => {
  it("keeps its raw-body parser to itself: the app's other routes still get parsed JSON", async () => {
    const app = Fastify();
    app.post("/api/echo", async (request) => ({ got: request.body }));
    await app.register(lineResponderPlugin, {
      responder: createResponder({ channelSecret: SECRET }),
      path: "/webhook",
    });
    const echo = await app.inject({ method: "POST", url: "/api/echo", payload: { a: 1 } });
    expect(echo.json()).toEqual({ got: { a: 1 } });
    const body = envelope();
    const hook = await app.inject({
      method: "POST",
      url: "/webhook",
      payload: body,
      headers: { "content-type": "application/json", "x-line-signature": await signBody(SECRET, body) },
    });
    expect(hook.statusCode).toBe(200);
    await app.close();
  });
});
