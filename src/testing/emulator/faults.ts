/**
 * Faults the emulator injects, seeded so a run repeats: LINE's 5xx and 429 (with `Retry-After`),
 * slow answers, and dropped connections, before or after the request took effect. "After" is the
 * case a sender must survive: LINE sent the message, and the answer never arrived.
 */

/**
 * What faults apply to: the send endpoints, or `webhook`, LINE's own delivery to the bot, where a
 * `drop` means LINE did not see the bot's answer in time (it redelivers when redelivery is on).
 */
export type FaultEndpoint = "reply" | "push" | "multicast" | "webhook" | "*";

/** One kind of failure, on a share of the requests to an endpoint. */
export interface Fault {
  endpoint: FaultEndpoint;
  /** Share of requests, 0 to 1. */
  rate: number;
  /** Answer with this status (5xx, 429...); omit for a dropped connection or latency only. */
  status?: number;
  /**
   * The `message` of the error body, as LINE words it (`Invalid reply token`, `You have reached your
   * monthly limit.`). Default: LINE's wording for the status (`Internal server error` for a 500).
   */
  message?: string;
  /** Drop the connection without an answer. */
  drop?: boolean;
  /** Let the request take effect first (messages delivered), then fail the answer. Default false. */
  afterEffect?: boolean;
  /** `Retry-After` seconds on a 429 or 503. */
  retryAfterSeconds?: number;
  /** Delay before answering, in ms. */
  latencyMs?: number;
}

/** A seeded die: mulberry32, small and good enough for test scenarios. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The die of one request, from the seed and what the request is (its reply token, retry key or
 * webhook event, and how many times that was seen before), never from arrival order: bots that
 * send concurrently meet the same faults on every run with the same seed.
 */
export function requestRoll(seed: number, identity: string, seen: number): number {
  // FNV-1a over the identity, mixed with the seed and the repeat count, then one mulberry32 step.
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < identity.length; i++) hash = Math.imul(hash ^ identity.charCodeAt(i), 0x01000193);
  return seededRandom(Math.imul(hash ^ seen, 0x9e3779b1))();
}

/** Picks the fault, if any, for one request: one roll per request, faults in the order given. */
export function pickFault(faults: readonly Fault[], endpoint: FaultEndpoint, roll: number): Fault | undefined {
  let threshold = 0;
  for (const fault of faults) {
    // "*" means the send endpoints: LINE's webhook delivery fails only when asked for by name.
    if (fault.endpoint !== endpoint && (fault.endpoint !== "*" || endpoint === "webhook")) continue;
    threshold += fault.rate;
    if (roll < threshold) return fault;
  }
  return undefined;
}

/** Refuses fault specs that cannot mean anything, naming the field. */
export function checkFaults(faults: readonly Fault[]): void {
  faults.forEach((fault, i) => {
    const where = `faults[${i}]`;
    if (!["reply", "push", "multicast", "webhook", "*"].includes(fault.endpoint)) {
      throw new TypeError(
        `${where}.endpoint must be reply, push, multicast, webhook or *, not ${JSON.stringify(fault.endpoint)}`,
      );
    }
    if (!(fault.rate >= 0 && fault.rate <= 1)) throw new TypeError(`${where}.rate must be between 0 and 1`);
    if (fault.status !== undefined && !(Number.isInteger(fault.status) && fault.status >= 400 && fault.status <= 599)) {
      throw new TypeError(`${where}.status must be an HTTP error status (400-599)`);
    }
    if (fault.message !== undefined && (typeof fault.message !== "string" || fault.status === undefined)) {
      throw new TypeError(`${where}.message must be text, and goes with a status`);
    }
    if (fault.status === undefined && !fault.drop && fault.latencyMs === undefined) {
      throw new TypeError(`${where} needs status, drop or latencyMs`);
    }
  });
}

// What LINE's error bodies say for a status when the fault names no message; any other status
// gets its HTTP reason phrase.
const LINE_MESSAGES: Readonly<Record<number, string>> = {
  401: "Authentication failed. Confirm that the access token in the authorization header is valid.",
  403: "You are not authorized to use this API.",
  404: "Not found",
  409: "The retry key is already accepted",
  429: "Too many requests",
  500: "Internal server error",
};

/** The `message` of the error body a fault answers with. */
export function faultMessage(fault: Fault, reasonPhrase: (status: number) => string | undefined): string {
  if (fault.message !== undefined) return fault.message;
  const status = fault.status ?? 500;
  return LINE_MESSAGES[status] ?? reasonPhrase(status) ?? `HTTP ${status}`;
}
