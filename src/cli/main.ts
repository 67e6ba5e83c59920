#!/usr/bin/env node
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { run } from "./run.js";

run(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (path) => readFile(path, "utf8"),
  env: process.env,
  version: packageVersion(),
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

// package.json sits two folders up from both src/cli/main.ts and dist/cli/main.js.
function packageVersion(): string | undefined {
  try {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    return typeof version === "string" ? version : undefined;
  } catch {
    return undefined;
  }
}
