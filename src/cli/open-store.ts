/**
 * `--store URL` for the operator commands: `redis://` (or `rediss://`) and `postgres://` (or
 * `postgresql://`), with the bot's key prefix or schema as a `prefix=` / `schema=` parameter.
 * The store's package (ioredis, pg) is loaded only for the scheme asked for.
 */
import type { Store } from "../stores/store.js";
import { type CliIO, InputError, UsageError } from "./io.js";

/** A store the CLI opened, closed when the command ends. */
export async function openStore(url: string | undefined, io: CliIO): Promise<Store> {
  if (url === undefined)
    throw new UsageError("--store is required: redis://host:6379?prefix=... or postgres://user@host/db?schema=...");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--store ${JSON.stringify(url)} is not a URL (redis://... or postgres://...)`);
  }
  const param = (name: string) => {
    const value = parsed.searchParams.get(name) ?? undefined;
    parsed.searchParams.delete(name);
    return value;
  };
  const scheme = parsed.protocol.replace(/:$/, "");
  if (scheme === "redis" || scheme === "rediss") {
    const prefix = param("prefix");
    const { createRedisStore } = await load("ioredis", () => import("../stores/redis.js"));
    return createRedisStore({
      url: parsed.toString(),
      ...(prefix === undefined ? {} : { prefix }),
      onWarning: (message) => io.stderr(`line-responder: ${message}\n`),
    });
  }
  if (scheme === "postgres" || scheme === "postgresql") {
    const schema = param("schema");
    const { createPostgresStore } = await load("pg", () => import("../stores/postgres.js"));
    return createPostgresStore({ url: parsed.toString(), ...(schema === undefined ? {} : { schema }) });
  }
  throw new UsageError(`--store must be a redis:// or postgres:// URL, not ${scheme}://`);
}

async function load<T>(name: string, importer: () => Promise<T>): Promise<T> {
  try {
    return await importer();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" || (error as Error).message.includes(name)) {
      throw new InputError(`this store needs the ${name} package: npm install ${name}`);
    }
    throw error;
  }
}
