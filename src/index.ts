/**
 * line-responder: keyword campaigns for LINE Official Account bots that never fail silently.
 *
 * @packageDocumentation
 */
export {
  DEFAULT_NORMALIZE_OPTIONS,
  type NormalizeOptions,
  normalize,
  type ResolvedNormalizeOptions,
} from "./rules/normalize.js";
