import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diagram } from "../../src/index.js";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const mermaidBlocks = [...readme.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);

describe("README", () => {
  it("shows the diagrams diagram() draws today (legacy, then current)", () => {
    expect(mermaidBlocks).toEqual([diagram("legacy"), diagram("current")]);
  });

  it("states the two set-up commands", () => {
    expect(readme).toContain("npm install\nnpm test\n");
  });
});
