/**
 * Group commit: callers' requests wait in a queue, and the queue goes to the database as one batch
 * while no other batch of this queue is in flight. Under load, the requests that arrive while one
 * batch commits make the next batch, so one commit (one WAL flush) serves many callers without
 * any timer; at low load a request goes out alone, after at most `windowMs`.
 */

/** How a store groups concurrent requests into one database statement. */
export interface GroupCommitOptions {
  /**
   * Most requests in one batch; more wait for the next one. `1` sends every request alone, as
   * soon as it comes, each its own statement and commit (no grouping). Default 128.
   */
  maxBatch?: number;
  /**
   * How long the first request of a batch waits for others to join, when no batch is in flight.
   * Default 0: it goes out at once with whatever arrived in the same turn of the event loop, and
   * requests arriving while it commits form the next batch.
   */
  windowMs?: number;
}

/** The options after validation. */
export interface GroupCommitSettings {
  maxBatch: number;
  windowMs: number;
}

/** Checks `groupCommit` of a store's options; a `TypeError` naming the option and the value. */
export function checkGroupCommit(where: string, options: GroupCommitOptions | undefined): GroupCommitSettings {
  if (options === undefined) return { maxBatch: 128, windowMs: 0 };
  if (typeof options !== "object" || options === null || Array.isArray(options))
    throw new TypeError(`${where}: groupCommit must be an object like { maxBatch: 128, windowMs: 0 }`);
  const { maxBatch = 128, windowMs = 0 } = options;
  if (typeof maxBatch !== "number" || !Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > 10_000)
    throw new TypeError(`${where}: groupCommit.maxBatch must be a whole number from 1 to 10000, not ${show(maxBatch)}`);
  if (typeof windowMs !== "number" || !Number.isFinite(windowMs) || windowMs < 0 || windowMs > 1000)
    throw new TypeError(`${where}: groupCommit.windowMs must be a number of ms from 0 to 1000, not ${show(windowMs)}`);
  return { maxBatch, windowMs };
}

function show(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** A queue that sends requests in batches; `submit` answers each caller with its own result. */
export interface GroupCommit<I, O> {
  submit(item: I): Promise<O>;
  /** Resolves once every submitted request has its answer. */
  drain(): Promise<void>;
}

interface Waiting<I, O> {
  item: I;
  resolve(value: O): void;
  reject(reason: unknown): void;
}

/**
 * A group-commit queue over `run`, which sends one batch (in arrival order) and settles each
 * request: a rejected entry fails only its caller; a thrown error fails every caller of the batch.
 */
export function createGroupCommit<I, O>(
  settings: GroupCommitSettings,
  run: (items: I[]) => Promise<PromiseSettledResult<O>[]>,
): GroupCommit<I, O> {
  const { maxBatch, windowMs } = settings;
  const queue: Waiting<I, O>[] = [];
  // One batch in flight at a time: batches commit in arrival order, so arrival order decides stock.
  let running = false;
  let scheduled: (() => void) | undefined; // cancels the pending start
  const idle: (() => void)[] = [];

  function start(): void {
    scheduled = undefined;
    if (running || queue.length === 0) return;
    running = true;
    const batch = queue.splice(0, maxBatch);
    run(batch.map((w) => w.item))
      .then(
        (settled) =>
          batch.forEach((waiting, i) => {
            const result = settled[i];
            if (result?.status === "fulfilled") waiting.resolve(result.value);
            else waiting.reject(result ? result.reason : new Error("group commit: a batch answered too few rows"));
          }),
        (error: unknown) => {
          for (const waiting of batch) waiting.reject(error);
        },
      )
      .finally(() => {
        running = false;
        if (queue.length > 0) schedule(0);
        else for (const done of idle.splice(0)) done();
      });
  }

  function schedule(delayMs: number): void {
    if (running || scheduled) return;
    // Even with no window, wait for the end of this turn: callers that start together share a batch,
    // and callers answered by the last batch queue their next request before this one goes.
    if (delayMs === 0) {
      const handle = setImmediate(start);
      scheduled = () => clearImmediate(handle);
    } else {
      const handle = setTimeout(start, delayMs);
      scheduled = () => clearTimeout(handle);
    }
  }

  if (maxBatch === 1) {
    // No grouping: each request is its own statement, as many at once as the pool allows.
    let open = 0;
    const waiters: (() => void)[] = [];
    return {
      async submit(item) {
        open++;
        try {
          const [result] = await run([item]);
          if (result?.status === "fulfilled") return result.value;
          throw result ? result.reason : new Error("group commit: a batch answered too few rows");
        } finally {
          if (--open === 0) for (const done of waiters.splice(0)) done();
        }
      },
      drain: () => (open === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve))),
    };
  }

  return {
    submit(item) {
      return new Promise<O>((resolve, reject) => {
        queue.push({ item, resolve, reject });
        if (queue.length >= maxBatch && !running) {
          scheduled?.();
          start();
        } else schedule(windowMs);
      });
    },
    drain() {
      if (!running && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}
