/**
 * A Worker that hosts D1 stores for the Node-side test suites: each POST calls one method of the
 * store named in it (created on first use, on `env.DB`) and answers its result as JSON, or
 * `{ error }`. The store's code runs in workerd against the real D1 binding, as in production;
 * the suites drive it through {@link ../d1/miniflare.ts}. Bundled by esbuild at test time.
 */
import { createD1Store, type D1DatabaseLike, type D1Store, type D1StoreOptions } from "../../../src/stores/d1.js";

interface Call {
  store: string;
  options?: D1StoreOptions;
  method: keyof D1Store;
  args: unknown[];
}

const stores = new Map<string, D1Store>();

export default {
  async fetch(request: Request, env: { DB: D1DatabaseLike }): Promise<Response> {
    const call = (await request.json()) as Call;
    try {
      let store = stores.get(call.store);
      if (!store) {
        store = createD1Store(env.DB, call.options);
        stores.set(call.store, store);
      }
      const method = store[call.method] as (...args: unknown[]) => Promise<unknown>;
      const result = await method.apply(store, call.args);
      return Response.json(result === undefined ? {} : { result });
    } catch (error) {
      return Response.json({ error: error instanceof Error ? error.message : String(error) });
    }
  },
};
