/**
 * Every TypeScript snippet of the READMEs and docs/{en,ja} compiles as a user's code would, under
 * `strict`, `exactOptionalPropertyTypes` and `noUncheckedIndexedAccess` in an ESM project. Here the
 * package name points at the source (fast, in `npm test`); `npm run check:package` checks the same
 * snippets against the packed tarball. See test/docs/snippets.mjs for what a snippet may assume.
 */
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { KNOWN_SNIPPET_FAILURES } from "./snippet-known-failures.mjs";
import {
  againstKnown,
  docFiles,
  docSnippets,
  SNIPPET_COMPILER_OPTIONS,
  snippetsOf,
  typeCheck,
  withEarlierImports,
  writeSnippetProject,
} from "./snippets.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

describe("the docs' TypeScript snippets", () => {
  it("finds the snippets of every page, new guides included", () => {
    const files = docFiles(root);
    expect(files).toEqual(
      expect.arrayContaining(["README.md", "README.ja.md", "docs/en/rewards.md", "docs/ja/testing.md"]),
    );
    expect(docSnippets(root).length).toBeGreaterThan(60);
  });

  it("compile under strict, exactOptionalPropertyTypes and noUncheckedIndexedAccess", async () => {
    const dir = await mkdtemp(join(tmpdir(), "line-responder-snippets-"));
    dirs.push(dir);
    await symlink(join(root, "node_modules"), join(dir, "node_modules"), "dir");
    const src = (path: string) => [join(root, "src", path)];
    const options = {
      ...SNIPPET_COMPILER_OPTIONS,
      paths: {
        "line-responder": src("index.ts"),
        "line-responder/testing": src("testing/index.ts"),
        "line-responder/redis": src("stores/redis.ts"),
        "line-responder/postgres": src("stores/postgres.ts"),
        "line-responder/d1": src("stores/d1.ts"),
        "line-responder/modes": src("modes.ts"),
        "line-responder/schema": src("schema.ts"),
        "line-responder/*": src("adapters/*.ts"),
      },
    };
    const sources = await writeSnippetProject(dir, docSnippets(root), options);
    const errors = await typeCheck(dir, sources, join(root, "node_modules/typescript/bin/tsc"));
    const { unexpected, fixed } = againstKnown(errors, KNOWN_SNIPPET_FAILURES);
    expect(unexpected, "snippets that do not compile").toEqual([]);
    expect(fixed, "fixed: delete these from test/docs/snippet-known-failures.mjs").toEqual([]);
  }, 180_000);
});

describe("snippet extraction", () => {
  it("reads ts and typescript fences with the line of their first code line", () => {
    const text = "# t\n\n```ts\nconst a = 1;\n```\n\n```typescript\nconst b = 2;\n```\n\n```js\nno\n```\n";
    expect(snippetsOf(text)).toEqual([
      { line: 4, code: "const a = 1;" },
      { line: 8, code: "const b = 2;" },
    ]);
  });

  it("lets a partial snippet opt out only with a reason", () => {
    expect(snippetsOf("```ts no-check: Deno's runtime\nDeno.serve();\n```\n")).toEqual([
      { line: 2, code: "Deno.serve();", skip: "Deno's runtime" },
    ]);
    expect(() => snippetsOf("```ts no-check\nx;\n```\n", "page.md")).toThrow('page.md:1: "no-check" needs a reason');
  });

  it("names a snippet's file when the page says so", () => {
    expect(snippetsOf("```ts file=server.ts\nexport const a = 1;\n```\n")).toEqual([
      { line: 2, code: "export const a = 1;", name: "server.ts" },
    ]);
  });

  it("carries an earlier snippet's imports of the same page to the names a later one uses", () => {
    const earlier = [{ code: 'import { readFileSync } from "node:fs";\nimport express, { json } from "express";' }];
    expect(withEarlierImports({ code: "express(); readFileSync('x');" }, earlier)).toBe(
      'import { readFileSync } from "node:fs"; import express from "express";\nexpress(); readFileSync(\'x\');',
    );
    expect(withEarlierImports({ code: "const json = 1;" }, earlier)).toBe("const json = 1;");
  });

  it("fails on new errors and on listed errors that are gone", () => {
    const known = ["docs/en/a.md TS2304 Cannot find name 'x'."];
    expect(againstKnown(["docs/en/a.md:12: TS2304 Cannot find name 'x'."], known)).toEqual({
      unexpected: [],
      fixed: [],
    });
    expect(againstKnown(["docs/en/b.md:3: TS2304 Cannot find name 'y'."], known)).toEqual({
      unexpected: ["docs/en/b.md:3: TS2304 Cannot find name 'y'."],
      fixed: known,
    });
  });
});
