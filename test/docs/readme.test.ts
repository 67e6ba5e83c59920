import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diagram } from "../../src/modes.js";

const read = (name: string) => readFileSync(new URL(`../../${name}`, import.meta.url), "utf8");
const mermaidBlocks = (text: string) => [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);

describe.each(["README.md", "README.ja.md"])("%s", (name) => {
  const readme = read(name);

  it("shows the diagrams diagram() draws today (legacy, then current)", () => {
    expect(mermaidBlocks(readme)).toEqual([diagram("legacy"), diagram("current")]);
  });

  it("states the two set-up commands and the demo", () => {
    expect(readme).toContain("npm install\nnpm test\n");
    expect(readme).toContain("npm run demo");
  });

  it("links only to files that exist", () => {
    const links = [...readme.matchAll(/\]\((?!https?:|#)([^)#\s]+)/g)].map((m) => m[1] as string);
    const missing = links.filter((link) => {
      try {
        readFileSync(new URL(`../../${link}`, import.meta.url));
        return false;
      } catch (error) {
        return (error as NodeJS.ErrnoException).code !== "EISDIR";
      }
    });
    expect(missing).toEqual([]);
  });
});
