/**
 * A Web `Request` as a {@link WebhookExchange} answered with a `Response`: `createFetchHandler` and
 * `Responder.fetch` both serve through it. Nothing here may import a `node:` module (Workers).
 */
import type { HandleResult } from "./answer.js";
import type { BodyProblem, WebhookExchange } from "./exchange.js";

/** The exchange of one `Request`. */
export function fetchExchange(request: Request): WebhookExchange<Response> {
  return {
    method: request.method,
    header: (name) => request.headers.get(name),
    // A body stream that breaks is a client that went away; a Response must still be returned (400).
    body: (max) => readBody(request, max).catch((): BodyProblem => "aborted"),
    respond: (result: HandleResult) => new Response(result.body, { status: result.status, headers: result.headers }),
  };
}

/** The body's bytes, or `"too-large"` past `max` (stops reading there instead of buffering it all). */
async function readBody(request: Request, max: number): Promise<Uint8Array | BodyProblem> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > max) return "too-large";
  if (!request.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return "too-large";
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
