import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { HandleResult } from "../responder.js";

/** A Node request body: its bytes, or why there are none. */
export type NodeBody = Uint8Array | "too-large" | "aborted";

/**
 * Reads a Node request body up to `max` bytes. Never rejects: a client that hangs up mid-body (or
 * a stream error) is `"aborted"`, past `max` is `"too-large"` (the rest is read and dropped, so
 * the connection can carry the 413 back).
 */
export function readNodeBody(req: IncomingMessage, max: number): Promise<NodeBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const finish = (result: NodeBody) => {
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
    req.once("end", () => finish(tooLarge ? "too-large" : Buffer.concat(chunks)));
    // Without these, an aborted body is an unhandled "aborted" error: the process would exit.
    req.once("error", () => finish("aborted"));
    req.once("close", () => {
      if (!req.complete) finish("aborted");
    });
  });
}

/** Writes `result`, unless the client is gone. */
export function writeResult(res: ServerResponse, result: HandleResult): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(result.status, result.headers).end(result.body);
}

/** One header value (Node gives arrays for repeated headers). */
export function header(req: { headers: IncomingHttpHeaders }, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
