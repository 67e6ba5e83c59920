/**
 * One suite for every adapter, run through the real framework: each adapter must answer LINE the
 * same way, whatever carries the bytes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createMemoryStore, createResponder, type Responder, type Store, type WebhookEvent } from "../../src/index.js";
import { faultyStore, StoreFaultError, signBody } from "../../src/testing/index.js";
import { envelope, eventId, OLD_SECRET, SECRET, textEventJson } from "../helpers/webhook.js";

/** Sends one request through an adapter and returns what came back. */
export interface Driver {
  send(body: Uint8Array, headers: Record<string, string>): Promise<{ status: number; body: string }>;
  /**
   * Sends headers declaring `Content-Length: 1000` and part of a body, then hangs up. Absent where
   * the platform buffers whole bodies before the adapter runs (API Gateway, Function URLs).
   */
  hangUp?(): Promise<void>;
  close(): Promise<void>;
}

/** Builds a driver around `responder`; `processBeforeResponse` as the adapter would be configured. */
export type DriverFactory = (responder: Responder, options: { processBeforeResponse?: boolean }) => Promise<Driver>;

/** Every error answer, whatever the adapter: one line of JSON `{ "message" }`, no stack, no framework error code. */
function expectJsonError(res: { status: number; body: string }, status: number, message?: string | RegExp) {
  expect(res.status).toBe(status);
  expect(res.body.split("\n")).toHaveLength(1);
  const parsed = JSON.parse(res.body) as Record<string, unknown>;
  expect(Object.keys(parsed)).toEqual(["message"]);
  expect(parsed.message).not.toMatch(/\bat .*:\d+|FST_|Error:/);
  if (message !== undefined) expect(parsed.message).toMatch(message);
}

const encoder = new TextEncoder();

