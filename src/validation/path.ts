/** Paths into YAML/JSON documents, written the way people read them. */

/** Formats a path as people read it: `rules[3].keywords[0]`, `rewards.voice-gift.stock`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_][\w-]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
