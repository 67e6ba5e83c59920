/**
 * One Express server for the webhook benchmark, in its own process so the load generator does not
 * share its event loop. `line-responder`: lineMiddleware; `sdk`: @line/bot-sdk's middleware() with
 * the equivalent handler (answer 200, hand each event to a handler).
 */
import { middleware } from "@line/bot-sdk";
import express from "express";

// line-responder as users run it, the built package (`npm run bench:webhook` builds it first),
// like the SDK's own compiled code: run from src/, tsx's transform adds a call that names every
// function made per request, 3% of the request's CPU.
const dist = (file: string) => new URL(`../dist/${file}`, import.meta.url).href;
const { lineMiddleware } = (await import(dist("adapters/express.js"))) as typeof import("../src/adapters/express.js");
const { createResponder } = (await import(dist("index.js"))) as typeof import("../src/index.js");

const SECRET = "bench-channel-secret";
const mode = process.argv[2];
let handled = 0;
const handler = (_event: unknown) => {
  handled++;
};

const app = express();
if (mode === "line-responder") {
  const responder = createResponder({ channelSecret: SECRET });
  responder.on("message", handler);
  app.post("/webhook", lineMiddleware(responder));
} else if (mode === "sdk") {
  app.post("/webhook", middleware({ channelSecret: SECRET }), (req, res) => {
    for (const event of (req.body as { events: unknown[] }).events) setImmediate(handler, event);
    res.json({});
  });
} else {
  throw new Error(`unknown mode ${mode}`);
}
const server = app.listen(0, "127.0.0.1", () => {
  const address = server.address();
  console.log(`listening ${typeof address === "object" && address ? address.port : 0}`);
});
// CPU time per request over the measured window (from SIGUSR2 to SIGTERM): on a machine shared
// with other work, requests/s swing with the load; the CPU each request costs this process does not.
let mark = { cpu: process.cpuUsage(), handled: 0 };
process.on("SIGUSR2", () => {
  mark = { cpu: process.cpuUsage(), handled };
});
process.on("SIGTERM", () => {
  const cpu = process.cpuUsage(mark.cpu);
  console.log(`cpu-us-per-request ${((cpu.user + cpu.system) / Math.max(1, handled - mark.handled)).toFixed(1)}`);
  server.close(() => process.exit(0));
});
