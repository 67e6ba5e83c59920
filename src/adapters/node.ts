/**
 * `line-responder/node`: a `(req, res)` handler for `node:http` (and anything built on it).
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { createNodeHandler } from "line-responder/node";
 * const server = createServer(createNodeHandler(responder)).listen(3000);
 * process.on("SIGTERM", () => server.close(() => responder.drain()));
 * ```
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Responder } from "../responder.js";
import { answer } from "../webhook/answer.js";
import { header, readNodeBody } from "./node-body.js";

export { header };

/** Options of {@link createNodeHandler}. */
export interface NodeHandlerOptions {
  /** Largest body read, in bytes; default 1 MB. Keep it equal to the responder's `maxBodyBytes`. */
  maxBodyBytes?: number;
  processBeforeResponse?: boolean;
}

/** A `node:http` request listener that answers LINE webhooks with `responder`. */
export function createNodeHandler(responder: Responder, options: NodeHandlerOptions = {}) {
  const max = options.maxBodyBytes ?? 1024 * 1024;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readNodeBody(req, max);
    const result =
      body === undefined
        ? answer(413, `body is larger than ${max} bytes`)
        : await responder.handle({
            body,
            signature: header(req, "x-line-signature"),
            method: req.method,
            processBeforeResponse: options.processBeforeResponse,
          });
    res.writeHead(result.status, result.headers).end(result.body);
  };
}
