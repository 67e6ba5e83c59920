/**
 * `JSON.parse` keeps the last of two equal keys without a word; in a rule file that hides a
 * mistake (two `reply` fields, one silently dropped). One pass over the text finds such a key,
 * so the fast JSON path can hand the file to the YAML parser, which reports it with its line.
 */

/** Whether an object in the JSON `text` has the same key twice. `text` must be valid JSON. */
export function hasDuplicateKey(text: string): boolean {
  // One set of keys per open object; `null` for an open array.
  const open: (Set<string> | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) open.push(new Set());
    else if (c === 0x5b /* [ */) open.push(null);
    else if (c === 0x7d /* } */ || c === 0x5d /* ] */) open.pop();
    else if (c === 0x22 /* " */) {
      const start = i + 1;
      let escaped = false;
      for (i = start; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) {
          escaped = true;
          i++;
        } else if (d === 0x22) break;
      }
      const keys = open[open.length - 1];
      if (!keys || !isKey(text, i + 1)) continue;
      const raw = text.slice(start, i);
      // Escapes are decoded so that "a" and "\u0061" count as the same key, as JSON.parse sees them.
      const key = escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
      if (keys.has(key)) return true;
      keys.add(key);
    }
  }
  return false;
}

/** Whether the string that ended before `from` is followed by a colon: a key, not a value. */
function isKey(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a /* : */) return true;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false;
  }
  return false;
}
