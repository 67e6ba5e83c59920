/**
 * The demo's output in the docs is what a reader gets: the getting-started guides show a whole run
 * with the default seed, the READMEs its table. Only the moment in the guard's refusal (the real
 * clock's) may differ.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

const read = (name: string) => readFileSync(new URL(`../../${name}`, import.meta.url), "utf8");
const instant = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d/g;
const masked = (text: string) => text.replace(instant, "<time>");

let output = "";
beforeAll(async () => {
  const run = await runCli(["demo"]);
  expect(run.code).toBe(0);
  output = run.stdout;
}, 120_000);

describe.each(["docs/en/getting-started.md", "docs/ja/getting-started.md"])("%s", (name) => {
  it("shows a real run of the demo with the default seed", () => {
    const block = /```text\n(?:\$ npx line-responder demo\n)?(line-responder demo \(seed[\s\S]*?)```/.exec(read(name));
    expect(block?.[1] && masked(block[1])).toBe(masked(output));
  });
});

describe.each(["README.md", "README.ja.md"])("%s", (name) => {
  it("shows the table and the verdict of a real run of the demo", () => {
    const table = output.slice(output.indexOf("                              baseline"));
    const block = /```text\n( +baseline +line-responder\n[\s\S]*?)```/.exec(read(name));
    expect(block?.[1]).toBe(table);
  });
});
