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

/** The exchange of one `node:http` request. */
export function nodeExchange(req: IncomingMessage, res: ServerResponse): WebhookExchange<void> {
  return {
    method: req.method,
    header: (name) => firstHeader(req.headers, name),
    body: (max) => readNodeBody(req, max),
    respond: (result) => writeResult(res, result),
    end: () => {}, // the client hung up: nobody is left to answer
    hmac: nodeHmac,
  };
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
    const finish = (result: Uint8Array | BodyProblem) => {
      req.off("data", onData);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > max) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () =>
      finish(tooLarge ? "too-large" : chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)),
    );
    // Without these, an aborted body is an unhandled "aborted" error: the process would exit.
    req.once("error", () => finish("aborted"));
    req.once("close", () => {
      if (!req.complete) finish("aborted");
    });
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
