// What the docs' snippets take as given, as a reader does: values built in an earlier snippet or
// in the reader's own code, and the ambient types of the runtimes the adapters guide shows
// (Cloudflare Workers' Env and ExecutionContext, which `wrangler types` declares).
// Imports are not here: a snippet imports what it uses, or an earlier snippet of its page does.
import type { messagingApi } from "@line/bot-sdk";
import type { Express } from "express";
import type { Responder, RuleMatcher, RuleSet, Store, WebhookEvent } from "line-responder";
import type { D1DatabaseLike } from "line-responder/d1";
import type { Emulator } from "line-responder/testing";

declare global {
  const channelSecret: string;
  const channelAccessToken: string;
  const rules: RuleSet;
  const ruleSet: RuleSet;
  const matcher: RuleMatcher;
  const store: Store;
  const client: messagingApi.MessagingApiClient;
  const responder: Responder;
  const event: WebhookEvent;
  /** The reader's Express app, in the pages about moving one to line-responder. */
  const app: Express;
  const emulator: Emulator<"current" | "legacy">;
  /** The reader's metrics client, logger and paging. */
  const metrics: {
    increment(name: string, tags?: Record<string, string | number>): void;
    gauge(name: string, value: number, tags?: Record<string, string | number>): void;
  };
  const logger: { info(...args: unknown[]): void; warn(...args: unknown[]): void; error(...args: unknown[]): void };
  function alert(message: string): void;
  /** A test runner's `expect` (vitest, jest): the docs use a few matchers. */
  function expect(actual: unknown): {
    toEqual(expected: unknown): void;
    toBe(expected: unknown): void;
    toMatchObject(expected: object): void;
    toHaveLength(length: number): void;
  };

  /** Cloudflare Workers (wrangler types): the Worker's bindings and its execution context. */
  interface Env {
    LINE_CHANNEL_SECRET: string;
    LINE_CHANNEL_ACCESS_TOKEN: string;
    /** The D1 binding of `wrangler.toml` (`binding = "DB"`). */
    DB: D1DatabaseLike;
  }
  /** Workers' cron trigger (wrangler types). */
  interface ScheduledController {
    readonly scheduledTime: number;
    readonly cron: string;
  }
  interface ExecutionContext {
    waitUntil(promise: Promise<unknown>): void;
    passThroughOnException(): void;
  }
}
