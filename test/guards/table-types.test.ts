/**
 * The transition tables are checked by the compiler: `npm run typecheck` fails if a mode, an event
 * or a target state is missing. Each `@ts-expect-error` below must stay an error.
 */
import { describe, expect, it } from "vitest";
import { type CurrentTable, currentTable } from "../../src/guards/profiles/current.js";
import { type LegacyTable, legacyTable } from "../../src/guards/profiles/legacy.js";

const { SET_GREETING: _omitted, ...withoutGreeting } = currentTable;

// @ts-expect-error: a table without the chat mode is not a LegacyTable
const missingMode: LegacyTable = { bot: legacyTable.bot };
// @ts-expect-error: a table without SET_GREETING is not a CurrentTable
const missingEvent: CurrentTable = withoutGreeting;
const missingTarget: CurrentTable = {
  ...currentTable,
  // @ts-expect-error: a handler must return a state (or a refusal)
  SET_CHAT: () => ({ ok: true, effects: [] }),
};

describe("transition tables", () => {
  it("have a handler for every mode and event", () => {
    expect(Object.keys(legacyTable).sort()).toEqual(["bot", "chat"]);
    for (const mode of Object.values(legacyTable)) {
      expect(Object.keys(mode).sort()).toEqual([
        "OBSERVE",
        "SET_AUTO_RESPONSE",
        "SET_GREETING",
        "SET_WEBHOOK",
        "SWITCH_MODE",
      ]);
    }
    expect(Object.keys(currentTable).sort()).toEqual([
      "OBSERVE",
      "SET_AUTO_RESPONSE",
      "SET_CHAT",
      "SET_GREETING",
      "SET_RESPONSE_HOURS",
      "SET_RESPONSE_METHOD",
      "SET_WEBHOOK",
    ]);
    expect([missingMode, missingEvent, missingTarget]).toHaveLength(3);
  });
});
