/**
 * `line-responder/express`: middleware for Express 4 and 5. It reads the raw body itself, also
 * works after `express.raw()`, uses `req.rawBody` where the platform keeps one (Google Cloud
 * Functions, Firebase), and says how to mount it when a JSON parser got to the body first.
 *
 * @example
 * ```ts
 * const app = express();
 * app.post("/webhook", lineMiddleware(responder)); // before app.use(express.json())
 * app.use(express.json());
 * ```
 *
 * @packageDocumentation
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { HandleResult, Responder } from "../responder.js";
import { answer } from "../webhook/answer.js";
import { serveExchange } from "../webhook/exchange.js";
import { nodeExchange } from "./node-exchange.js";

/** What the middleware reads of Express's request (kept structural: no dependency on @types/express). */
export type ExpressRequest = IncomingMessage & { body?: unknown; rawBody?: unknown };

/** Options of {@link lineMiddleware}. */
export interface LineMiddlewareOptions {
  /** Largest body read, in bytes; default the responder's `maxBodyBytes`. */
  maxBodyBytes?: number;
  processBeforeResponse?: boolean;
}

const ALREADY_PARSED =
  "line-responder: the request body was already parsed by another middleware (express.json()?), so the LINE signature cannot be checked on the raw bytes. Mount lineMiddleware before express.json(), e.g. app.post('/webhook', lineMiddleware(responder)) above app.use(express.json()), or give its route express.raw({ type: '*/*' })";

/** Express middleware answering LINE webhooks with `responder`. */
export function lineMiddleware(responder: Responder, options: LineMiddlewareOptions = {}) {
  // `next` is never called: every request to this route is LINE's, and every answer is ours (JSON),
  // so Express's HTML error page (with a stack) never reaches LINE.
  return (req: ExpressRequest, res: ServerResponse, _next?: (error?: unknown) => void): Promise<void> => {
    return serveExchange(responder, nodeExchange(req, res, bodyReadBefore(req)), options);
  };
}

/**
 * What a middleware before ours left of the body: its bytes, or (when only parsed JSON is left)
 * the answer that says how to mount ours; `undefined` when the stream is still ours to read.
 */
function bodyReadBefore(req: ExpressRequest): Uint8Array | HandleResult | undefined {
  if (req.body instanceof Uint8Array) return req.body; // express.raw()
  if (req.rawBody instanceof Uint8Array) return req.rawBody; // Cloud Functions, Firebase
  if (req.body !== undefined && req.readableEnded) return answer(500, ALREADY_PARSED);
  return undefined;
}
