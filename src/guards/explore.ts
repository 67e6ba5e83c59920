/**
 * Breadth-first exploration of the states a machine can reach through operator actions, with the
 * shortest action path to each: the basis of the diagrams and of consumers' exhaustive tests.
 */
import type { EventOf, ModeMachine } from "./machine.js";
import { operatorEvents } from "./profiles/index.js";
import type { Profile, ResponseHours, StateOf } from "./state.js";

/** A reachable state and the shortest list of operator actions that reaches it. */
export interface ReachableState<P extends Profile> {
  state: StateOf<P>;
  path: EventOf<P>[];
}

/** A transition found while exploring. */
export interface ExploredEdge<P extends Profile> {
  from: number;
  to: number;
  event: EventOf<P>;
}

/** Options of {@link exploreStates}. */
export interface ExploreOptions<P extends Profile> {
  /** Longest path explored; default 6 (enough to reach every state of both profiles from any state). */
  depth?: number;
  /** The actions to try; default every operator action of the profile. */
  events?: readonly EventOf<P>[];
  /** Response hours used by the default SET_RESPONSE_HOURS action. */
  hours?: ResponseHours;
  /** The moment transitions are judged at (campaign windows, response hours); default now. */
  at?: Date | number;
}

/** A key that is equal for equal states, whatever their property order. */
export function stateKey(state: object): string {
  return JSON.stringify(state, (_, value) =>
    value && typeof value === "object" && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
}

/**
 * Every state `machine` reaches from `from` in at most `depth` operator actions, breadth first
 * (so each path is a shortest one), and the transitions between them. Refused actions are not
 * followed: with a strict machine, the states are those an operator can really get to.
 */
export function exploreStates<P extends Profile>(
  machine: ModeMachine<P>,
  from: StateOf<P>,
  options: ExploreOptions<P> = {},
): { states: ReachableState<P>[]; edges: ExploredEdge<P>[] } {
  const depth = options.depth ?? 6;
  const events = options.events ?? operatorEvents(machine.profile, { hours: options.hours });
  const at = options.at ?? Date.now();
  const states: ReachableState<P>[] = [{ state: from, path: [] }];
  const index = new Map([[stateKey(from), 0]]);
  const edges: ExploredEdge<P>[] = [];
  for (let head = 0; head < states.length; head++) {
    const { state, path } = states[head] as ReachableState<P>;
    for (const event of events) {
      const result = machine.transition(state, event, { at });
      if (!result.ok) continue;
      const key = stateKey(result.state);
      let to = index.get(key);
      if (to === undefined) {
        if (path.length >= depth) continue;
        to = states.length;
        index.set(key, to);
        states.push({ state: result.state, path: [...path, event] });
      }
      if (to !== head) edges.push({ from: head, to, event });
    }
  }
  return { states, edges };
}
