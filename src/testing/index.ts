/**
 * `line-responder/testing`: helpers for testing your bot and your rule files in any test runner
 * (vitest, jest, node:test).
 *
 * @packageDocumentation
 */
export {
  type ExploredEdge,
  type ExploreOptions,
  exploreStates,
  type ReachableState,
  stateKey,
} from "../guards/explore.js";
export { operatorEvents, SAMPLE_RESPONSE_HOURS } from "../guards/operator-events.js";
export { signBody } from "../webhook/signature.js";
export { checkRuleCases, type RuleCase, type RuleCaseFailure } from "./rule-cases.js";
