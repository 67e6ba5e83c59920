import { describe, expect, it } from "vitest";
import { diagram } from "../../src/modes.js";

describe("diagram", () => {
  it("legacy, mermaid: eight states and the seed incident's edge", () => {
    const text = diagram("legacy");
    expect(text.startsWith("stateDiagram-v2\n  [*] --> s0\n")).toBe(true);
    expect(text.match(/^ {2}s\d+: /gm)).toHaveLength(8);
    expect(text).toContain("s0: Bot mode, Webhook on, 自動応答 on, greeting on");
    expect(text).toContain("s0 --> s1: SWITCH_MODE:chat (turns off webhook, autoResponse)");
    expect(text).toContain("s1: Chat mode, Webhook off, 自動応答 off, greeting on");
    expect(text).toMatch(/s1 --> s\d+: SWITCH_MODE:bot\n/);
    // Refused actions have no edge: nothing turns Webhook on in Chat mode.
    expect(text).not.toMatch(/s1 --> s\d+: SET_WEBHOOK:on/);
  });

  it("current: fourteen toggle states (2 chat x 7: all outputs off is not one)", () => {
    const text = diagram("current");
    expect(text.match(/^ {2}s\d+: /gm)).toHaveLength(14);
    expect(text).not.toContain("Webhook off, 応答メッセージ off, greeting off");
  });

  it("dot", () => {
    const text = diagram("legacy", { format: "dot" });
    expect(text).toMatch(/^digraph legacy \{/);
    expect(text).toContain('s0 -> s1 [label="SWITCH_MODE:chat (turns off webhook, autoResponse)"];');
    expect(text.trim().endsWith("}")).toBe(true);
  });
});
