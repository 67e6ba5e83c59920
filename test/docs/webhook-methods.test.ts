/**
 * What the webhook answers to a request that is not a POST, as the READMEs and the adapters guide
 * say: 405 where the handler sees every method (node:http, Lambda, fetch), 404 from Express and
 * Fastify, where the documented mounting registers the route for POST only.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { lineMiddleware } from "../../src/adapters/express.js";
import { lineResponderPlugin } from "../../src/adapters/fastify.js";
import { createFetchHandler } from "../../src/adapters/fetch.js";
import { createLambdaHandler } from "../../src/adapters/lambda.js";
import { createNodeHandler } from "../../src/adapters/node.js";
import { createResponder } from "../../src/index.js";

const responder = () => createResponder({ channelSecret: "secret" });
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function getOn(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`);
  await res.arrayBuffer();
  return res.status;
}

describe("a GET to the webhook", () => {
  it("node:http: 405", async () => {
    expect(await getOn(createServer(createNodeHandler(responder())))).toBe(405);
  });

  it("fetch runtimes: 405 with Allow: POST", async () => {
    const res = await createFetchHandler(responder())(new Request("http://bot.test/webhook"));
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("POST");
  });

  it("Lambda: 405", async () => {
    const handler = createLambdaHandler(responder());
    const answer = await handler({ requestContext: { http: { method: "GET" } }, headers: {}, body: "" } as never);
    expect((answer as { statusCode: number }).statusCode).toBe(405);
  });

  it("Express with app.post(...): 404 from Express", async () => {
    const app = express();
    app.post("/webhook", lineMiddleware(responder()));
    expect(await getOn(createServer(app))).toBe(404);
  });

  it("Fastify with the plugin: 404 from Fastify", async () => {
    const app = Fastify();
    await app.register(lineResponderPlugin, { responder: responder(), path: "/webhook" });
    closers.push(() => app.close());
    const res = await app.inject({ method: "GET", url: "/webhook" });
    expect(res.statusCode).toBe(404);
  });
});
