/**
 * `line-responder/fastify`: a plugin for Fastify 4 and 5. It keeps the raw body as a buffer in
 * its own encapsulated context, so the user's other routes keep their JSON parsing.
 *
 * @example
 * ```ts
 * const app = Fastify();
 * await app.register(lineResponderPlugin, { responder, path: "/webhook" });
 * ```
 *
 * @packageDocumentation
 */
import type { FastifyInstance } from "fastify";
import type { Responder } from "../responder.js";
import { answer } from "../webhook/answer.js";
import { serveExchange } from "../webhook/exchange.js";
import { firstHeader, nodeHmac } from "./node-exchange.js";

/** Options of {@link lineResponderPlugin}. */
export interface LineResponderPluginOptions {
  responder: Responder;
  /** Route path; default `/webhook`. */
  path?: string;
  /** Largest body accepted, in bytes; default the responder's `maxBodyBytes`. */
  maxBodyBytes?: number;
  processBeforeResponse?: boolean;
}

/** Registers `POST path` answering LINE webhooks. Not wrapped with fastify-plugin on purpose: its body parser stays inside. */
export async function lineResponderPlugin(
  fastify: FastifyInstance,
  options: LineResponderPluginOptions,
): Promise<void> {
  const { responder, path = "/webhook" } = options;
  const max = options.maxBodyBytes ?? responder.maxBodyBytes;
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: max }, (_req, body, done) => done(null, body));
  // Fastify's own errors (a body over the limit, an aborted body) get the same JSON answers as ours,
  // never its error codes or a raw message.
  fastify.setErrorHandler((error: { statusCode?: number }, _request, reply) => {
    const status = error.statusCode ?? 500;
    const result =
      status === 413
        ? answer(413, `body is larger than ${max} bytes`)
        : status < 500
          ? answer(status, "the request body could not be read")
          : answer(500, "internal error; the event was not processed");
    return reply.code(result.status).headers(result.headers).send(result.body);
  });
  fastify.post(path, (request, reply) =>
    serveExchange(
      responder,
      {
        method: request.method,
        header: (name) => firstHeader(request.headers, name),
        body: () => (request.body as Uint8Array | undefined) ?? new Uint8Array(0), // read by the parser above
        respond: (result) => reply.code(result.status).headers(result.headers).send(result.body),
        hmac: nodeHmac,
      },
      options,
    ),
  );
}
