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
import { serveExchange } from "../webhook/exchange.js";
import { nodeExchange } from "./node-exchange.js";

/** Options of {@link createNodeHandler}. */
export interface NodeHandlerOptions {
  /** Largest body read, in bytes; default the responder's `maxBodyBytes`. */
  maxBodyBytes?: number;
  processBeforeResponse?: boolean;
}

/** A `node:http` request listener that answers LINE webhooks with `responder`. It never rejects. */
export function createNodeHandler(responder: Responder, options: NodeHandlerOptions = {}) {
  return (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    serveExchange(responder, nodeExchange(req, res), options);
}
