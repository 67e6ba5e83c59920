/**
 * Webhook benchmark: requests/s through Express with line-responder's middleware against
 * @line/bot-sdk's middleware(), same Express, same signed bodies, loopback load from autocannon,
 * alternating rounds in one run.
 *
 *   npm run bench:webhook            5 rounds of 5 s each
 *   npm run bench:webhook -- --quick
 *   npm run bench:webhook -- --baseline ../other-checkout   also that checkout's middleware (before/after)
 *
 * Besides requests/s it reports the CPU time each request cost the server process: on a machine
 * shared with other work requests/s follow the load, while CPU per request stays put.
 * line-responder runs from the built package (`dist/`, built by the npm script), as users run it
 * and as the SDK runs; a `--baseline` checkout's server runs whatever that checkout's imports.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { cpus, loadavg } from "node:os";
import { resolve as resolvePath } from "node:path";
import autocannon from "autocannon";
import { median } from "./median.js";

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 2 : 5;
const SECONDS = quick ? 3 : 5;
const SECRET = "bench-channel-secret";
const TARGET = 1.2;
const baselineAt = process.argv.indexOf("--baseline");
const baseline = baselineAt > 0 ? process.argv[baselineAt + 1] : undefined;
/** Each server: the script it runs and its mode argument. */
const SERVERS: Record<string, [string, string]> = {
  "line-responder": [new URL("./webhook-server.ts", import.meta.url).pathname, "line-responder"],
  sdk: [new URL("./webhook-server.ts", import.meta.url).pathname, "sdk"],
  ...(baseline ? { baseline: [resolvePath(baseline, "bench/webhook-server.ts"), "line-responder"] } : {}),
};
const MODES = Object.keys(SERVERS);
const LABELS: Record<string, string> = {
  "line-responder": "line-responder lineMiddleware",
  sdk: "@line/bot-sdk middleware()",
  baseline: `line-responder lineMiddleware (${baseline})`,
};

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

interface Server {
  child: ChildProcess;
  port: number;
  /** Everything the server printed so far. */
  output: () => string;
}

async function start(mode: string): Promise<Server> {
  const [script, arg] = SERVERS[mode] as [string, string];
  const child = spawn(process.execPath, ["--import", "tsx", script, arg], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.on("exit", (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
  return { child, port, output: () => output };
}

const results = new Map<string, { rps: number[]; p99: number[]; cpu: number[]; errors: number }>(
  MODES.map((m) => [m, { rps: [], p99: [], cpu: [], errors: 0 }]),
);
console.log(
  `# webhook benchmark: node ${process.version}, ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}, Express 5, ${ROUNDS} rounds x ${SECONDS} s per middleware, 20 connections`,
);
for (let round = 0; round < ROUNDS; round++) {
  // Alternate the order, so none always runs on a warmer or a busier machine.
  for (const mode of round % 2 === 0 ? MODES : [...MODES].reverse()) {
    const { child, port, output } = await start(mode);
    await autocannon({ url: `http://127.0.0.1:${port}`, connections: 20, duration: 1, requests }); // warm up
    child.kill("SIGUSR2"); // the measured window starts
    const result = await autocannon({ url: `http://127.0.0.1:${port}`, connections: 20, duration: SECONDS, requests });
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    const cpu = Number(/cpu-us-per-request ([\d.]+)/.exec(output())?.[1]);
    const entry = results.get(mode);
    entry?.rps.push(result.requests.average);
    entry?.p99.push(result.latency.p99);
    entry?.cpu.push(cpu);
    if (entry) entry.errors += result.non2xx + result.errors;
    console.log(
      `  round ${round + 1} ${mode.padEnd(15)} ${Math.round(result.requests.average).toLocaleString("en-US").padStart(8)} req/s  ${cpu.toFixed(0).padStart(5)} CPU µs/req  p99 ${result.latency.p99} ms  non-2xx ${result.non2xx}`,
    );
  }
}

const best = (values: readonly number[]) => Math.max(...values);
const least = (values: readonly number[]) => Math.min(...values);
const sdk = results.get("sdk") as { rps: number[]; cpu: number[] };
console.log(
  "\n| middleware | req/s (median) | req/s (best) | CPU µs per request (least) | p99 ms (median) | non-2xx or errors | vs SDK: best req/s | vs SDK: CPU per request |",
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const [mode, r] of results) {
  console.log(
    `| ${LABELS[mode]} | ${Math.round(median(r.rps)).toLocaleString("en-US")} | ${Math.round(best(r.rps)).toLocaleString("en-US")} | ${least(r.cpu).toFixed(0)} | ${median(r.p99)} | ${r.errors} | ${(best(r.rps) / best(sdk.rps)).toFixed(2)}x | ${(least(sdk.cpu) / least(r.cpu)).toFixed(2)}x |`,
  );
}
const ours = results.get("line-responder") as { rps: number[]; cpu: number[] };
const byRps = best(ours.rps) / best(sdk.rps);
const byCpu = least(sdk.cpu) / least(ours.cpu);
console.log(
  `\nline-responder / SDK: ${byRps.toFixed(2)}x requests/s (best of ${ROUNDS}), ${byCpu.toFixed(2)}x by CPU per request (target >= ${TARGET}x): ${Math.min(byRps, byCpu) >= TARGET ? "met" : "MISSED"}`,
);
