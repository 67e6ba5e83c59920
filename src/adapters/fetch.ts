/**
 * `line-responder/fetch`: `(request, env?, ctx?) => Response` for Fetch-API runtimes: Cloudflare
 * Workers, Vercel, Next.js route handlers, Deno, Bun, Hono. Nothing in this entry's import graph
 * uses `node:` modules; background work goes to `ctx.waitUntil` where the runtime has it.
 *
 * @example
 * ```ts
 * // Cloudflare Worker
 * export default { fetch: createFetchHandler(responder) };
 * // Next.js app/api/webhook/route.ts
 * export const POST = createFetchHandler(responder);
 * ```
 *
 * @packageDocumentation
 */
import type { Responder } from "../responder.js";
import { serveExchange } from "../webhook/exchange.js";
import { fetchExchange } from "../webhook/fetch-exchange.js";

/** The runtime context where background work can be handed over (Workers' `ExecutionContext`). */
export interface WaitUntilContext {
  /** Keeps the isolate alive until `work` settles (Workers' `ctx.waitUntil`, Vercel's `waitUntil`). */
  waitUntil?(work: Promise<unknown>): void;
}

/** A fetch handler answering LINE webhooks with `responder`. */
export function createFetchHandler(responder: Responder) {
  return (request: Request, _env?: unknown, ctx?: WaitUntilContext): Promise<Response> =>
    serveExchange(responder, fetchExchange(request), {
      waitUntil: ctx?.waitUntil ? (work) => ctx.waitUntil?.(work) : undefined,
    });
}
