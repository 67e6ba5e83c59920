/**
 * D1 for the test suites, locally: Miniflare (npm `miniflare`, which runs the `workerd` runtime
 * from its npm packages: no account, no network) with one D1 database shared by several Workers,
 * each its own isolate, as a deployed Worker's isolates share one database. A store instance in
 * the suites is a Node-side {@link Store} whose every call runs in one of those Workers.
 */
import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { build } from "esbuild";
import { Miniflare } from "miniflare";
import type { Store } from "../../../src/index.js";
import type { D1DatabaseLike, D1StoreOptions } from "../../../src/stores/d1.js";

/** The isolates sharing the database; store instances are spread over them in turn. */
export const ISOLATES = 4;

let script: Promise<string> | undefined;
/** The store Worker, bundled once per test process as Wrangler would: ESM, no node: modules. */
export function storeWorkerScript(): Promise<string> {
  script ??= build({
    entryPoints: [new URL("./store-worker.ts", import.meta.url).pathname],
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    logLevel: "silent",
  }).then((result) => result.outputFiles[0]?.text ?? "");
  return script;
}

/**
 * POSTs one call on a connection of its own. Not fetch: workerd closes idle keep-alive
 * connections, and a call sent on one it is closing fails with "other side closed" after the
 * store may have run it, which a retry could not tell apart from a store fault.
 */
function post(url: URL, body: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", agent: false, headers: { "content-type": "application/json" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => {
          try {
            resolve(JSON.parse(text));
          } catch {
            reject(new Error(`the D1 store Worker answered ${res.statusCode}: ${text.slice(0, 200)}`));
          }
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** One fresh D1 database, served by {@link ISOLATES} store Workers. */
export interface D1Server {
  /** A store instance on the database; `options` are createD1Store's. */
  store(options?: D1StoreOptions): Store;
  /** The database itself, straight from Node (Miniflare's proxy of the binding). */
  database(): Promise<D1DatabaseLike>;
  dispose(): Promise<void>;
}

/** Starts Miniflare with a fresh in-memory D1 database, migrated unless `migrate: false`. */
export async function startD1({ migrate = true } = {}): Promise<D1Server> {
  const code = await storeWorkerScript();
  const mf = new Miniflare({
    workers: Array.from({ length: ISOLATES }, (_, i) => ({
      name: `store-${i}`,
      modules: true,
      script: code,
      compatibilityDate: "2025-01-01",
      d1Databases: { DB: "line-responder-test" },
      // A socket of its own per Worker: Node's fetch straight to it is several times quicker
      // than going through Miniflare's entry Worker, which matters for suites of thousands of calls.
      unsafeDirectSockets: [{ port: 0 }],
    })),
  });
  await mf.ready;
  const urls = await Promise.all(Array.from({ length: ISOLATES }, (_, i) => mf.unsafeGetDirectURL(`store-${i}`)));
  let made = 0;

  function store(options?: D1StoreOptions): Store {
    const url = urls[made % ISOLATES] as URL;
    const name = `store-${made++}-${randomUUID()}`;
    const call =
      (method: string) =>
      async (...args: unknown[]): Promise<never> => {
        // JSON turns a trailing `undefined` (an omitted `now`) into null, which is not omitted.
        while (args.length > 0 && args.at(-1) === undefined) args.pop();
        const answer = (await post(url, JSON.stringify({ store: name, options, method, args }))) as {
          result?: never;
          error?: string;
        };
        if (answer.error !== undefined) throw new Error(answer.error);
        return answer.result as never;
      };
    return {
      beginEvent: call("beginEvent"),
      finishEvent: call("finishEvent"),
      releaseEvent: call("releaseEvent"),
      claimReward: call("claimReward"),
      updateClaim: call("updateClaim"),
      listClaims: call("listClaims"),
      migrate: call("migrate"),
    } as Store;
  }
  if (migrate) await (store() as Store & { migrate(): Promise<void> }).migrate();
  return {
    store,
    database: () => mf.getD1Database("DB", "store-0") as Promise<never>,
    dispose: () => mf.dispose(),
  };
}
