/**
 * The webhook path without HTTP: CPU time per request of `responder.handle()` (signature check,
 * body schema, dedupe claim in the memory store, answer, background handler) with Web Crypto's
 * HMAC (the core's default, what `line-responder/fetch` uses) and with `node:crypto`'s (what the
 * Node adapters pass), against the SDK's `validateSignature()` + `JSON.parse` + a handler. CPU time
 * of this process, interleaved rounds, least of each: steadier than requests/s on a loaded machine.
 *
 *   npx tsx bench/webhook-core.ts
 */
import { createHmac } from "node:crypto";
import { validateSignature } from "@line/bot-sdk";
import { nodeHmac } from "../src/adapters/node-exchange.js";
import { createResponder } from "../src/index.js";

const SECRET = "bench-channel-secret";
const N = 20_000;
const ROUNDS = 5;
// The same bodies as bench/webhook.ts: each a new event, Japanese text and an escaped emoji.
const requests = Array.from({ length: N }, (_, i) => {
  const body = `{"destination":"U0123456789abcdef0123456789abcdef","events":[{"type":"message","message":{"type":"text","id":"${468789577898262530n + BigInt(i)}","quoteToken":"q","text":"プレゼント\\uD83C\\uDF81 ${i}"},"webhookEventId":"01J9ZQ7X8C3V4B5N${String(i).padStart(10, "0")}","deliveryContext":{"isRedelivery":false},"timestamp":1732500000000,"source":{"type":"user","userId":"U4af4980629e0d9c3e2f5d8a5b1c2d3e4"},"replyToken":"token${i}","mode":"active"}]}`;
  return { body: Buffer.from(body), signature: createHmac("sha256", SECRET).update(body).digest("base64") };
});

let handled = 0;
const handler = (_event?: unknown) => {
  handled++;
};
/** A fresh responder per round, so every event is new to its store. */
const ours = (hmac: typeof nodeHmac | undefined) => async () => {
  const responder = createResponder({ channelSecret: SECRET });
  responder.on("message", handler);
  for (const { body, signature } of requests) {
    const result = await responder.handle({ body, signature, method: "POST", hmac });
    if (result.status !== 200) throw new Error(`answered ${result.status}`);
  }
  await responder.drain();
};
const contenders: Record<string, () => Promise<void>> = {
  "handle(), node:crypto HMAC (Node adapters)": ours(nodeHmac),
  "handle(), Web Crypto HMAC (core default)": ours(undefined),
  "SDK validateSignature + JSON.parse": async () => {
    for (const { body, signature } of requests) {
      if (!validateSignature(body, SECRET, signature)) throw new Error("signature");
      for (const event of (JSON.parse(body.toString("utf8")) as { events: unknown[] }).events)
        setImmediate(handler, event);
      await Promise.resolve();
    }
    await new Promise((resolve) => setImmediate(resolve));
  },
};

const least = new Map<string, number>();
for (let round = 0; round < ROUNDS; round++) {
  const names = Object.keys(contenders);
  for (const name of round % 2 === 0 ? names : names.reverse()) {
    const start = process.cpuUsage();
    await contenders[name]?.();
    const cpu = process.cpuUsage(start);
    const perRequest = (cpu.user + cpu.system) / N;
    least.set(name, Math.min(least.get(name) ?? Number.POSITIVE_INFINITY, perRequest));
  }
}
const sdk = least.get("SDK validateSignature + JSON.parse") as number;
const web = least.get("handle(), Web Crypto HMAC (core default)") as number;
console.log(`# webhook core: node ${process.version}, ${N} requests x ${ROUNDS} rounds, least CPU per request`);
console.log("| path | CPU µs per request | vs Web Crypto handle() | vs SDK |");
console.log("| --- | ---: | ---: | ---: |");
for (const [name, us] of least) {
  console.log(`| ${name} | ${us.toFixed(1)} | ${(web / us).toFixed(2)}x | ${(sdk / us).toFixed(2)}x |`);
}
console.error(`handled ${handled}`);
