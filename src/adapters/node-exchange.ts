/**
 * A `node:http` request and response as a {@link WebhookExchange}: Express and `node:http` map onto
 * it. On Node the signature's HMAC is `node:crypto`'s, synchronous and cheaper than Web Crypto's.
 */
import { createHmac } from "node:crypto";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { HandleResult } from "../responder.js";
import type { BodyProblem, WebhookExchange } from "../webhook/exchange.js";
import type { HmacSha256 } from "../webhook/signature.js";

const secretBytes = new Map<string, Buffer>();

/** `node:crypto`'s HMAC-SHA256. */
export const nodeHmac: HmacSha256 = (secret, body) => createHmac("sha256", keyOf(secret)).update(body).digest();

// A string key is encoded again for every HMAC, a third of its cost on a webhook body; bots use
// one or two secrets for their whole life.
function keyOf(secret: string): Buffer | string {
  const known = secretBytes.get(secret);
  if (known) return known;
  if (secretBytes.size < 16) secretBytes.set(secret, Buffer.from(secret, "utf8"));
  return secret;
}

/** One header's value: Node gives arrays for repeated headers. */
export function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The exchange of one `node:http` request. `body` stands in for the stream when a middleware
 * before the adapter already read it (Express's `express.raw()`), or says what to answer instead.
 */
export function nodeExchange(
  req: IncomingMessage,
  res: ServerResponse,
  body?: Uint8Array | HandleResult,
): WebhookExchange<void> {
  return new NodeExchange(req, res, body);
}

// A class, so that the methods are made once, not for every request.
class NodeExchange implements WebhookExchange<void> {
  readonly hmac = nodeHmac;
  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly readBefore: Uint8Array | HandleResult | undefined,
  ) {}

  get method(): string | undefined {
    return this.req.method;
  }

  header(name: string): string | undefined {
    return firstHeader(this.req.headers, name);
  }

  body(max: number): Uint8Array | HandleResult | Promise<Uint8Array | BodyProblem> {
    return this.readBefore ?? readNodeBody(this.req, max);
  }

  respond(result: HandleResult): void {
    writeResult(this.res, result);
  }

  end(): void {
    // The client hung up: nobody is left to answer.
  }
}

/**
 * Reads a Node request body up to `max` bytes. Never rejects: a client that hangs up mid-body (or
 * a stream error) is `"aborted"`, past `max` is `"too-large"` (the rest is read and dropped, so
 * the connection can carry the 413 back).
 */
function readNodeBody(req: IncomingMessage, max: number): Promise<Uint8Array | BodyProblem> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    function onData(chunk: Buffer) {
      if (tooLarge) return;
      size += chunk.length;
      if (size > max) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    }
    function onEnd() {
      finish(tooLarge ? "too-large" : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    }
    function onClose() {
      if (!req.complete) finish("aborted");
    }
    function onError() {
      finish("aborted");
    }
    function finish(result: Uint8Array | BodyProblem) {
      req.off("data", onData).off("end", onEnd).off("close", onClose);
      resolve(result);
    }
    // The error listener stays: without one, an error after the body (a reset) would be unhandled
    // and the process would exit. Resolving again is a no-op.
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

/** Writes `result`, unless the client is gone. */
function writeResult(res: ServerResponse, result: HandleResult): void {
  if (res.destroyed || res.headersSent) return;
  // With its length declared, the answer leaves in one write; without, Node chunks it (three more writes).
  res
    .writeHead(result.status, { ...result.headers, "content-length": Buffer.byteLength(result.body) })
    .end(result.body);
}
