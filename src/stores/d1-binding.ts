/**
 * The part of Cloudflare's D1 binding (`env.DB`) the D1 store uses, typed here so the package
 * needs neither `@cloudflare/workers-types` nor any Cloudflare import: the binding a Worker gets,
 * and Miniflare's `getD1Database()`, both fit it.
 */

/** What D1 answers for one statement: its rows (for `SELECT` and `... RETURNING`). */
export interface D1ResultLike<T = Record<string, unknown>> {
  results: T[];
}

/** A prepared D1 statement, as `env.DB.prepare(sql)` returns it. */
export interface D1PreparedStatementLike {
  /** Binds the `?` parameters, in order. */
  bind(...values: unknown[]): D1PreparedStatementLike;
  /** Runs the statement alone and returns its rows. */
  all<T = Record<string, unknown>>(): Promise<D1ResultLike<T>>;
}

/** A D1 database binding (`env.DB` in a Worker with a `[[d1_databases]]` binding named `DB`). */
export interface D1DatabaseLike {
  /** Prepares one SQL statement. */
  prepare(query: string): D1PreparedStatementLike;
  /** Runs the statements in order as one transaction: all of them take effect, or none does. */
  batch<T = Record<string, unknown>>(statements: D1PreparedStatementLike[]): Promise<D1ResultLike<T>[]>;
}
