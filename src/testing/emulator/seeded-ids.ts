/**
 * Ids the emulator makes for a user's message (its webhookEventId and reply token), derived from
 * the seed and what the message is, not from the clock or a random source. Fault dice roll on these
 * ids, so a run with one seed meets the same faults whatever order concurrent users arrive in.
 */
import { requestRoll, seededRandom } from "./faults.js";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** `count` characters of `alphabet`, the same for the same seed and identity. */
export function seededChars(seed: number, identity: string, count: number, alphabet = CROCKFORD): string {
  const random = seededRandom(Math.floor(requestRoll(seed, identity, 0) * 2 ** 32));
  let text = "";
  for (let i = 0; i < count; i++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

/** A ULID whose time part is `time` and whose 80 "random" bits come from the seed and identity. */
export function seededUlid(seed: number, identity: string, time: number): string {
  let stamp = "";
  let rest = Math.floor(time);
  for (let i = 0; i < 10; i++) {
    stamp = CROCKFORD[rest % 32] + stamp;
    rest = Math.floor(rest / 32);
  }
  return stamp + seededChars(seed, identity, 16);
}
