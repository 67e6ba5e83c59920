#!/usr/bin/env node
import { readFile } from "node:fs/promises";
import { run } from "./run.js";

run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFile(path, "utf8"),
  env: process.env,
  untilStopped: () =>
    new Promise<void>((resolve) => {
      process.once("SIGINT", () => resolve());
      process.once("SIGTERM", () => resolve());
    }),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Only a bug in line-responder gets here: user mistakes are reported by run().
    process.stderr.write(`line-responder: internal error, please report it:\n${(error as Error)?.stack ?? error}\n`);
    process.exitCode = 70;
  },
);
