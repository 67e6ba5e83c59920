import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ClaimQuery, RewardClaim, Store } from "../../src/index.js";
import { claimOrder } from "../../src/stores/store.js";
import { redisClusterTarget, targets } from "./targets.js";

for (const target of [...targets, redisClusterTarget]) {
  if (!target.available) console.warn(target.skipReason);

  describe.skipIf(!target.available)(`store conformance: ${target.name}`, () => {
    // Starting a cluster on a loaded machine takes longer than one test may.
    beforeAll(() => target.start?.(), 120_000);
    afterAll(() => target.shutdown?.());
    // A short lease, and a wait past it: longer for a store whose calls take longer.
    const ms = (n: number) => n * (target.timeScale ?? 1);
    let cleanup: (() => Promise<void>) | undefined;
    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });
    async function open(instances = 1): Promise<Store[]> {
      const data = await target.open();
      cleanup = data.cleanup;
      const stores: Store[] = [];
      for (let i = 0; i < instances; i++) stores.push(await data.instance());
      return stores;
    }

    it("beginEvent: new, busy while its lease lives, duplicate once finished, new again when released or expired", async () => {
      const [store] = (await open()) as [Store];
      expect(await store.beginEvent({ eventId: "01JEVENT", leaseMs: 60_000 })).toEqual({ event: "new" });
      expect(await store.beginEvent({ eventId: "01JEVENT", leaseMs: 60_000 })).toEqual({ event: "busy" });
      await store.finishEvent("01JEVENT", 60_000);
      expect(await store.beginEvent({ eventId: "01JEVENT", leaseMs: 60_000 })).toEqual({ event: "duplicate" });
      await store.releaseEvent("01JEVENT");
      expect(await store.beginEvent({ eventId: "01JEVENT", leaseMs: 60_000 })).toEqual({ event: "new" });
      // A delivery that died mid-way: its lease runs out and the next delivery takes the event over.
      expect(await store.beginEvent({ eventId: "01JCRASH", leaseMs: ms(40) })).toEqual({ event: "new" });
      await new Promise((resolve) => setTimeout(resolve, ms(80)));
      expect(await store.beginEvent({ eventId: "01JCRASH", leaseMs: 60_000 })).toEqual({ event: "new" });
      // Deduplication ends with its TTL.
      await store.finishEvent("01JSHORT", ms(40));
      expect(await store.beginEvent({ eventId: "01JSHORT", leaseMs: 60_000 })).toEqual({ event: "duplicate" });
      await new Promise((resolve) => setTimeout(resolve, ms(80)));
      expect(await store.beginEvent({ eventId: "01JSHORT", leaseMs: 60_000 })).toEqual({ event: "new" });
    });

    it("beginEvent claims the reward in the same step, leased to the caller; a takeover resumes the unsent claim", async () => {
      const [a, b] = (await open(2)) as [Store, Store];
      const reward = { rewardId: "gift", userId: "U1", limit: "once-per-user" as const };
      const first = await a.beginEvent({ eventId: "e1", leaseMs: ms(40), reward });
      expect(first).toMatchObject({
        event: "new",
        reward: { outcome: "new", claim: { id: "gift:U1:1", eventId: "e1" } },
      });
      // Leased to the delivery that claimed it: backfill does not take it meanwhile.
      expect((await b.listClaims({ statuses: ["pending"], leaseMs: 1000 })).claims).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, ms(80)));
      // That delivery died before sending: the redelivery takes the event and the claim over.
      const again = await b.beginEvent({ eventId: "e1", leaseMs: 60_000, reward });
      expect(again).toMatchObject({ event: "new", reward: { outcome: "resumed", claim: { id: "gift:U1:1" } } });
      // Only one delivery resumes it: the claim's lease is now the second delivery's.
      await b.releaseEvent("e1");
      expect(await a.beginEvent({ eventId: "e1", leaseMs: 60_000, reward })).toMatchObject({
        event: "new",
        reward: { outcome: "duplicate" },
      });
      // Another event of the same user is a duplicate of the claim, never a resume.
      await b.updateClaim("gift:U1:1", { leaseUntil: 0 });
      expect(await a.beginEvent({ eventId: "e2", leaseMs: 60_000, reward })).toMatchObject({
        event: "new",
        reward: { outcome: "duplicate", claim: { eventId: "e1" } },
      });
      // A sent claim is never resumed.
      await b.updateClaim("gift:U1:1", { status: "sent", leaseUntil: 0 });
      await a.releaseEvent("e1");
      expect(await a.beginEvent({ eventId: "e1", leaseMs: 60_000, reward })).toMatchObject({
        event: "new",
        reward: { outcome: "duplicate", claim: { status: "sent" } },
      });
    });

    it("beginEvent on a taken event claims nothing: busy and duplicate leave the reward alone", async () => {
      const [store] = (await open()) as [Store];
      await store.beginEvent({ eventId: "e1", leaseMs: 60_000 });
      const reward = { rewardId: "coupon", userId: "U1", limit: "once-per-user" as const, stock: 5 };
      expect(await store.beginEvent({ eventId: "e1", leaseMs: 60_000, reward })).toEqual({ event: "busy" });
      await store.finishEvent("e1", 60_000);
      expect(await store.beginEvent({ eventId: "e1", leaseMs: 60_000, reward })).toEqual({ event: "duplicate" });
      expect((await store.listClaims({})).claims).toEqual([]);
    });

    it("once-per-user: new, then duplicate for the same event and for any later one", async () => {
      const [store] = (await open()) as [Store];
      const claim = (userId: string, eventId: string) =>
        store.claimReward({ rewardId: "gift", userId, eventId, limit: "once-per-user", now: 1000 });
      const first = await claim("U1", "e1");
      expect(first).toMatchObject({
        outcome: "new",
        claim: { id: "gift:U1:1", slot: 1, status: "pending", eventId: "e1", sentMessageIds: [] },
      });
      expect(await claim("U1", "e1")).toMatchObject({ outcome: "duplicate", claim: { id: "gift:U1:1" } });
      expect(await claim("U1", "e2")).toMatchObject({ outcome: "duplicate", claim: { id: "gift:U1:1" } });
      expect(await claim("U2", "e3")).toMatchObject({ outcome: "new", claim: { id: "gift:U2:1" } });
    });

    it("perUser N and unlimited", async () => {
      const [store] = (await open()) as [Store];
      const twice = (eventId: string) =>
        store.claimReward({ rewardId: "stamp", userId: "U1", eventId, limit: { perUser: 2 } });
      expect((await twice("a")).outcome).toBe("new");
      expect(await twice("b")).toMatchObject({ outcome: "new", claim: { slot: 2 } });
      expect(await twice("c")).toMatchObject({ outcome: "duplicate", claim: { slot: 2 } });
      const any = (eventId: string) =>
        store.claimReward({ rewardId: "reply", userId: "U1", eventId, limit: "unlimited" });
      for (const e of ["x", "y", "z"]) expect((await any(e)).outcome).toBe("new");
      expect(await any("y")).toMatchObject({ outcome: "duplicate", claim: { slot: 2 } });
    });

    it("stock: the first N users only; a user who has one is still a duplicate", async () => {
      const [store] = (await open()) as [Store];
      const outcomes: string[] = [];
      for (const user of ["U1", "U2", "U3", "U4", "U5"]) {
        outcomes.push(
          (
            await store.claimReward({
              rewardId: "coupon",
              userId: user,
              eventId: `e-${user}`,
              limit: "once-per-user",
              stock: 3,
            })
          ).outcome,
        );
      }
      expect(outcomes).toEqual(["new", "new", "new", "out-of-stock", "out-of-stock"]);
      expect(
        (
          await store.claimReward({
            rewardId: "coupon",
            userId: "U1",
            eventId: "later",
            limit: "once-per-user",
            stock: 3,
          })
        ).outcome,
      ).toBe("duplicate");
    });

    it("updateClaim and listClaims: statuses, order, createdBefore, limit", async () => {
      const [store] = (await open()) as [Store];
      for (const [i, user] of ["U1", "U2", "U3"].entries()) {
        await store.claimReward({
          rewardId: "gift",
          userId: user,
          eventId: `e${i}`,
          limit: "once-per-user",
          now: 1000 + i,
        });
      }
      const sent = await store.updateClaim(
        "gift:U2:1",
        { status: "sent", attempts: 1, sentMessageIds: ["m1", "m2"] },
        5000,
      );
      expect(sent).toMatchObject({
        status: "sent",
        attempts: 1,
        sentMessageIds: ["m1", "m2"],
        updatedAt: 5000,
        createdAt: 1001,
      });
      await store.updateClaim("gift:U3:1", { status: "failed", reason: "HTTP 500" });
      expect(await store.updateClaim("gift:nobody:1", { status: "sent" })).toBeUndefined();
      const ids = async (query: Parameters<Store["listClaims"]>[0]) =>
        (await store.listClaims(query)).claims.map((c) => c.id);
      expect(await ids({})).toEqual(["gift:U1:1", "gift:U2:1", "gift:U3:1"]);
      expect(await ids({ statuses: ["pending", "failed"] })).toEqual(["gift:U1:1", "gift:U3:1"]);
      expect(await ids({ statuses: ["sent"] })).toEqual(["gift:U2:1"]);
      expect(await ids({ createdBefore: 1002 })).toEqual(["gift:U1:1", "gift:U2:1"]);
      expect(await ids({ limit: 1 })).toEqual(["gift:U1:1"]);
      expect((await store.listClaims({ statuses: ["failed"] })).claims[0]).toMatchObject({ reason: "HTTP 500" });
    });

    it("paging: 2,500 claims, limit 100, each visited once in (createdAt, id) order while new claims arrive", async () => {
      const [store] = (await open()) as [Store];
      const claim = (i: number, now: number, rewardId = i % 2 === 0 ? "gift" : "coupon") =>
        store.claimReward({ rewardId, userId: `U${i}`, eventId: `e${i}`, limit: "once-per-user", now });
      let next = 0;
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          // Seven claims per millisecond: ties are broken by id, the same way in every store.
          for (let i = next++; i < 2500; i = next++) await claim(i, 1_000 + Math.floor(i / 7));
        }),
      );
      const visited: RewardClaim[] = [];
      let after: string | undefined;
      let added = 0;
      for (let page = 0; page < 100; page++) {
        // Users keep sending the keyword while the operator pages.
        if (page > 0 && added < 20) await claim(10_000 + added++, 2_000_000 + added);
        const result = await store.listClaims({ limit: 100, ...(after ? { after } : {}) });
        visited.push(...result.claims);
        if (!result.next) break;
        expect(result.claims).toHaveLength(100);
        after = result.next;
      }
      const ids = visited.map((c) => c.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (let i = 0; i < 2500; i++) expect(ids).toContain(`${i % 2 === 0 ? "gift" : "coupon"}:U${i}:1`);
      expect(visited.slice(1).every((c, i) => claimOrder(visited[i] as RewardClaim, c) < 0)).toBe(true);
      // Claims added while paging come after the cursor: the last pages bring them.
      expect(visited.length).toBe(2500 + added);
    });

    it("paging with filters: by reward, by user, by status; a wrong cursor is named", async () => {
      const [store] = (await open()) as [Store];
      for (let i = 0; i < 30; i++) {
        await store.claimReward({
          rewardId: i % 3 === 0 ? "coupon" : "gift",
          userId: `U${i % 10}`,
          eventId: `e${i}`,
          limit: "unlimited",
          now: 5_000 + i,
        });
      }
      await store.updateClaim("gift:U1:1", { status: "sent" });
      const all = async (query: ClaimQuery) => {
        const found: string[] = [];
        let after: string | undefined;
        do {
          const page = await store.listClaims({ ...query, limit: 4, ...(after ? { after } : {}) });
          found.push(...page.claims.map((c) => c.id));
          after = page.next;
        } while (after);
        return found;
      };
      expect(await all({ rewardId: "coupon" })).toHaveLength(10);
      expect(await all({ userId: "U1" })).toEqual(["gift:U1:1", "gift:U1:2", "coupon:U1:1"]);
      expect(await all({ userId: "U1", rewardId: "gift" })).toEqual(["gift:U1:1", "gift:U1:2"]);
      expect(await all({ statuses: ["sent"] })).toEqual(["gift:U1:1"]);
      expect(await all({ rewardId: "gift", statuses: ["pending"] })).toHaveLength(19);
      await expect(store.listClaims({ after: "page-2" })).rejects.toThrow(/after must be a "next" cursor/);
    });

    it("leases: two backfill runs at once never get the same claim; an expired lease frees it", async () => {
      const [a, b] = (await open(2)) as [Store, Store];
      for (let i = 0; i < 10; i++)
        await a.claimReward({
          rewardId: "gift",
          userId: `U${i}`,
          eventId: `e${i}`,
          limit: "once-per-user",
          now: 1000 + i,
        });
      const now = Date.now();
      const [first, second] = await Promise.all([
        a.listClaims({ statuses: ["pending"], limit: 6, leaseMs: 200, now }),
        b.listClaims({ statuses: ["pending"], limit: 6, leaseMs: 200, now }),
      ]);
      const taken = [...first.claims, ...second.claims].map((c) => c.id);
      expect(new Set(taken).size).toBe(taken.length);
      expect(taken).toHaveLength(10);
      expect((await a.listClaims({ statuses: ["pending"], leaseMs: 200, now })).claims).toEqual([]);
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect((await b.listClaims({ statuses: ["pending"], leaseMs: 200 })).claims).toHaveLength(10);
    });

    it("a lease set with updateClaim holds the claim from backfill runs until it is cleared", async () => {
      const [a, b] = (await open(2)) as [Store, Store];
      await a.claimReward({ rewardId: "gift", userId: "U1", eventId: "e1", limit: "once-per-user", now: 1000 });
      const now = Date.now();
      const held = await a.updateClaim("gift:U1:1", { unconfirmed: "reply", leaseUntil: now + 60_000 }, now);
      expect(held).toMatchObject({ unconfirmed: "reply", leaseUntil: now + 60_000 });
      expect((await b.listClaims({ statuses: ["pending"], leaseMs: 1000, now })).claims).toEqual([]);
      await a.updateClaim("gift:U1:1", { leaseUntil: 0, unconfirmed: null }, now);
      const free = (await b.listClaims({ statuses: ["pending"], leaseMs: 1000, now })).claims;
      expect(free.map((c) => [c.id, c.unconfirmed])).toEqual([["gift:U1:1", null]]);
    });

    it(
      "64 concurrent handlers on 4 instances: 500 users, 3 deliveries each, exactly one claim per user, stock never exceeded",
      async () => {
        const stores = await open(4);
        const tasks = Array.from({ length: 1500 }, (_, i) => ({ user: `U${i % 500}`, delivery: Math.floor(i / 500) }));
        let next = 0;
        const outcomes: Record<string, number> = {};
        const stockOutcomes: Record<string, number> = {};
        await Promise.all(
          Array.from({ length: 64 }, async () => {
            while (next < tasks.length) {
              const i = next++;
              const { user, delivery } = tasks[i] as { user: string; delivery: number };
              const store = stores[(i + delivery) % stores.length] as Store;
              const eventId = `event-${user}`; // a redelivery has the same id
              const { outcome } = await store.claimReward({
                rewardId: "gift",
                userId: user,
                eventId,
                limit: "once-per-user",
              });
              outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
              const limited = await store.claimReward({
                rewardId: "coupon",
                userId: user,
                eventId,
                limit: "once-per-user",
                stock: 120,
              });
              stockOutcomes[limited.outcome] = (stockOutcomes[limited.outcome] ?? 0) + 1;
            }
          }),
        );
        expect(outcomes).toEqual({ new: 500, duplicate: 1000 });
        const { claims } = await (stores[0] as Store).listClaims({ limit: 2000 });
        const gifts = claims.filter((c) => c.rewardId === "gift");
        expect(new Set(gifts.map((c) => c.userId)).size).toBe(500);
        expect(gifts).toHaveLength(500);
        expect(claims.filter((c) => c.rewardId === "coupon")).toHaveLength(120);
        expect(stockOutcomes.new).toBe(120);
      },
      ms(30_000),
    );
  });
}
