/**
 * zod's issues, reworded for people who edit YAML and JSON by hand: one issue per unknown field
 * (with the field they probably meant), "is required" for a missing one, and a hint to quote
 * numbers where text is expected.
 */
import type * as z from "zod/mini";
import { closest } from "./closest.js";
import { formatPath } from "./path.js";

type Key = string | number;

/** One problem at one path, before a severity or source line is attached. */
export interface DescribedIssue {
  code: "invalid-value" | "unknown-field";
  path: string;
  message: string;
}

/**
 * Describes zod issues found while parsing `data`.
 * @param allowedKeys - the fields accepted at a path, to suggest the one a misspelt field meant.
 */
export function describeIssues(
  issues: readonly z.core.$ZodIssue[],
  data: unknown,
  allowedKeys: (path: readonly Key[]) => readonly string[] = () => [],
): DescribedIssue[] {
  return issues.flatMap((issue): DescribedIssue[] => {
    const path = issue.path.filter((k): k is Key => typeof k !== "symbol");
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeys(path);
      return issue.keys.map((key) => {
        const hint = closest(key, allowed);
        const suggestion = hint
          ? ` (did you mean "${hint}"?)`
          : allowed.length > 0
            ? ` (allowed here: ${allowed.join(", ")})`
            : "";
        return {
          code: "unknown-field",
          path: formatPath([...path, key]),
          message: `unknown field "${key}"${suggestion}`,
        };
      });
    }
    let message = issue.message;
    if (issue.code === "invalid_type") {
      const value = valueAt(data, path);
      // Keep a schema's own "is required: ..." (it says what to write); otherwise say just that.
      if (value === undefined) message = message.startsWith("is required") ? message : "is required";
      else if (issue.expected === "string" && (typeof value === "number" || typeof value === "boolean")) {
        message = `must be a string; write it in quotes: "${String(value)}"`;
      }
    }
    return [{ code: "invalid-value", path: formatPath(path), message }];
  });
}

function valueAt(data: unknown, path: readonly Key[]): unknown {
  let value = data;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<Key, unknown>)[key];
  }
  return value;
}
