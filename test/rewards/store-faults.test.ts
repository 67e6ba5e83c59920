/**
 * The store fault suite: the store fails under a real node:http bot (the real SDK client, the
 * emulator as LINE) in each way a store fails, with and without processBeforeResponse, on every
 * store. LINE redelivers what was not answered 2xx; then one backfill. Every user holds the reward
 * exactly once, every non-2xx answer is one line of JSON, and nothing is left unhandled.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { messagingApi } from "@line/bot-sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createNodeHandler } from "../../src/adapters/node.js";
import { createResponder, parseRuleSet, type Responder } from "../../src/index.js";
import { type FaultyStore, faultyStore, StoreFaultError, signBody } from "../../src/testing/index.js";
import { GIFT_CAMPAIGN_YAML } from "../helpers/gift-campaign.js";
import { type LineApiStandIn, startLineApi } from "../helpers/line-api.js";
import { envelope, SECRET, textEvent } from "../helpers/webhook.js";
import { targets } from "../stores/targets.js";

const rules = parseRuleSet(GIFT_CAMPAIGN_YAML);
const USERS = 8;
const LEASE_MS = 300;

/** How the store fails around each user's first delivery. */
const scenarios: { name: string; users?: number; arm(store: FaultyStore): void; heal(store: FaultyStore): void }[] = [
  { name: "down for the whole first delivery", arm: (s) => s.down(), heal: (s) => s.up() },
  { name: "failing after its first call", arm: (s) => s.failAfter(1), heal: (s) => s.up() },
  { name: "failing once right after LINE accepted the send", arm: (s) => s.failSentWrites(1), heal: () => {} },
  // Every retry of the "sent" write fails: the fact waits in memory for this instance's backfill.
  { name: "failing for every write of 'sent'", users: 4, arm: (s) => s.failSentWrites(4), heal: () => {} },
];

let api: LineApiStandIn;
beforeAll(async () => {
  api = await startLineApi("token");
});
afterAll(() => api.close());

for (const target of targets) {
  describe.skipIf(!target.available)(`store faults: ${target.name}`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    let server: Server | undefined;
    afterEach(async () => {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
      await cleanup?.();
      cleanup = undefined;
    });

    for (const scenario of scenarios) {
      for (const processBeforeResponse of [false, true]) {
        it(
          `${scenario.name}${processBeforeResponse ? ", processBeforeResponse" : ""}: each user rewarded exactly once`,
          async () => {
            await api.reset();
            const data = await target.open();
            cleanup = data.cleanup;
            const store = faultyStore(await data.instance());
            const unexpected: unknown[] = [];
            const responder: Responder = createResponder({
              channelSecret: SECRET,
              rules,
              store,
              client: new messagingApi.MessagingApiClient({ channelAccessToken: "token", baseURL: api.baseURL }),
              processBeforeResponse,
              processingLeaseMs: LEASE_MS,
              delivery: { requestTimeoutMs: 500, retry: { baseDelayMs: 10, maxDelayMs: 200 } },
              onError: (error) => {
                // Injected faults, and what the pipeline says about them, are expected; anything else is not.
                const text = String(error);
                if (!(error instanceof StoreFaultError) && !text.includes("store fault injected"))
                  unexpected.push(error);
              },
            });
            server = createServer(createNodeHandler(responder));
            await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
            const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;

            const answers: { status: number; body: string }[] = [];
            const deliver = async (event: ReturnType<typeof textEvent>, redelivery: boolean) => {
              const body = envelope(JSON.stringify({ ...event, deliveryContext: { isRedelivery: redelivery } }));
              const res = await fetch(url, {
                method: "POST",
                body,
                headers: { "x-line-signature": await signBody(SECRET, body) },
              });
              const answer = { status: res.status, body: await res.text() };
              answers.push(answer);
              return answer.status;
            };

            const users = Array.from({ length: scenario.users ?? USERS }, (_, i) => `F${target.name}${i}`);
            for (const userId of users) {
              const event = textEvent("プレゼント", { userId, replyToken: api.issueReplyToken(userId) });
              scenario.arm(store);
              let status = await deliver(event, false);
              scenario.heal(store);
              // LINE redelivers until it gets a 2xx (bounded here; LINE's own schedule is longer).
              for (let i = 0; i < 40 && status !== 200; i++) {
                await new Promise((resolve) => setTimeout(resolve, 50));
                status = await deliver(event, true);
              }
              expect(status).toBe(200);
              await responder.drain();
            }
            // One backfill, once the leases of deliveries that failed mid-way have run out.
            await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 50));
            await responder.backfill({ olderThan: 0 });

            const { claims } = await store.listClaims({ limit: 1000 });
            expect(claims.map((c) => [c.userId, c.status]).sort()).toEqual(users.map((u) => [u, "sent"]).sort());
            const received = new Map<string, number>();
            for (const d of api.deliveries) received.set(d.to, (received.get(d.to) ?? 0) + 1);
            expect([...received.entries()].sort()).toEqual(users.map((u) => [u, 1]).sort());
            for (const answer of answers.filter((a) => a.status !== 200)) {
              expect(answer.status).toBe(500);
              expect(Object.keys(JSON.parse(answer.body))).toEqual(["message"]);
              expect(answer.body).not.toMatch(/\n|\bat .*:\d+/);
            }
            expect(unexpected).toEqual([]);
            expect(store.stats.failures).toBeGreaterThan(0);
          },
          60_000 * (target.timeScale ?? 1),
        );
      }
    }
  });
}
