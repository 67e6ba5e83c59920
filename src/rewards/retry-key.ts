/**
 * The `X-Line-Retry-Key` of a push: a UUID v5 (RFC 9562, SHA-1 name-based) of the claim's
 * reward, user, slot and attempt epoch. Deterministic on purpose: a process that crashed after
 * sending and a backfill run hours later compute the same key, so LINE answers 409 instead of
 * sending the reward twice (LINE remembers a key for 24 hours).
 */
import type { RewardClaim } from "../stores/store.js";

/** The namespace of line-responder's retry keys (a fixed random UUID). */
export const RETRY_KEY_NAMESPACE = "4c1f2a8e-6d3b-4e57-9a0c-2b7d5e9f1a63";

const encoder = new TextEncoder();

/** A UUID v5 of `name` in `namespace` (both as RFC 9562 specifies), with Web Crypto only. */
export async function uuidV5(name: string, namespace: string): Promise<string> {
  const hex = namespace.replaceAll("-", "");
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new TypeError(`not a UUID: ${namespace}`);
  const nameBytes = encoder.encode(name);
  const input = new Uint8Array(16 + nameBytes.length);
  for (let i = 0; i < 16; i++) input[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  input.set(nameBytes, 16);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-1", input));
  const bytes = hash.subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const out = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${out.slice(0, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}-${out.slice(16, 20)}-${out.slice(20)}`;
}

/** The retry key of a claim's current attempt series. */
export function retryKeyOf(claim: Pick<RewardClaim, "rewardId" | "userId" | "slot" | "attemptEpoch">): Promise<string> {
  // JSON, not a joined string: distinct claims can never produce the same name.
  const name = JSON.stringify([claim.rewardId, claim.userId, claim.slot, claim.attemptEpoch]);
  return uuidV5(name, RETRY_KEY_NAMESPACE);
}
