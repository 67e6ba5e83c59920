/**
 * `parseState`: a response state from JSON text or an object, checked against its profile's schema
 * and against what LINE allows, so a wrong `--from` or `declared` gets one message per problem.
 */
import { type DescribedIssue, describeIssues } from "../validation/describe-issues.js";
import { allOutputsOff, type CurrentState, type LegacyState, type Profile, type StateOf } from "./state.js";
import { CurrentStateSchema, LegacyStateSchema } from "./state-schema.js";

/** A state that is not valid JSON for its profile; `issues` says where. */
export class StateError extends Error {
  override readonly name = "StateError";
  constructor(
    message: string,
    readonly issues: readonly DescribedIssue[] = [],
  ) {
    super(message);
  }
}

/**
 * Reads a state of `profile` from JSON text or an object.
 * @throws {@link StateError} naming each wrong or unknown field.
 */
export function parseState<P extends Profile>(profile: P, input: unknown): StateOf<P>;
export function parseState(profile: Profile, input: unknown): CurrentState | LegacyState {
  let data = input;
  if (typeof input === "string") {
    try {
      data = JSON.parse(input);
    } catch (error) {
      throw new StateError(`state is not valid JSON: ${(error as Error).message}`);
    }
  }
  const schema = profile === "current" ? CurrentStateSchema : LegacyStateSchema;
  const result = schema.safeParse(data);
  if (result.success) {
    const state = result.data as CurrentState | LegacyState;
    const impossible = impossibility(state);
    if (impossible)
      throw new StateError(`invalid ${profile} state: ${impossible}`, [
        { code: "invalid-value", path: "", message: impossible },
      ]);
    return state;
  }
  const issues = describeIssues(result.error.issues, data, (path) =>
    path.length === 0 ? Object.keys(schema.shape) : [],
  );
  const text = issues.map((i) => `${i.path || "(state)"}: ${i.message}`).join("; ");
  throw new StateError(`invalid ${profile} state: ${text}`, issues);
}

/** Why LINE could never be in `state`, or undefined. */
function impossibility(state: CurrentState | LegacyState): string | undefined {
  if (allOutputsOff(state)) {
    return "webhook, autoResponse and greeting are all off, which LINE does not allow";
  }
  if ("mode" in state && state.mode === "chat" && (state.webhook || state.autoResponse)) {
    return "Chat mode has Webhook and 自動応答 off; set webhook and autoResponse to false";
  }
  return undefined;
}
