import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createPostgresStore, schemaSql } from "../../src/stores/postgres.js";
import { createRedisStore } from "../../src/stores/redis.js";
import { StoreConnectionError } from "../../src/stores/store-error.js";

describe("store set-up", () => {
  it("a Redis URL where nothing listens fails at start, in one line", async () => {
    const error = await createRedisStore({ url: "redis://127.0.0.1:1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreConnectionError);
    expect((error as Error).message).toMatch(/^cannot connect to Redis at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect((error as Error).message.split("\n")).toHaveLength(1);
  });

  it("a PostgreSQL URL where nothing listens fails at start, in one line, password hidden", async () => {
    const error = await createPostgresStore({ url: "postgres://bot:secret@127.0.0.1:1/test" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreConnectionError);
    expect((error as Error).message).toMatch(
      /^cannot connect to PostgreSQL at postgres:\/\/bot:\*\*\*@127\.0\.0\.1:1\/test: /,
    );
    expect((error as Error).message).not.toContain("secret");
  });

  it("refuses a schema name that is not a plain identifier", async () => {
    await expect(createPostgresStore({ schema: "x; DROP TABLE y" })).rejects.toThrow(/plain SQL identifier/);
  });

  it("the shipped SQL migration is the one migrate() applies", () => {
    expect(readFileSync(new URL("../../sql/001_line_responder.sql", import.meta.url), "utf8")).toBe(schemaSql());
  });
});
