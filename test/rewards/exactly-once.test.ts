/**
 * The promise of reward dispatch, end to end: many instances on one shared store, redeliveries,
 * LINE failing a fifth of the sends, processes dying between claim and send and after a push got
 * through; after backfill every user holds the reward exactly once and LINE delivered it once.
 */
import { messagingApi } from "@line/bot-sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createResponder, parseRuleSet, type Responder, type RewardClaim, type Store } from "../../src/index.js";
import { type LineApiStandIn, startLineApi } from "../helpers/line-api.js";
import { SECRET, textEvent } from "../helpers/webhook.js";
import { targets } from "../stores/targets.js";

const STOCK = 120;
const rules = parseRuleSet(`
version: 1
rewards:
  voice-gift:
    messages: [{ type: audio, originalContentUrl: "https://example.com/gift.m4a", duration: 60000 }]
  coupon:
    messages: [{ type: coupon, couponId: "SURVEY_THANKS" }]
    stock: ${STOCK}
rules:
  - { id: survey-gift, keywords: [プレゼント], reward: voice-gift }
  - { id: coupon, keywords: [クーポン], reward: coupon }
`);

/** A process killed at a chosen point: the store write there throws, and nothing after it runs. */
class Killed extends Error {}
function killable(store: Store, kill: { afterClaim: Set<string>; afterPush: Set<string> }): Store {
  const channel = new Map<string, string>();
  return {
    ...store,
    async beginEvent(input) {
      const result = await store.beginEvent(input);
      const reward = input.reward;
      if (
        reward &&
        result.event === "new" &&
        result.reward?.outcome === "new" &&
        kill.afterClaim.delete(`${reward.rewardId}:${reward.userId}`)
      ) {
        throw new Killed("killed between claim and send");
      }
      return result;
    },
    async updateClaim(id, patch, now) {
      if (patch.unconfirmed) channel.set(id, patch.unconfirmed);
      const key = id.replace(/:\d+$/, "");
      if (patch.status === "sent" && channel.get(id) === "push" && kill.afterPush.delete(key)) {
        throw new Killed("killed after LINE accepted the push, before the answer was recorded");
      }
      return store.updateClaim(id, patch, now);
    },
  };
}

let api: LineApiStandIn;
beforeAll(async () => {
  api = await startLineApi("token");
});
afterAll(() => api.close());

