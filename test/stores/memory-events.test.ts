import { describe, expect, it } from "vitest";
import { createMemoryStore, type Store } from "../../src/index.js";

// The memory store remembers at most `maxEvents` event ids, oldest dropped first; the conformance
// suite covers what every store does with one event, these tests what this one forgets, and when.
const HOUR = 3_600_000;
const begin = (store: Store, eventId: string, now = 0) => store.beginEvent({ eventId, leaseMs: HOUR, now });
const seen = async (store: Store, eventId: string, now = 0) => (await begin(store, eventId, now)).event;
/** Begins and finishes `eventId` at time 0, remembered for `ttlMs`. */
async function remember(store: Store, eventId: string, ttlMs = HOUR): Promise<void> {
  await begin(store, eventId);
  await store.finishEvent(eventId, ttlMs, 0);
}

describe("memory store: the events it remembers", () => {
  it("forgets the oldest event once maxEvents newer ones arrived, and no other", async () => {
    const store = createMemoryStore({ maxEvents: 3 });
    for (const id of ["a", "b", "c", "d"]) await remember(store, id);
    expect(await seen(store, "b")).toBe("duplicate");
    expect(await seen(store, "c")).toBe("duplicate");
    expect(await seen(store, "d")).toBe("duplicate");
    // "a" was pushed out by "d": a redelivery of it is processed again.
    expect(await seen(store, "a")).toBe("new");
  });

  it("counts an event from its latest write: one finished after newer ones began outlives them", async () => {
    const store = createMemoryStore({ maxEvents: 2 });
    await begin(store, "old");
    await begin(store, "middle");
    await store.finishEvent("old", HOUR, 0); // now newer than "middle"
    await begin(store, "new"); // three ids for two places: the oldest write is "middle"'s
    expect(await seen(store, "old")).toBe("duplicate");
    expect(await seen(store, "new")).toBe("busy");
    expect(await seen(store, "middle")).toBe("new");
  });

  it("drops an expired event, and a released one, whatever their place in the queue", async () => {
    const store = createMemoryStore({ maxEvents: 10 });
    await remember(store, "short", 1_000);
    await remember(store, "long");
    await begin(store, "released");
    await store.releaseEvent("released");
    expect(await seen(store, "short", 999)).toBe("duplicate");
    expect(await seen(store, "short", 1_000)).toBe("new");
    expect(await seen(store, "long", 1_000)).toBe("duplicate");
    expect(await seen(store, "released", 1_000)).toBe("new");
  });

  it("keeps exactly the newest maxEvents over many events, as its queue is cut and renumbered", async () => {
    const max = 100;
    const store = createMemoryStore({ maxEvents: max });
    const count = 5_000; // past the queue's cut (it moves its live part down after 1,024 dropped)
    for (let i = 0; i < count; i++) {
      await remember(store, `e${i}`);
      // Some events are released again at once, so stale places sit between live ones.
      if (i % 7 === 0) await store.releaseEvent(`e${i}`);
    }
    const live = Array.from({ length: count }, (_, i) => i).filter((i) => i % 7 !== 0);
    // Newest first: a duplicate changes nothing, so every answer is about the table as it was.
    const newest = live.slice(-max).reverse();
    for (const i of newest) expect(await seen(store, `e${i}`)).toBe("duplicate");
    expect(await seen(store, `e${live[live.length - max - 1]}`)).toBe("new");
    expect(await seen(store, "e4998")).toBe("new"); // 4998 = 7 * 714: released
  });
});
