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
import { header, readNodeBody, writeResult } from "./node-body.js";

/** Options of {@link createNodeHandler}. */
export interface NodeHandlerOptions {
  /** Largest body read, in bytes; default the responder's `maxBodyBytes`. */
  maxBodyBytes?: number;
  processBeforeResponse?: boolean;
}

/** A `node:http` request listener that answers LINE webhooks with `responder`. It never rejects. */
export function createNodeHandler(responder: Responder, options: NodeHandlerOptions = {}) {
  const max = options.maxBodyBytes ?? responder.maxBodyBytes;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readNodeBody(req, max);
    if (body === "aborted") return; // the client hung up: nobody is left to answer
    writeResult(
      res,
      body === "too-large"
        ? answer(413, `body is larger than ${max} bytes`)
        : await responder.handle({
            body,
            signature: header(req, "x-line-signature"),
            method: req.method,
            processBeforeResponse: options.processBeforeResponse,
          }),
    );
  };
}
