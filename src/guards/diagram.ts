/**
 * The machine drawn from its own table: states found by exploring it, edges labeled with the
 * action and what it switched off on its own. Nothing here is drawn by hand.
 */

import { exploreStates, type ReachableState } from "./explore.js";
import { createModeMachine, describeEvent } from "./machine.js";
import { operatorEvents } from "./profiles/index.js";
import { describeSwitches, type Profile, type StateOf } from "./state.js";

/** Options of {@link diagram}. */
export interface DiagramOptions {
  /** `mermaid` (stateDiagram-v2, renders on GitHub) or `dot` (Graphviz); default mermaid. */
  format?: "mermaid" | "dot";
}

const START: { [P in Profile]: StateOf<P> } = {
  current: { chat: false, webhook: true, autoResponse: true, greeting: true },
  legacy: { mode: "bot", webhook: true, autoResponse: true, greeting: true },
};

/**
 * Draws a profile's reachable states and operator actions. For `current`, response hours and
 * methods are left out (they would multiply the states by eight without changing the toggles).
 * Actions LINE refuses (all outputs off, Webhook in Chat mode) have no edge.
 *
 * @example
 * ```ts
 * console.log(diagram("legacy")); // stateDiagram-v2 ... Bot mode --> Chat mode: SWITCH_MODE:chat (turns off webhook, autoResponse)
 * ```
 */
export function diagram<P extends Profile>(profile: P, options: DiagramOptions = {}): string {
  const machine = createModeMachine({ profile });
  // Response hours and methods would multiply the states by eight without changing the toggles.
  const events = operatorEvents(profile).filter(
    (e) => e.type !== "SET_RESPONSE_HOURS" && e.type !== "SET_RESPONSE_METHOD",
  );
  const { states, edges } = exploreStates(machine, START[profile], { events, depth: 16, at: 0 });
  const edgeLabel = ({ from, event }: (typeof edges)[number]) => {
    const result = machine.transition((states[from] as ReachableState<P>).state, event, { at: 0 });
    const turnedOff = result.ok ? result.effects.filter((e) => e.kind === "side-effect").map((e) => e.field) : [];
    return turnedOff.length > 0 ? `${describeEvent(event)} (turns off ${turnedOff.join(", ")})` : describeEvent(event);
  };

  if (options.format === "dot") {
    const lines = [`digraph ${profile} {`, "  rankdir=LR;", "  node [shape=box, style=rounded];"];
    states.forEach(({ state }, i) => {
      lines.push(`  s${i} [label=${JSON.stringify(describeSwitches(state))}];`);
    });
    for (const edge of edges) lines.push(`  s${edge.from} -> s${edge.to} [label=${JSON.stringify(edgeLabel(edge))}];`);
    lines.push("}");
    return `${lines.join("\n")}\n`;
  }
  const lines = ["stateDiagram-v2", "  [*] --> s0"];
  states.forEach(({ state }, i) => {
    lines.push(`  s${i}: ${describeSwitches(state)}`);
  });
  for (const edge of edges) lines.push(`  s${edge.from} --> s${edge.to}: ${edgeLabel(edge)}`);
  return `${lines.join("\n")}\n`;
}
