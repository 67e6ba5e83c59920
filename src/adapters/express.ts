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
import type { Responder } from "../responder.js";
import { answer } from "../webhook/answer.js";
import { header, readNodeBody, writeResult } from "./node-body.js";

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
  const max = options.maxBodyBytes ?? responder.maxBodyBytes;
  // `next` is never called: every request to this route is LINE's, and every answer is ours (JSON),
  // so Express's HTML error page (with a stack) never reaches LINE.
  return async (req: ExpressRequest, res: ServerResponse, _next?: (error?: unknown) => void): Promise<void> => {
    let body: Uint8Array;
    if (req.body instanceof Uint8Array)
      body = req.body; // express.raw()
    else if (req.rawBody instanceof Uint8Array)
      body = req.rawBody; // Cloud Functions, Firebase
    else if (req.body !== undefined && req.readableEnded) {
      writeResult(res, answer(500, ALREADY_PARSED));
      return;
    } else {
      const read = await readNodeBody(req, max);
      if (read === "aborted") return;
      if (read === "too-large") {
        writeResult(res, answer(413, `body is larger than ${max} bytes`));
        return;
      }
      body = read;
    }
    writeResult(
      res,
      await responder.handle({
        body,
        signature: header(req, "x-line-signature"),
        method: req.method,
        processBeforeResponse: options.processBeforeResponse,
      }),
    );
  };
}
