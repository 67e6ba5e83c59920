import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nodeHmac } from "../../src/adapters/node-exchange.js";
import { verifySignature } from "../../src/index.js";
import { signBody } from "../../src/testing/index.js";
import { decodeBase64 } from "../../src/webhook/base64.js";
import { signatureBytes } from "../../src/webhook/signature.js";

const SECRET = "8c570fa6dd201bb328f1c1eac23a96d8";
const encoder = new TextEncoder();
// LINE's bodies: Japanese in UTF-8, emoji escaped as \uXXXX pairs, quotes and backslashes escaped.
const bodyText = fc.string({
  unit: fc.constantFrom(...'プレゼントぷれぜんとabc123 {}":,\\'.split(""), "\\uD83E\\uDD28", "🎁", "\n"),
  maxLength: 200,
});

describe("verifySignature", () => {
  it("matches node:crypto's HMAC-SHA256 (what LINE computes)", async () => {
    const body = encoder.encode('{"events":[],"destination":"U\\uD83E\\uDD28プレゼント"}');
    const expected = createHmac("sha256", SECRET).update(body).digest("base64");
    expect(await signBody(SECRET, body)).toBe(expected);
    expect(await verifySignature(body, expected, [SECRET])).toBe(true);
  });

  it("accepts a signed body and refuses any one-byte change", async () => {
    await fc.assert(
      fc.asyncProperty(bodyText, fc.nat(), fc.integer({ min: 1, max: 255 }), async (text, position, delta) => {
        const body = encoder.encode(text);
        const signature = await signBody(SECRET, body);
        expect(await verifySignature(body, signature, [SECRET])).toBe(true);
        if (body.length === 0) return;
        const changed = body.slice();
        const i = position % changed.length;
        changed[i] = ((changed[i] as number) + delta) % 256;
        expect(await verifySignature(changed, signature, [SECRET])).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("refuses missing, malformed and truncated signatures, and the wrong secret", async () => {
    const body = encoder.encode("{}");
    const good = await signBody(SECRET, body);
    for (const bad of [undefined, null, "", "not base64!", good.slice(0, -4), `${good}AAAA`]) {
      expect(await verifySignature(body, bad, [SECRET])).toBe(false);
    }
    expect(await verifySignature(body, good, ["another-secret"])).toBe(false);
    expect(await verifySignature(body, good, ["another-secret", SECRET])).toBe(true);
  });

  it("with the Node adapters' node:crypto HMAC, gives Web Crypto's verdict on every body and signature", async () => {
    await fc.assert(
      fc.asyncProperty(bodyText, fc.nat(), fc.integer({ min: 1, max: 255 }), async (text, position, delta) => {
        const body = encoder.encode(text);
        const good = await signBody(SECRET, body);
        const flipped = Buffer.from(good, "base64");
        flipped[position % 32] = ((flipped[position % 32] as number) + delta) % 256;
        const signatures = [good, ` ${good}\n`, flipped.toString("base64"), good.slice(0, -4), "not base64!", ""];
        for (const signature of signatures) {
          for (const secrets of [[SECRET], ["another-secret"], ["another-secret", SECRET]]) {
            expect(await verifySignature(body, signature, secrets, nodeHmac)).toBe(
              await verifySignature(body, signature, secrets),
            );
          }
        }
        expect(await verifySignature(body, good, [SECRET], nodeHmac)).toBe(true);
        expect(await verifySignature(body, flipped.toString("base64"), [SECRET], nodeHmac)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});

describe("signatureBytes", () => {
  it("gives what decodeBase64 gives for every text that decodes to 32 bytes, and nothing for the others", () => {
    const alphabet = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"];
    const char = fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom(...alphabet) },
      fc.constantFrom("=", " ", "-", "_", "\u00e9", "\u3042", "\u0000", "\u007f"),
    );
    fc.assert(
      fc.property(fc.array(char, { minLength: 40, maxLength: 46 }), fc.boolean(), (chars, padded) => {
        const text = padded ? `${chars.slice(0, 43).join("")}=` : chars.join("");
        const decoded = decodeBase64(text);
        expect(signatureBytes(text)).toEqual(decoded?.length === 32 ? decoded : undefined);
      }),
      { numRuns: 3000 },
    );
  });
});
