/**
 * `x-line-signature`: base64(HMAC-SHA256(channel secret, raw request body)). Verified on the raw
 * bytes with Web Crypto, which every runtime has (Node, Workers, Deno, Bun), so no `node:crypto`.
 * A JSON parser before this step breaks it: LINE escapes emoji as `\uD83E\uDD28`, and the
 * re-serialized JSON never has the same bytes.
 */

import { decodeBase64 } from "./base64.js";

type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<HmacKey>>();

// Importing a key costs more than using it; bots use one or two secrets for their whole life.
function keyFor(secret: string): Promise<HmacKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    if (keys.size < 16) keys.set(secret, key);
  }
  return key;
}

/**
 * HMAC-SHA256 of `body` under `secret`, computed at once. A runtime with a synchronous HMAC (Node's
 * `createHmac`) passes one to skip Web Crypto's round trip through the thread pool.
 */
export type HmacSha256 = (secret: string, body: Uint8Array) => Uint8Array;

/**
 * Whether `signature` (the `x-line-signature` header) signs `body` with one of `secrets`.
 * Several secrets let a channel secret be rotated without dropping requests. The comparison is
 * Web Crypto's HMAC verify, or with `hmac` a comparison of every byte: neither leaks how many
 * bytes matched.
 */
export async function verifySignature(
  body: Uint8Array,
  signature: string | null | undefined,
  secrets: readonly string[],
  hmac?: (secret: string, body: Uint8Array) => Uint8Array,
): Promise<boolean> {
  if (!signature) return false;
  const expected = decodeBase64(signature.trim());
  if (expected?.length !== 32) return false;
  for (const secret of secrets) {
    if (hmac ? sameBytes(hmac(secret, body), expected) : await webCryptoVerify(secret, expected, body)) return true;
  }
  return false;
}

async function webCryptoVerify(secret: string, expected: Uint8Array, body: Uint8Array): Promise<boolean> {
  return crypto.subtle.verify("HMAC", await keyFor(secret), expected, body);
}

/** Equal bytes, in a time that depends on the length only. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}

/** The `x-line-signature` LINE would send for `body`: for tests and local emulators. */
export async function signBody(secret: string, body: Uint8Array | string): Promise<string> {
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await keyFor(secret), bytes));
  let binary = "";
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary);
}
