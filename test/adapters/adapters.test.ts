import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { type AddressInfo, connect } from "node:net";
import express from "express";
import Fastify from "fastify";
import { expect } from "vitest";
import { lineMiddleware } from "../../src/adapters/express.js";
import { lineResponderPlugin } from "../../src/adapters/fastify.js";
import { createFetchHandler } from "../../src/adapters/fetch.js";
import { createLambdaHandler } from "../../src/adapters/lambda.js";
import { createNodeHandler } from "../../src/adapters/node.js";
import { conformance, type Driver } from "./conformance.js";

async function listen(server: Server): Promise<Driver> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return overHttp(
    (server.address() as AddressInfo).port,
    () => new Promise<void>((resolve) => server.close(() => resolve())),
  );
}

function overHttp(port: number, close: () => Promise<void>): Driver {
  const url = `http://127.0.0.1:${port}/webhook`;
  return {
    async send(body, headers) {
      const res = await fetch(url, { method: "POST", body, headers });
      return { status: res.status, body: await res.text() };
    },
    hangUp: () => hangUp(port),
    close,
  };
}

/** A client that promises 1,000 bytes, sends 20, and closes its socket. */
async function hangUp(port: number): Promise<void> {
  const socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  socket.write(
    "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nx-line-signature: x\r\nContent-Length: 1000\r\n\r\n",
  );
  socket.write('{"destination":"U1",');
  await new Promise((resolve) => setTimeout(resolve, 30));
  socket.destroy();
  // Give the server the moment it needs to see the hang-up (and, before the fix, to crash on it).
  await new Promise((resolve) => setTimeout(resolve, 50));
}

conformance("express", async (responder, options) => {
  const app = express();
  app.post("/webhook", lineMiddleware(responder, { maxBodyBytes: 64 * 1024, ...options }));
  app.use(express.json());
  return listen(createServer(app));
});

conformance("express after express.raw()", async (responder, options) => {
  const app = express();
  app.post("/webhook", express.raw({ type: "*/*", limit: "10mb" }), lineMiddleware(responder, options));
  return listen(createServer(app));
});

conformance("fastify", async (responder, options) => {
  const app = Fastify();
  await app.register(lineResponderPlugin, { responder, path: "/webhook", maxBodyBytes: 64 * 1024, ...options });
  await app.listen({ port: 0, host: "127.0.0.1" });
  return overHttp((app.server.address() as AddressInfo).port, () => app.close());
});

conformance("node:http", async (responder, options) =>
  listen(createServer(createNodeHandler(responder, { maxBodyBytes: 64 * 1024, ...options }))),
);

const lambdaDriver =
  (kind: "v1" | "v2" | "url"): Parameters<typeof conformance>[1] =>
  async (responder, options) => {
    const handler = createLambdaHandler(responder, options);
    return {
      async send(body, headers) {
        // v1 without binary media types hands the body over as a string; v2 and Function URLs as base64.
        const base64 = kind !== "v1";
        const event =
          kind === "v1"
            ? { httpMethod: "POST", headers, body: new TextDecoder().decode(body), isBase64Encoded: false }
            : {
                version: "2.0",
                requestContext: { http: { method: "POST" } },
                headers,
                body: Buffer.from(body).toString("base64"),
                isBase64Encoded: base64,
              };
        const result = await handler(event);
        return { status: result.statusCode, body: result.body };
      },
      close: async () => {},
    };
  };
conformance("lambda (API Gateway REST, v1)", lambdaDriver("v1"), { processBeforeResponse: true, streamsBody: false });
conformance("lambda (HTTP API, v2)", lambdaDriver("v2"), { processBeforeResponse: true, streamsBody: false });
conformance("lambda (Function URL)", lambdaDriver("url"), { processBeforeResponse: true, streamsBody: false });

conformance("fetch", async (responder) => {
  const handler = createFetchHandler(responder);
  const background: Promise<unknown>[] = [];
  return {
    async send(body, headers) {
      const res = await handler(
        new Request("https://bot.example/webhook", { method: "POST", body, headers }),
        {},
        {
          waitUntil: (work) => background.push(work),
        },
      );
      return { status: res.status, body: await res.text() };
    },
    // A runtime's body stream that breaks mid-way: the client went away.
    async hangUp() {
      let sent = false;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent) controller.error(new Error("the client hung up"));
          else controller.enqueue(new TextEncoder().encode('{"destination":"U1",'));
          sent = true;
        },
      });
      const request = new Request("https://bot.example/webhook", {
        method: "POST",
        body,
        headers: { "x-line-signature": "x" },
        duplex: "half",
      } as RequestInit);
      const res = await handler(request, {}, { waitUntil: (work) => background.push(work) });
      expect(res.status).toBe(400);
    },
    close: async () => {
      await Promise.all(background);
    },
  };
});
