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
import { header } from "./node-body.js";

/** Options of {@link lineResponderPlugin}. */
export interface LineResponderPluginOptions {
  responder: Responder;
  /** Route path; default `/webhook`. */
  path?: string;
  /** Largest body accepted, in bytes; default 1 MB. */
  maxBodyBytes?: number;
  processBeforeResponse?: boolean;
}

/** Registers `POST path` answering LINE webhooks. Not wrapped with fastify-plugin on purpose: its body parser stays inside. */
export async function lineResponderPlugin(
  fastify: FastifyInstance,
  options: LineResponderPluginOptions,
): Promise<void> {
  const { responder, path = "/webhook" } = options;
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(
    "*",
    { parseAs: "buffer", bodyLimit: options.maxBodyBytes ?? 1024 * 1024 },
    (_req, body, done) => done(null, body),
  );
  fastify.post(path, async (request, reply) => {
    const result = await responder.handle({
      body: (request.body as Uint8Array | undefined) ?? new Uint8Array(0),
      signature: header(request, "x-line-signature"),
      method: request.method,
      processBeforeResponse: options.processBeforeResponse,
    });
    return reply.code(result.status).headers(result.headers).send(result.body);
  });
}
