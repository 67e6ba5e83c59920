/**
 * The JSON answers the pipeline and the adapters give when they stop a request themselves
 * (413, 401, 400...): `{ "message": "..." }`, as LINE's own API answers errors. A module of its
 * own so that an adapter can use it without bundling the pipeline.
 */

/** The HTTP answer of `Responder.handle`: what an adapter writes back to LINE. */
export interface HandleResult {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_TYPE = "application/json; charset=utf-8";

/** The content type of every answer. */
export const JSON_HEADERS: Readonly<Record<string, string>> = { "content-type": JSON_TYPE };

/** `{ "message": message }` with `status`. */
export function answer(status: number, message: string): HandleResult {
  // A fresh headers object for each answer (callers may add to it), made without a spread: this runs for every request.
  return { status, headers: { "content-type": JSON_TYPE }, body: JSON.stringify({ message }) };
}
