/**
 * `line-responder/testing`: helpers for testing your bot and your rule files in any test runner
 * (vitest, jest, node:test).
 *
 * @packageDocumentation
 */
export { checkRuleCases, type RuleCase, type RuleCaseFailure } from "./rule-cases.js";
