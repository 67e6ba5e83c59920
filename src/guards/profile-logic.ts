/**
 * What makes one era of settings (a profile) different, in one typed object: how an event changes
 * a state, what a state lets the account do, what an operator must do to answer a silent rule, and
 * which actions exist. The machine, the diagrams and the explorer ask the profile's logic and never
 * which profile it is.
 */
import type { Campaign } from "./campaigns.js";
import type { Capabilities } from "./capabilities.js";
import type { StepOutcome } from "./effects.js";
import type { EventOf } from "./events.js";
import type { Repair } from "./findings.js";
import type { Profile, ResponseHours, StateOf } from "./state.js";

/** The behaviour of profile `P`. */
export interface ProfileLogic<P extends Profile> {
  readonly profile: P;
  /** Applies one event through the profile's transition table (no campaign checks). */
  step(state: StateOf<P>, event: EventOf<P>): StepOutcome<StateOf<P>>;
  /** What the account does in `state` at `at` (epoch ms). */
  capabilities(state: StateOf<P>, at: number): Capabilities;
  /** The operator actions that make `campaign`, unanswered in `state` at `at`, answered again. */
  repairs(state: StateOf<P>, campaign: Campaign, at: number): Repair<P>[];
  /** Every operator action of the profile (observations excluded), for exploring and drawing. */
  operatorEvents(options?: { hours?: ResponseHours }): EventOf<P>[];
}