for (const target of targets) {
  describe.skipIf(!target.available)(`exactly once, 4 instances on one ${target.name} store`, () => {
    // Time bounds (never counts) grow for a store whose calls take longer.
    const ms = (n: number) => n * (target.timeScale ?? 1);
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    async function run(options: { faults: boolean }) {
      await api.reset();
      const data = await target.open();
      cleanup = data.cleanup;
      const users = Array.from({ length: 500 }, (_, i) => `U${String(i).padStart(4, "0")}`);
      const kill = {
        afterClaim: new Set(options.faults ? users.filter((_, i) => i % 20 === 3).map((u) => `voice-gift:${u}`) : []),
        afterPush: new Set(options.faults ? users.filter((_, i) => i % 20 === 5).map((u) => `voice-gift:${u}`) : []),
      };
      const stores: Store[] = [];
      const responders: Responder[] = [];
      for (let i = 0; i < 4; i++) {
        const store = await data.instance();
        stores.push(store);
        responders.push(
          createResponder({
            channelSecret: SECRET,
            rules,
            store: killable(store, kill),
            client: new messagingApi.MessagingApiClient({ channelAccessToken: "token", baseURL: api.baseURL }),
            // Timeouts far above a loaded machine's answer times: a reply that is merely slow must not
            // read as "outcome unknown" (which ambiguousReply: "push" would send again by design).
            delivery: { requestTimeoutMs: 1000, retry: { baseDelayMs: 10, maxDelayMs: 1500, maxAttempts: 10 } },
            // A killed delivery's hold on its event and claim runs out this soon (yet longer than any live
            // delivery takes to its first send, even on a loaded machine), so backfill can finish it.
            processingLeaseMs: 5000,
            onError: (error) => {
              if (!(error instanceof Killed)) throw error;
            },
          }),
        );
      }
      if (options.faults) {
        api.faults = {
          rate: 0.2,
          kinds: ["500-before", "500-after", "429", "timeout-before", "timeout-after"],
          retryAfterSeconds: 1,
          // Held past the client's timeout, so these stay timeouts.
          hangMs: 1500,
        };
      }
      // Two keyword events per user (gift, coupon), each delivered 3 times. A fifth of the users'
      // events come 25 minutes late (a backlog): no reply then, so backfill pushes those rewards.
      const late = Date.now() - 25 * 60 * 1000;
      const deliveries = users.flatMap((userId, u) =>
        ["プレゼント", "クーポン"].flatMap((text) => {
          const event = textEvent(text, {
            userId,
            replyToken: api.issueReplyToken(userId),
            ...(u % 5 === 0 ? { timestamp: late } : {}),
          });
          return [0, 1, 2].map((copy) => ({
            ...event,
            deliveryContext: { isRedelivery: copy > 0 },
          }));
        }),
      );
      let next = 0;
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (next < deliveries.length) {
            const i = next++;
            await responders[(i * 7) % 4]?.handleEvents([deliveries[i]]);
          }
        }),
      );

      // Cron on two instances at once, LINE still failing as often, until nothing is left (a dead
      // process's lease must run out first).
      const started = Date.now();
      for (;;) {
        const { claims: left } = await (stores[0] as Store).listClaims({
          statuses: ["pending", "failed", "deferred"],
          limit: 1000,
        });
        if (left?.length === 0 || Date.now() - started > ms(20_000)) break;
        await Promise.all([responders[1]?.backfill({ olderThan: 0 }), responders[2]?.backfill({ olderThan: 0 })]);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }

      const { claims } = await (stores[0] as Store).listClaims({ limit: 5000 });
      return { users, claims, kill };
    }

    function expectExactlyOnce(users: string[], claims: RewardClaim[]) {
      const gifts = claims.filter((c) => c.rewardId === "voice-gift");
      const coupons = claims.filter((c) => c.rewardId === "coupon");
      expect(gifts.map((c) => c.userId).sort()).toEqual(users);
      expect(gifts.every((c) => c.status === "sent")).toBe(true);
      expect(coupons).toHaveLength(STOCK);
      expect(coupons.every((c) => c.status === "sent")).toBe(true);

      const giftDeliveries = new Map<string, number>();
      const couponDeliveries = new Map<string, number>();
      for (const d of api.deliveries) {
        const seen = d.messages[0]?.type === "coupon" ? couponDeliveries : giftDeliveries;
        seen.set(d.to, (seen.get(d.to) ?? 0) + 1);
      }
      expect([...giftDeliveries.keys()].sort()).toEqual(users);
      expect([...giftDeliveries.values()].every((n) => n === 1)).toBe(true);
      expect([...couponDeliveries.keys()].sort()).toEqual(coupons.map((c) => c.userId).sort());
      expect([...couponDeliveries.values()].every((n) => n === 1)).toBe(true);
    }

    it(
      "64 concurrent handlers, 500 users, 3 deliveries each: one sent claim and one delivery per user; stock holds",
      async () => {
        const { users, claims } = await run({ faults: false });
        expectExactlyOnce(users, claims);
        // Free replies whenever the token was fresh; pushes (billed) only for the late events.
        const expired = new Set(users.filter((_, u) => u % 5 === 0));
        expect(api.deliveries.every((d) => (d.via === "push") === expired.has(d.to))).toBe(true);
        expect(api.requests.filter((r) => r.endsWith("/push"))).toHaveLength(
          api.deliveries.filter((d) => d.via === "push").length,
        );
      },
      ms(60_000),
    );

    it(
      "20% of sends failing (5xx, 429, timeouts) and processes killed: after backfill, exactly once, 409s counted",
      async () => {
        const { users, claims, kill } = await run({ faults: true });
        expect(kill.afterClaim.size + kill.afterPush.size).toBe(0);
        expectExactlyOnce(users, claims);
        const accepted409 = claims.filter((c) => c.reason?.includes("409")).length;
        expect(accepted409).toBeGreaterThan(0);
      },
      ms(90_000),
    );
  });
}
