/**
 * Granting by hand: under the reward's limit and stock whatever runs at the same time, once per
 * key, refusals typed, and a list that stops cleanly at the monthly quota and finishes on a rerun.
 */
import { messagingApi } from "@line/bot-sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createResponder, parseRuleSet, type Responder, type Store } from "../../src/index.js";
import { type LineApiStandIn, startLineApi } from "../helpers/line-api.js";
import { SECRET, textEvent } from "../helpers/webhook.js";
import { targets } from "../stores/targets.js";

const rules = parseRuleSet(`
version: 1
rewards:
  coupon:
    messages: [{ type: coupon, couponId: "SORRY_COUPON" }]
    stock: 50
  voice-gift:
    messages: [{ type: audio, originalContentUrl: "https://example.com/gift.m4a", duration: 60000 }]
rules:
  - { id: coupon, keywords: [クーポン], reward: coupon }
  - { id: gift, keywords: [プレゼント], reward: voice-gift }
`);

let api: LineApiStandIn;
beforeAll(async () => {
  api = await startLineApi("token");
});
afterAll(() => api.close());

for (const target of targets) {
  describe.skipIf(!target.available)(`grant: ${target.name}`, () => {
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });
    async function setup(instances = 1): Promise<{ responders: Responder[]; store: Store }> {
      await api.reset();
      const data = await target.open();
      cleanup = data.cleanup;
      const responders: Responder[] = [];
      let first: Store | undefined;
      for (let i = 0; i < instances; i++) {
        const store = await data.instance();
        first ??= store;
        responders.push(
          createResponder({
            channelSecret: SECRET,
            rules,
            store,
            client: new messagingApi.MessagingApiClient({ channelAccessToken: "token", baseURL: api.baseURL }),
          }),
        );
      }
      return { responders, store: first as Store };
    }
    const received = () => {
      const perUser = new Map<string, number>();
      for (const d of api.deliveries) perUser.set(d.to, (perUser.get(d.to) ?? 0) + 1);
      return perUser;
    };

    it("64 concurrent grants and keyword claims on 2 instances: stock exact, no user over the limit", async () => {
      const { responders } = await setup(2);
      const users = Array.from({ length: 150 }, (_, i) => `G${i}`);
      const tasks = users.flatMap((userId, i) => [
        () =>
          (responders[i % 2] as Responder).grant({
            userId,
            rewardId: "coupon",
            reason: "apology",
            key: `sorry:${userId}`,
          }),
        () =>
          (responders[(i + 1) % 2] as Responder).handleEvents([
            textEvent("クーポン", { userId, replyToken: api.issueReplyToken(userId) }),
          ]),
      ]);
      let next = 0;
      await Promise.all(
        Array.from({ length: 64 }, async () => {
          while (next < tasks.length) await (tasks[next++] as () => Promise<unknown>)();
        }),
      );
      const { claims } = await (responders[0] as Responder).store.listClaims({ rewardId: "coupon", limit: 1000 });
      expect(claims).toHaveLength(50);
      expect(new Set(claims.map((c) => c.userId)).size).toBe(50);
      expect(claims.every((c) => c.status === "sent")).toBe(true);
      const perUser = received();
      expect([...perUser.values()].every((n) => n === 1)).toBe(true);
      expect(perUser.size).toBe(50);
    }, 60_000);

    it("the same key grants once; a new key for a user at the limit, an unknown reward and an empty stock are refused", async () => {
      const { responders } = await setup();
      const responder = responders[0] as Responder;
      const request = {
        userId: "Ualice",
        rewardId: "voice-gift",
        reason: "campaign went silent",
        key: "outage-1:Ualice",
      };
      const first = await responder.grant(request);
      expect(first).toMatchObject({ status: "sent", claimId: "voice-gift:Ualice:1", repeated: false });
      expect(await responder.grant(request)).toMatchObject({ status: "sent", repeated: true });
      expect(await responder.grant({ ...request, key: "outage-2:Ualice" })).toMatchObject({
        status: "refused",
        refusal: "at-limit",
        claimId: "voice-gift:Ualice:1",
      });
      expect(await responder.grant({ ...request, rewardId: "voice-gfit" })).toEqual({
        status: "refused",
        userId: "Ualice",
        rewardId: "voice-gfit",
        refusal: "unknown-reward",
        message: 'reward "voice-gfit" is not in the rule set (did you mean "voice-gift"?)',
      });
      const many = await responder.grantMany(
        Array.from({ length: 51 }, (_, i) => ({ userId: `S${i}`, rewardId: "coupon", reason: "sorry", key: `s${i}` })),
        { concurrency: 8 },
      );
      expect(many).toMatchObject({ sent: 50, refused: 1 });
      expect(many.results.filter((r) => r.status === "refused")).toEqual([
        expect.objectContaining({ refusal: "out-of-stock", message: 'reward "coupon" is out of stock (all 50 given)' }),
      ]);
      // One push per grant that went out, with a retry key; nothing twice.
      expect([...received().values()].every((n) => n === 1)).toBe(true);
      expect(api.deliveries.filter((d) => d.via === "push")).toHaveLength(51);
      expect(api.deliveries.every((d) => d.retryKey !== undefined)).toBe(true);
      await expect(responder.grant({ ...request, userId: "" })).rejects.toThrow(/userId must be a non-empty string/);
    });

    it("a list stops cleanly at the monthly quota; a rerun once it is back finishes the rest with no double", async () => {
      const { responders } = await setup();
      const responder = responders[0] as Responder;
      api.quota = 3;
      const list = Array.from({ length: 6 }, (_, i) => ({
        userId: `Q${i}`,
        rewardId: "voice-gift",
        reason: "missed during the outage",
        key: `outage:Q${i}`,
      }));
      const progress: number[] = [];
      const first = await responder.grantMany(list, { concurrency: 1, onProgress: (done) => progress.push(done) });
      expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
      expect(first.results.map((r) => r.status)).toEqual([
        "sent",
        "sent",
        "sent",
        "blocked-quota",
        "pending",
        "pending",
      ]);
      expect(received().size).toBe(3);
      api.quota = undefined;
      const rerun = await responder.grantMany(list, { concurrency: 2 });
      expect(rerun.results.map((r) => [r.status, "repeated" in r && r.repeated])).toEqual(
        list.map(() => ["sent", true]),
      );
      expect([...received().entries()].sort()).toEqual(list.map((r) => [r.userId, 1]));
    });
  });
}
