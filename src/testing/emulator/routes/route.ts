/** What a route of the emulated Messaging API is: a method and path, and the answer it gives. */
import type { FaultEndpoint } from "../faults.js";

/** An answer, before it is written: the status, the JSON body, and extra headers. */
export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** What a route is handed of its request. */
export interface RouteInput {
  /** The parsed JSON body, `undefined` when there was none. */
  body: unknown;
  retryKey: string | undefined;
  /** The pattern's captured path segments. */
  params: string[];
  query: URLSearchParams;
}

/** One endpoint. `endpoint` names it for fault injection. */
export interface Route {
  method: string;
  pattern: RegExp;
  endpoint?: FaultEndpoint;
  handle(input: RouteInput): Answer | Promise<Answer>;
}

/** LINE's error answer: `{ message, ...extra }`. */
export const fail = (status: number, message: string, extra: object = {}): Answer => ({
  status,
  body: { message, ...extra },
});
