import { arrayOfLength } from "./array-of-length.js";

/**
 * A hash table from strings to numbers, sized once for the keys it will hold, for loading rule
 * sets: a `Map` grew and rehashed its way to 100,000 keyword or id strings four times slower.
 * It also finds a key given as code units (a folded message not yet made a string), so an exact
 * keyword lookup on the hot path builds no string.
 */
export class StringTable {
  /**
   * Per slot, side by side so that a probe reads one cache line: the value (-1 when the slot is
   * empty) and the key's hash. Open addressing with linear probing, at most half full.
   */
  private readonly slots: Int32Array;
  private readonly keys: (string | undefined)[];
  private readonly mask: number;
  private count = 0;

  /** A table for up to `capacity` keys; adding more throws. */
  constructor(private readonly capacity: number) {
    const bits = Math.max(3, 32 - Math.clz32(Math.max(capacity, 1) * 2 - 1));
    this.slots = new Int32Array(2 << bits).fill(-1);
    this.keys = arrayOfLength(1 << bits);
    this.mask = (1 << bits) - 1;
  }

  get size(): number {
    return this.count;
  }

  /** The value of `key`, or -1. */
  get(key: string): number {
    const hash = hashOf(key);
    const { slots, keys, mask } = this;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const value = slots[slot * 2] as number;
      if (value === -1 || (slots[slot * 2 + 1] === hash && keys[slot] === key)) return value;
    }
  }

  /** The value of the key made of `codes[0 .. length)`, or -1. */
  getCodes(codes: Uint16Array, length: number): number {
    let hash = SEED;
    for (let i = 0; i < length; i++) hash = Math.imul(hash ^ (codes[i] as number), FNV_PRIME);
    hash = finish(hash);
    const { slots, keys, mask } = this;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const value = slots[slot * 2] as number;
      if (value === -1) return -1;
      if (slots[slot * 2 + 1] === hash && sameCodes(keys[slot] as string, codes, length)) return value;
    }
  }

  /** Adds `key` with `value` (0 or more) unless it is there already; returns the value it has now. */
  addIfAbsent(key: string, value: number): number {
    const hash = hashOf(key);
    const { slots, keys, mask } = this;
    let slot = hash & mask;
    for (; ; slot = (slot + 1) & mask) {
      const existing = slots[slot * 2] as number;
      if (existing === -1) break;
      if (slots[slot * 2 + 1] === hash && keys[slot] === key) return existing;
    }
    if (this.count === this.capacity) throw new RangeError(`StringTable is full (${this.capacity} keys)`);
    this.count++;
    slots[slot * 2] = value;
    slots[slot * 2 + 1] = hash;
    keys[slot] = key;
    return value;
  }
}

// FNV-1a over UTF-16 code units (short keys; the same hash from a string or its code units),
// started from a seed drawn per process and mixed at the end, so that a rule file cannot be
// written to make its keywords collide and loading quadratic.
const SEED = (0x811c9dc5 ^ (Math.random() * 0x100000000)) | 0;
const FNV_PRIME = 0x01000193;

function hashOf(key: string): number {
  let hash = SEED;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), FNV_PRIME);
  return finish(hash);
}

/** MurmurHash3's final mix: every input bit reaches the low bits the table uses. */
function finish(hash: number): number {
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

function sameCodes(key: string, codes: Uint16Array, length: number): boolean {
  if (key.length !== length) return false;
  for (let i = 0; i < length; i++) if (key.charCodeAt(i) !== codes[i]) return false;
  return true;
}
