/**
 * `line-responder/lambda`: AWS Lambda behind API Gateway REST (payload v1), HTTP API (v2) or a
 * Function URL. Base64 bodies are decoded to bytes, never to a string, so the signature holds.
 * Events are processed before answering by default: Lambda freezes work left after the response.
 *
 * @example
 * ```ts
 * export const handler = createLambdaHandler(responder);
 * ```
 *
 * @packageDocumentation
 */
import type { HandleResult, Responder } from "../responder.js";
import { answer } from "../webhook/answer.js";
import { decodeBase64 } from "../webhook/base64.js";
import { serveExchange, type WebhookExchange } from "../webhook/exchange.js";

/** The fields read from API Gateway v1/v2 and Function URL events. */
export interface LambdaHttpEvent {
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
  /** v1 */
  httpMethod?: string;
  /** v2 and Function URL */
  requestContext?: { http?: { method?: string } };
}

/** The response shape all three integrations accept. */
export interface LambdaHttpResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: false;
}

/** Options of {@link createLambdaHandler}. */
export interface LambdaHandlerOptions {
  /** Default true: answer after processing. */
  processBeforeResponse?: boolean;
}

const encoder = new TextEncoder();

/** A Lambda handler answering LINE webhooks with `responder`. */
export function createLambdaHandler(responder: Responder, options: LambdaHandlerOptions = {}) {
  return async (event: LambdaHttpEvent): Promise<LambdaHttpResult> => {
    try {
      return await serveExchange(responder, lambdaExchange(event), {
        processBeforeResponse: options.processBeforeResponse ?? true,
      });
    } catch {
      // Only a malformed event gets here (the responder never throws): answer, do not crash the invocation.
      return lambdaResult(answer(400, "not an API Gateway or Function URL event"));
    }
  };
}

/** The exchange of one event. API Gateway has read the whole body already: no limit to apply, no hang-up. */
function lambdaExchange(event: LambdaHttpEvent): WebhookExchange<LambdaHttpResult> {
  return {
    method: event.requestContext?.http?.method ?? event.httpMethod,
    header(name) {
      let value: string | undefined;
      // API Gateway keeps the client's spelling of header names.
      for (const [key, v] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name) value = v;
      return value;
    },
    body() {
      const raw = event.body ?? "";
      const bytes = event.isBase64Encoded ? decodeBase64(raw) : encoder.encode(raw);
      return bytes ?? answer(400, "isBase64Encoded is set but the body is not base64");
    },
    respond: lambdaResult,
  };
}

function lambdaResult(result: HandleResult): LambdaHttpResult {
  return { statusCode: result.status, headers: result.headers, body: result.body, isBase64Encoded: false };
}