export function conformance(
  name: string,
  makeDriver: DriverFactory,
  defaults: { processBeforeResponse?: boolean; streamsBody?: boolean } = {},
) {
  describe(`adapter conformance: ${name}`, () => {
    let driver: Driver | undefined;
    let responder: Responder;
    let seen: WebhookEvent[];

    let errors: unknown[];
    async function setup(
      options: { processBeforeResponse?: boolean; handler?: () => Promise<void>; store?: Store } = {},
    ) {
      seen = [];
      errors = [];
      responder = createResponder({
        channelSecrets: [SECRET, OLD_SECRET],
        maxBodyBytes: 64 * 1024,
        onError: (error) => errors.push(error),
        ...(options.store ? { store: options.store } : {}),
      });
      responder.on("message", async ({ event }) => {
        seen.push(event);
        await options.handler?.();
      });
      driver = await makeDriver(responder, {
        processBeforeResponse: options.processBeforeResponse ?? defaults.processBeforeResponse,
      });
      return driver;
    }
    const signed = async (text: string, secret = SECRET) => {
      const body = encoder.encode(text);
      return {
        body,
        headers: {
          "content-type": "application/json; charset=utf-8",
          "x-line-signature": await signBody(secret, body),
        },
      };
    };

    afterEach(async () => {
      await responder?.drain();
      await driver?.close();
      driver = undefined;
    });

    it("accepts a signed body with emoji escapes and Japanese text, and processes it once", async () => {
      const d = await setup();
      const { body, headers } = await signed(envelope(textEventJson("プレゼント🎁ください🤨")));
      expect(new TextDecoder().decode(body)).toContain("\\uD83C\\uDF81");
      const res = await d.send(body, headers);
      expect(res.status).toBe(200);
      await responder.drain();
      expect(seen.map((e) => e.type === "message" && e.message.type === "text" && e.message.text)).toEqual([
        "プレゼント🎁ください🤨",
      ]);
    });

    it("refuses a tampered body: 401, nothing processed", async () => {
      const d = await setup();
      const { body, headers } = await signed(envelope(textEventJson("プレゼント")));
      const tampered = encoder.encode(new TextDecoder().decode(body).replace("プレゼント", "プレゼンド"));
      const res = await d.send(tampered, headers);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body).message).toBe("x-line-signature does not match the body and the channel secret");
      await responder.drain();
      expect(seen).toEqual([]);
    });

    it("refuses a body signed with another secret", async () => {
      const d = await setup();
      const { body, headers } = await signed(envelope(textEventJson("hi")), "not-our-secret");
      expect((await d.send(body, headers)).status).toBe(401);
    });

    it("refuses a request without x-line-signature", async () => {
      const d = await setup();
      const res = await d.send(encoder.encode(envelope(textEventJson("hi"))), { "content-type": "application/json" });
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body).message).toBe("missing x-line-signature header");
    });

    it("accepts the second secret during a rotation", async () => {
      const d = await setup();
      const { body, headers } = await signed(envelope(textEventJson("hi")), OLD_SECRET);
      expect((await d.send(body, headers)).status).toBe(200);
      await responder.drain();
      expect(seen).toHaveLength(1);
    });

    it("answers 200 to an empty events list (the console's Verify)", async () => {
      const d = await setup();
      const { body, headers } = await signed(envelope());
      expect((await d.send(body, headers)).status).toBe(200);
    });

    it("refuses an oversize body with 413", async () => {
      const d = await setup();
      const { body, headers } = await signed(envelope(textEventJson("x".repeat(70 * 1024))));
      const res = await d.send(body, headers);
      expectJsonError(res, 413, "body is larger than 65536 bytes");
      await responder.drain();
      expect(seen).toEqual([]);
    });

    it("refuses malformed JSON with 400 and a reason", async () => {
      const d = await setup();
      const { body, headers } = await signed('{"destination":"U1","events":[');
      const res = await d.send(body, headers);
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).message).toMatch(/^body is not JSON: /);
      const wrongShape = await signed('{"destination":"U1","events":[{"type":"message"}]}');
      const res2 = await d.send(wrongShape.body, wrongShape.headers);
      expect(res2.status).toBe(400);
      expect(JSON.parse(res2.body).message).toMatch(/^not a LINE webhook body: events\[0\]/);
    });

    it("processes a redelivered event once", async () => {
      const d = await setup();
      const id = eventId();
      const first = await signed(envelope(textEventJson("プレゼント", { id })));
      const again = await signed(envelope(textEventJson("プレゼント", { id, redelivery: true })));
      expect((await d.send(first.body, first.headers)).status).toBe(200);
      await responder.drain();
      expect((await d.send(again.body, again.headers)).status).toBe(200);
      await responder.drain();
      expect(seen).toHaveLength(1);
    });

    for (const processBeforeResponse of [false, true]) {
      it(`store down${processBeforeResponse ? " (processBeforeResponse)" : ""}: 500 in JSON, onError told, LINE's redelivery served once it is back`, async () => {
        const store = faultyStore(createMemoryStore(), { down: true });
        const d = await setup({ processBeforeResponse, store });
        const { body, headers } = await signed(envelope(textEventJson("プレゼント", { id: eventId() })));
        const down = await d.send(body, headers);
        expectJsonError(down, 500, /could not be processed or recorded; LINE redelivers it/);
        await responder.drain();
        expect(seen).toEqual([]);
        expect(errors.every((e) => e instanceof StoreFaultError)).toBe(true);
        expect(errors.length).toBeGreaterThan(0);
        store.up();
        expect((await d.send(body, headers)).status).toBe(200);
        await responder.drain();
        expect((await d.send(body, headers)).status).toBe(200);
        await responder.drain();
        expect(seen).toHaveLength(1);
      });
    }

    // API Gateway and Function URLs hand the function whole bodies: no hang-up reaches a Lambda.
    if (defaults.streamsBody !== false) {
      it("a client that hangs up mid-body: no answer owed, no crash, the next request is served", async () => {
        const d = await setup();
        await d.hangUp?.();
        await d.hangUp?.();
        const { body, headers } = await signed(envelope(textEventJson("after")));
        expect((await d.send(body, headers)).status).toBe(200);
        await responder.drain();
        expect(seen.map((e) => e.type === "message" && e.message.type === "text" && e.message.text)).toEqual(["after"]);
        expect(errors).toEqual([]);
      });
    }

    it("answers 200 within 2 seconds while a slow handler is still running", async () => {
      let open: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const d = await setup({ processBeforeResponse: false, handler: () => gate });
      const { body, headers } = await signed(envelope(textEventJson("slow")));
      const started = performance.now();
      const res = await d.send(body, headers);
      const elapsed = performance.now() - started;
      expect(res.status).toBe(200);
      expect(elapsed).toBeLessThan(2000);
      expect(seen).toHaveLength(1); // the handler started and is waiting on the gate
      open();
      await responder.drain();
    });
  });
}
