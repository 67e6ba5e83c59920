/**
 * Webhook benchmark: requests/s through Express with line-responder's middleware against
 * @line/bot-sdk's middleware(), same Express, same signed bodies, loopback load from autocannon,
 * alternating rounds in one run.
 *
 *   npm run bench:webhook            5 rounds of 5 s each
 *   npm run bench:webhook -- --quick
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { cpus } from "node:os";
import autocannon from "autocannon";
import { median } from "./median.js";

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 2 : 5;
const SECONDS = quick ? 3 : 5;
const SECRET = "bench-channel-secret";
const MODES = ["line-responder", "sdk"] as const;

// Every request a new event (so no request is a cheap duplicate), with Japanese and escaped
// emoji as LINE writes them, signed by the load generator: the same cost for both middlewares.
let sequence = 0;
function nextRequest() {
  const i = sequence++;
  const body = `{"destination":"U0123456789abcdef0123456789abcdef","events":[{"type":"message","message":{"type":"text","id":"${468789577898262530n + BigInt(i)}","quoteToken":"q","text":"プレゼント\\uD83C\\uDF81 ${i}"},"webhookEventId":"01J9ZQ7X8C3V4B5N${String(i).padStart(10, "0")}","deliveryContext":{"isRedelivery":false},"timestamp":1732500000000,"source":{"type":"user","userId":"U4af4980629e0d9c3e2f5d8a5b1c2d3e4"},"replyToken":"token${i}","mode":"active"}]}`;
  return {
    method: "POST" as const,
    path: "/webhook",
    headers: {
      "content-type": "application/json; charset=utf-8",
      "x-line-signature": createHmac("sha256", SECRET).update(body).digest("base64"),
    },
    body,
  };
}
const requests = [{ setupRequest: () => nextRequest() }];

async function start(mode: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", new URL("./webhook-server.ts", import.meta.url).pathname, mode],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      const match = /listening (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.on("exit", (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { child, port };
}

const results = new Map<string, { rps: number[]; p99: number[]; errors: number }>(
  MODES.map((m) => [m, { rps: [], p99: [], errors: 0 }]),
);
console.log(
  `# webhook benchmark: node ${process.version}, ${cpus().length} cores, Express 5, ${ROUNDS} rounds x ${SECONDS} s per middleware, 20 connections`,
);
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order, so neither always runs on a warmer or a busier machine.
  for (const mode of round % 2 === 0 ? MODES : [...MODES].reverse()) {
    const { child, port } = await start(mode);
    await autocannon({ url: `http://127.0.0.1:${port}`, connections: 20, duration: 1, requests }); // warm up
    const result = await autocannon({ url: `http://127.0.0.1:${port}`, connections: 20, duration: SECONDS, requests });
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    const entry = results.get(mode);
    entry?.rps.push(result.requests.average);
    entry?.p99.push(result.latency.p99);
    if (entry) entry.errors += result.non2xx + result.errors;
    console.log(
      `  round ${round + 1} ${mode.padEnd(15)} ${Math.round(result.requests.average).toLocaleString("en-US").padStart(8)} req/s  p99 ${result.latency.p99} ms  non-2xx ${result.non2xx}`,
    );
  }
}

const ours = median(results.get("line-responder")?.rps ?? []);
const sdk = median(results.get("sdk")?.rps ?? []);
console.log("\n| middleware | req/s (median) | p99 latency ms (median) | non-2xx or errors |");
console.log("| --- | ---: | ---: | ---: |");
for (const [mode, r] of results) {
  console.log(
    `| ${mode === "sdk" ? "@line/bot-sdk middleware()" : "line-responder lineMiddleware"} | ${Math.round(median(r.rps)).toLocaleString("en-US")} | ${median(r.p99)} | ${r.errors} |`,
  );
}
console.log(
  `\nline-responder / SDK: ${(ours / sdk).toFixed(2)}x (target >= 0.90x): ${ours / sdk >= 0.9 ? "met" : "MISSED"}`,
);
