/**
 * The one contract every adapter maps its framework onto, after grammY's `ReqResHandler`: what the
 * responder needs of a request (method, signature header, body bytes) and how to answer it.
 * {@link serveExchange} drives it, so the limits, the checks and the answers are the same whatever
 * carries the bytes; an adapter only says where its framework keeps them.
 */
import { answer, type HandleResult } from "./answer.js";
import type { HmacSha256 } from "./signature.js";

/** One webhook request as the responder takes it: the raw body and the signature header. */
export interface HandleRequest {
  /** The raw body, exactly as LINE sent it (the signature is over these bytes). */
  body: Uint8Array | string;
  /** The `x-line-signature` header. */
  signature: string | null | undefined;
  /** The HTTP method, when known: anything but POST is answered 405. */
  method?: string | undefined;
  /** Keeps the runtime alive for the background work (Workers' and Vercel's `waitUntil`). */
  waitUntil?: ((work: Promise<unknown>) => void) | undefined;
  /** Process the events before answering; default the responder's `processBeforeResponse`. */
  processBeforeResponse?: boolean | undefined;
  /** HMAC-SHA256 for the signature check; default Web Crypto's. The Node adapters pass `node:crypto`'s, which is faster. */
  hmac?: HmacSha256 | undefined;
}

/** What {@link serveExchange} needs of a responder (kept apart so the pipeline and its adapters import this module, not each other). */
export interface WebhookHandler {
  /** The largest body accepted, in bytes. */
  readonly maxBodyBytes: number;
  /** Verifies, parses, answers and processes one request. */
  handle(request: HandleRequest): Promise<HandleResult>;
}

/** Why a body reader has no bytes: past the limit, or the client hung up (or its stream broke). */
export type BodyProblem = "too-large" | "aborted";

/** One request as a framework presents it, and the way back to its client. */
export interface WebhookExchange<T> {
  /** The HTTP method, when the framework knows it. */
  readonly method: string | undefined;
  /** One header's value (names are lower case). */
  header(name: string): string | null | undefined;
  /**
   * The raw body, reading no more than `max` bytes; or why there is none; or an answer the adapter
   * gives instead (Express: a body another middleware already parsed, so its bytes are gone).
   */
  body(max: number): Uint8Array | BodyProblem | HandleResult | Promise<Uint8Array | BodyProblem | HandleResult>;
  /** Writes the answer. */
  respond(result: HandleResult): T;
  /** Ends without an answer when the client hung up mid-body. Where a runtime must answer something, leave it out: the driver answers 400. */
  end?(): T;
  /** HMAC-SHA256 faster than Web Crypto's where the runtime has one (Node's `createHmac`). */
  readonly hmac?: HmacSha256;
}

/** Options of {@link serveExchange}: an adapter's own, and the runtime's background-work hook. */
export interface ServeOptions {
  /** Largest body read, in bytes; default the responder's `maxBodyBytes`. */
  maxBodyBytes?: number | undefined;
  /** Process the events before answering; default the responder's. */
  processBeforeResponse?: boolean | undefined;
  /** Keeps the runtime alive for background work (Workers' `ctx.waitUntil`). */
  waitUntil?: ((work: Promise<unknown>) => void) | undefined;
}

/** Reads the exchange's request, has `responder` handle it, and answers. Rejects only if the exchange itself throws. */
export async function serveExchange<T>(
  responder: WebhookHandler,
  exchange: WebhookExchange<T>,
  options: ServeOptions = {},
): Promise<T> {
  const max = options.maxBodyBytes ?? responder.maxBodyBytes;
  const body = await exchange.body(max);
  if (body === "aborted") {
    return exchange.end ? exchange.end() : exchange.respond(answer(400, "the request body could not be read"));
  }
  if (body === "too-large") return exchange.respond(answer(413, `body is larger than ${max} bytes`));
  if (!(body instanceof Uint8Array)) return exchange.respond(body);
  return exchange.respond(
    await responder.handle({
      body,
      signature: exchange.header("x-line-signature"),
      method: exchange.method,
      processBeforeResponse: options.processBeforeResponse,
      waitUntil: options.waitUntil,
      hmac: exchange.hmac,
    }),
  );
}
