/**
 * A fast path for `RuleSetSchema`: the rule objects of nearly every file (an id, keywords, a
 * reward or text replies) checked by hand, which costs a few percent of what `zod/mini` costs on
 * a big set (it has no JIT, and allocates a result and an issue list per field).
 *
 * It accepts only what the schema accepts and returns what the schema returns (defaults filled
 * in, keys in the schema's order, fresh arrays and objects), and says `undefined` for anything
 * else: a value the schema would refuse, but also any shape it does not know by heart (a class
 * instance, an `undefined` field, a `__proto__` key). Then the caller runs the schema itself, so
 * every error message is the schema's. Rarer parts (rewards, windows, messages other than text,
 * the top-level options) go through the schema's own parts, whose results are the same as
 * inside the whole. `test/rules/plain-rule-set.test.ts` checks both claims with fast-check.
 */
import { MAX_TEXT_LENGTH } from "../line/messages.js";
import { arrayOfLength } from "./array-of-length.js";
import { MessageSchema, RuleSchema, type RuleSet, RuleSetSchema, WindowSchema } from "./schema.js";

type Plain = Record<string, unknown>;
type Rule = RuleSet["rules"][number];
type Message = NonNullable<Rule["reply"]>[number];

const RULE_SET_KEYS = new Set(Object.keys(RuleSetSchema.shape));
const RULE_KEYS = new Set(Object.keys(RuleSchema.shape));
/** Every field name this file reads: none may come from Object.prototype. */
const FIELDS_READ = [...RULE_SET_KEYS, ...RULE_KEYS, "type", "text"];

/** The rule set `RuleSetSchema` would make of `data`, or `undefined` when the schema must decide. */
export function parsePlainRuleSet(data: unknown): RuleSet | undefined {
  if (!isPlain(data) || !prototypeIsClean()) return undefined;
  for (const key in data) if (!RULE_SET_KEYS.has(key)) return undefined;
  const rules = data.rules;
  if (!Array.isArray(rules)) return undefined;
  const shape = RuleSetSchema.shape;
  // Each of these is required or has a default, so the schema parses it present or absent.
  const version = shape.version.safeParse(data.version);
  const timezone = shape.timezone.safeParse(data.timezone);
  const normalize = shape.normalize.safeParse(data.normalize);
  const rewards = shape.rewards.safeParse(data.rewards);
  if (!(version.success && timezone.success && normalize.success && rewards.success)) return undefined;
  const parsed = arrayOfLength<Rule>(rules.length);
  for (let i = 0; i < rules.length; i++) {
    const rule = parseRule(rules[i]);
    if (rule === undefined) return undefined;
    parsed[i] = rule;
  }
  return {
    version: version.data,
    timezone: timezone.data,
    normalize: normalize.data,
    rewards: rewards.data,
    rules: parsed,
  };
}

