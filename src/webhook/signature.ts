/**
 * `x-line-signature`: base64(HMAC-SHA256(channel secret, raw request body)). Verified on the raw
 * bytes with Web Crypto, which every runtime has (Node, Workers, Deno, Bun), so no `node:crypto`.
 * A JSON parser before this step breaks it: LINE escapes emoji as `\uD83E\uDD28`, and the
 * re-serialized JSON never has the same bytes.
 */

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
  return checkSignature(body, signature, secrets, hmac);
}

/**
 * @internal {@link verifySignature}, answered at once when `hmac` is given: the pipeline then
 * spends no promise on a check that does not wait for anything.
 */
export function checkSignature(
  body: Uint8Array,
  signature: string | null | undefined,
  secrets: readonly string[],
  hmac?: HmacSha256,
): boolean | Promise<boolean> {
  if (!signature) return false;
  const expected = signatureBytes(signature.trim());
  if (expected === undefined) return false;
  if (!hmac) return webCryptoVerifyAny(secrets, expected, body);
  for (const secret of secrets) if (sameBytes(hmac(secret, body), expected)) return true;
  return false;
}

async function webCryptoVerifyAny(secrets: readonly string[], expected: Uint8Array, body: Uint8Array) {
  for (const secret of secrets) if (await webCryptoVerify(secret, expected, body)) return true;
  return false;
}

/** Each base64 character's six bits, -1 for the other ASCII characters. */
const SIXTETS = new Int8Array(128).fill(-1);
for (const [i, char] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].entries()) {
  SIXTETS[char.charCodeAt(0)] = i;
}

/**
 * The 32 bytes of an HMAC-SHA256 in base64 (what `atob` gives for it), or `undefined`. Only 43
 * base64 characters and one `=` decode to 32 bytes, so every other text is refused without
 * decoding; as with `atob`, the two spare bits of the last character are ignored.
 */
export function signatureBytes(text: string): Uint8Array | undefined {
  if (text.length !== 44 || text.charCodeAt(43) !== 61 /* "=" */) return undefined;
  const bytes = new Uint8Array(32);
  let held = 0; // the bits read and not yet written, `count` of them
  let count = 0;
  let at = 0;
  for (let i = 0; i < 43; i++) {
    const code = text.charCodeAt(i);
    const sixBits = code < 128 ? (SIXTETS[code] as number) : -1;
    if (sixBits < 0) return undefined;
    held = ((held << 6) | sixBits) & 0x3fff;
    count += 6;
    if (count >= 8) {
      count -= 8;
      bytes[at++] = held >> count;
      held &= (1 << count) - 1;
    }
  }
  return bytes;
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
