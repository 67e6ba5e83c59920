/**
 * No module under src/ may import itself back, not even for a type: a cycle makes load order
 * decide what is initialized (a `const` read before it is set), and it ties layers together that
 * the data flow keeps apart (adapter -> webhook core -> rules -> rewards -> store/client).
 * Dynamic `import()` is lazy and does not count.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../../src", import.meta.url));

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

/** The files under src/ that `file` imports or re-exports from (statically, types included). */
function importsOf(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const targets: string[] = [];
  for (const statement of source.statements) {
    const specifier =
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) && statement.moduleSpecifier;
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith(".")) continue;
    targets.push(resolve(dirname(file), specifier.text.replace(/\.js$/, ".ts")));
  }
  return targets;
}

/** Every cycle's files, as `a.ts -> b.ts -> a.ts`, one per strongly connected group (Tarjan). */
function cyclesIn(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) as number, low.get(to) as number));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node) as number, index.get(to) as number));
    }
    if (low.get(node) !== index.get(node)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      group.push(member);
    } while (member !== node);
    if (group.length > 1 || graph.get(node)?.includes(node)) groups.push(group.reverse());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return groups;
}

describe("import cycles", () => {
  it("finds a cycle through a type-only import, and none in a chain", () => {
    const graph = new Map(
      Object.entries({
        "/a.ts": importsOf("/a.ts", 'import type { B } from "./b.js";'),
        "/b.ts": importsOf("/b.ts", 'export { a } from "./a.js";\nconst lazy = () => import("./c.js");'),
        "/c.ts": importsOf("/c.ts", 'import { b } from "./b.js";'),
      }),
    );
    expect(cyclesIn(graph)).toEqual([["/a.ts", "/b.ts"]]);
    expect(cyclesIn(new Map([["/c.ts", ["/b.ts"]]]))).toEqual([]);
  });

  it("src/ has none", () => {
    const graph = new Map<string, string[]>();
    for (const file of files(src)) graph.set(file, importsOf(file, readFileSync(file, "utf8")));
    const cycles = cyclesIn(graph).map((group) =>
      [...group, group[0]].map((file) => relative(src, file as string)).join(" -> "),
    );
    expect(cycles).toEqual([]);
  });
});