// The schema reads fields with `in` and `for...in`, which see the prototype: an object built on
// a prototype other than Object's (or none) goes to the schema, and so does every object while
// Object.prototype itself carries enumerable keys or a field name (a polluted prototype).
function isPlain(value: unknown): value is Plain {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function prototypeIsClean(): boolean {
  for (const _ in Object.prototype) return false;
  for (const key of FIELDS_READ) if (key in Object.prototype) return false;
  return true;
}

/** A rule as `RuleSchema` returns it, or `undefined`. */
function parseRule(input: unknown): Rule | undefined {
  if (!isPlain(input)) return undefined;
  // Fields are read in one pass over the keys, not by name: an object made with spread syntax
  // (`{ ...rule, reply }`) answers a lookup of a field it lacks (`window`) a hundred times slower.
  let id: unknown;
  let match: unknown = "exact";
  let keywords: unknown;
  let reward: unknown;
  let reply: unknown;
  let window: unknown;
  let priority: unknown = 0;
  let sources: unknown;
  let answeredBy: unknown = "bot";
  let guard: unknown;
  let seen = 0;
  for (const key in input) {
    const value = input[key];
    // A field set to `undefined` goes to the schema (which keeps some such keys, drops others).
    if (value === undefined) return undefined;
    seen++;
    switch (key) {
      case "id":
        id = value;
        break;
      case "match":
        match = value;
        break;
      case "keywords":
        keywords = value;
        break;
      case "reward":
        reward = value;
        break;
      case "reply":
        reply = value;
        break;
      case "window":
        window = value;
        break;
      case "priority":
        priority = value;
        break;
      case "sources":
        sources = value;
        break;
      case "answeredBy":
        answeredBy = value;
        break;
      case "guard":
        guard = value;
        break;
      default:
        return undefined; // the schema is strict: it names the unknown key
    }
  }
  // The schema also reads fields that are not enumerable, which the loop above does not see.
  if (Object.getOwnPropertyNames(input).length !== seen) return undefined;
  if (!isNonEmptyString(id)) return undefined;
  if (match !== "exact" && match !== "prefix" && match !== "contains" && match !== "regex") return undefined;
  const keywordList = nonEmptyStrings(keywords);
  if (keywordList === undefined) return undefined;
  // Exactly one of reward and reply, as the schema's refinement requires.
  if ((reward === undefined) === (reply === undefined)) return undefined;
  if (reward !== undefined && !isNonEmptyString(reward)) return undefined;
  const messages = reply === undefined ? undefined : parseMessages(reply);
  if (reply !== undefined && messages === undefined) return undefined;
  let parsedWindow: Rule["window"];
  if (window !== undefined) {
    const result = WindowSchema.safeParse(window);
    if (!result.success) return undefined;
    parsedWindow = result.data;
  }
  if (!Number.isSafeInteger(priority)) return undefined;
  const sourceList: Rule["sources"] | undefined = sources === undefined ? ["user"] : parseSources(sources);
  if (sourceList === undefined) return undefined;
  if (answeredBy !== "bot" && answeredBy !== "native") return undefined;
  if (guard !== undefined && typeof guard !== "boolean") return undefined;

  // Keys in the schema's order, the optional ones only when given. The usual shapes are one
  // object literal each: the engine gives them all one hidden class and, seeing them survive,
  // allocates them straight into the old generation (on 100,000 rules, copying them out of the
  // young generation cost more than the checks).
  if (parsedWindow === undefined && guard === undefined) {
    return messages === undefined
      ? { id, match, keywords: keywordList, reward, priority: priority as number, sources: sourceList, answeredBy }
      : {
          id,
          match,
          keywords: keywordList,
          reply: messages,
          priority: priority as number,
          sources: sourceList,
          answeredBy,
        };
  }
  const rule: Partial<Rule> = { id, match, keywords: keywordList };
  if (reward !== undefined) rule.reward = reward;
  if (messages !== undefined) rule.reply = messages;
  if (parsedWindow !== undefined) rule.window = parsedWindow;
  rule.priority = priority as number;
  rule.sources = sourceList;
  rule.answeredBy = answeredBy;
  if (guard !== undefined) rule.guard = guard;
  return rule as Rule;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

// Arrays of one item, the usual length, are array literals, for the reason rule objects are.
function nonEmptyStrings(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  if (value.length === 1) {
    const item: unknown = value[0];
    return isNonEmptyString(item) ? [item] : undefined;
  }
  const copy = arrayOfLength<string>(value.length);
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (!isNonEmptyString(item)) return undefined;
    copy[i] = item;
  }
  return copy;
}

function parseSources(value: unknown): Rule["sources"] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const copy: Rule["sources"] = arrayOfLength(value.length);
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (item !== "user" && item !== "group" && item !== "room") return undefined;
    copy[i] = item;
  }
  return copy;
}

/** LINE takes 1 to 5 messages; text messages are checked here, the other types by their schema. */
function parseMessages(value: unknown): Message[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > 5) return undefined;
  if (value.length === 1) {
    const message = parseTextMessage(value[0]) ?? parseOtherMessage(value[0]);
    return message === undefined ? undefined : [message];
  }
  const copy = arrayOfLength<Message>(value.length);
  for (let i = 0; i < value.length; i++) {
    const message = parseTextMessage(value[i]) ?? parseOtherMessage(value[i]);
    if (message === undefined) return undefined;
    copy[i] = message;
  }
  return copy;
}

// `TextMessageSchema` is a loose object: type and text first, then every other key as given.
function parseTextMessage(value: unknown): Message | undefined {
  if (!isPlain(value) || value.type !== "text") return undefined;
  const text = value.text;
  if (typeof text !== "string" || text.length === 0 || text.length > MAX_TEXT_LENGTH) return undefined;
  const message: Plain = { type: "text", text };
  for (const key in value) {
    if (key === "type" || key === "text") continue;
    if (key === "__proto__") return undefined;
    message[key] = value[key];
  }
  return message as Message;
}

function parseOtherMessage(value: unknown): Message | undefined {
  const result = MessageSchema.safeParse(value);
  return result.success ? result.data : undefined;
}
