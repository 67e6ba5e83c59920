/**
 * A fresh clone runs its tests with nothing beside it: no file under src/, test/, bench/ or
 * examples/ may name a path outside the repository. A relative path literal ("../x") is resolved
 * against the folder of the file that writes it (as `new URL(…, import.meta.url)`, `resolve(__dirname,
 * …)` and `join(dirname, …)` do); an absolute literal must not point into the repository's parent.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const scanned = ["src", "test", "bench", "examples"];
const sourceFile = /\.(?:[cm]?[jt]sx?)$/;

function* files(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (sourceFile.test(entry.name)) yield path;
  }
}

/** The string literals in `text` that name a path outside `repository`, as `line: literal`. */
function pathsOutside(file: string, text: string, repository: string): string[] {
  const parent = dirname(resolve(repository));
  const found: string[] = [];
  for (const match of text.matchAll(/(["'`])((?:\.\.?\/|\/)[^"'`\s]*)\1/g)) {
    const literal = match[2] as string;
    const inside = (target: string) => {
      const rel = relative(repository, target);
      return rel !== ".." && !rel.startsWith(`..${sep}`);
    };
    const escapes = literal.startsWith("/")
      ? literal.startsWith(`${parent}/`) && !inside(literal)
      : !inside(resolve(dirname(file), literal));
    if (escapes) found.push(`${text.slice(0, match.index).split("\n").length}: ${literal}`);
  }
  return found;
}

describe("the repository stands on its own", () => {
  it("reads nothing outside itself from src/, test/, bench/ or examples/", () => {
    const outside: string[] = [];
    for (const folder of scanned) {
      for (const file of files(join(root, folder))) {
        for (const hit of pathsOutside(file, readFileSync(file, "utf8"), root)) {
          outside.push(`${relative(root, file)}:${hit}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });

  it("catches a test that reads a folder beside the repository", () => {
    // What test/testing/emulator-requests.test.ts did before LINE's OpenAPI file was vendored.
    // (The path is joined from parts so that this file does not trip the scan above.)
    const file = join(root, "test/testing/emulator-requests.test.ts");
    const beside = ["..", "..", "..", "shared", "line-openapi", "messaging-api.yml"].join("/");
    const text = `readFileSync(new URL("${beside}", import.meta.url))`;
    expect(pathsOutside(file, text, root)).toEqual([`1: ${beside}`]);
    expect(pathsOutside(file, `readFileSync("${dirname(root)}/shared/x.yml")`, root)).toHaveLength(1);
    expect(pathsOutside(file, 'new URL("../fixtures/x.yml", import.meta.url)', root)).toEqual([]);
  });
});
