/**
 * The profiles by name: the one place that turns `"current"` or `"legacy"` into the logic of that
 * era, typed so that the state and events of the name come with it.
 */
import type { Capabilities } from "../capabilities.js";
import type { EventOf } from "../events.js";
import type { ProfileLogic } from "../profile-logic.js";
import type { Profile, ResponseHours, StateOf } from "../state.js";
import { currentProfile } from "./current.js";
import { legacyProfile } from "./legacy.js";

const PROFILES: { [P in Profile]: ProfileLogic<P> } = { current: currentProfile, legacy: legacyProfile };

/** The logic of `profile`. */
export function logicOf<P extends Profile>(profile: P): ProfileLogic<P> {
  return PROFILES[profile];
}

/** The capabilities of a state of `profile` at `at` (epoch ms). */
export function capabilitiesOf<P extends Profile>(profile: P, state: StateOf<P>, at: number): Capabilities {
  return logicOf(profile).capabilities(state, at);
}

/** Every operator action of `profile` (observations excluded). */
export function operatorEvents<P extends Profile>(profile: P, options?: { hours?: ResponseHours }): EventOf<P>[] {
  return logicOf(profile).operatorEvents(options);
}
