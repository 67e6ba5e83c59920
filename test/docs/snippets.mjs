// The TypeScript snippets of the READMEs and the guides (docs/en, docs/ja), and a project that
// type-checks them as a user's code would be: an ESM project with `strict`,
// `exactOptionalPropertyTypes` and `noUncheckedIndexedAccess`. Used by test/docs/snippets.test.ts
// (against the source, in `npm test`) and by test/package/check.mjs (against the packed package).
//
// Every ```ts or ```typescript fence is checked, in every Markdown file of those folders, so new
// guides are checked without being listed. A snippet that is deliberately partial opts out with
// its reason in the fence's info string: ```ts no-check: <why it cannot compile>. A snippet that
// another imports names its file: ```ts file=server.ts (imported as "./server.js").
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

const FENCE = /^(`{3,}|~{3,})(.*)$/;

/** The Markdown files whose snippets are checked, relative to `root`. */
export function docFiles(root) {
  const folders = ["docs/en", "docs/ja"].flatMap((folder) =>
    readdirSync(join(root, folder))
      .filter((name) => name.endsWith(".md"))
      .sort()
      .map((name) => `${folder}/${name}`),
  );
  return ["README.md", "README.ja.md", ...folders];
}

/**
 * The ts/typescript fences of one Markdown text: `{ line, code, skip }`, where `line` is the line
 * of the fence's first code line (1-based) and `skip` the reason given with `no-check`, if any.
 * A `no-check` without a reason is an error: the exception must say why.
 */
export function snippetsOf(text, file = "(text)") {
  const lines = text.split("\n");
  const snippets = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]);
    if (!open) continue;
    const [, marker, info] = open;
    let end = i + 1;
    while (end < lines.length && !(lines[end].startsWith(marker) && lines[end].trim() === marker)) end++;
    const [language, ...rest] = info.trim().split(/\s+/);
    if (language === "ts" || language === "typescript") {
      const options = rest.join(" ");
      const noCheck = /^no-check\b:?\s*(.*)$/.exec(options);
      if (noCheck && noCheck[1].trim() === "") {
        throw new Error(`${file}:${i + 1}: "no-check" needs a reason: \`\`\`ts no-check: <why it cannot compile>`);
      }
      // `file=server.ts`: the page names the file, and a later snippet imports it ("./server.js").
      const name = /^file=([\w.-]+\.ts)$/.exec(options)?.[1];
      snippets.push({
        line: i + 2,
        code: lines.slice(i + 1, end).join("\n"),
        ...(noCheck ? { skip: noCheck[1] } : {}),
        ...(name ? { name } : {}),
      });
    }
    i = end;
  }
  return snippets;
}

/** Every snippet of the docs under `root`, with its file. */
export function docSnippets(root) {
  return docFiles(root).flatMap((file) =>
    snippetsOf(readFileSync(join(root, file), "utf8"), file).map((snippet, index) => ({ file, index, ...snippet })),
  );
}

const IMPORT = /^import\s+(type\s+)?([\s\S]*?)\s+from\s+["']([^"']+)["'];?[ \t]*$/gm;

/** The names each import statement of `code` binds: `[{ name, statement }]`, one import per name. */
function importedNames(code) {
  const names = [];
  for (const [, typeOnly = "", clause, from] of code.matchAll(IMPORT)) {
    const kind = typeOnly ? "import type" : "import";
    const named = /\{([\s\S]*)\}/.exec(clause);
    for (const part of named ? named[1].split(",") : []) {
      const spec = part.trim();
      if (spec === "") continue;
      const local = spec
        .split(/\s+as\s+/)
        .pop()
        .replace(/^type\s+/, "");
      names.push({ name: local, statement: `${kind} { ${spec} } from "${from}";` });
    }
    const head = clause
      .replace(/\{[\s\S]*\}/, "")
      .replace(/,\s*$/, "")
      .trim();
    const namespace = /^\*\s+as\s+(\w+)$/.exec(head);
    if (namespace) names.push({ name: namespace[1], statement: `${kind} * as ${namespace[1]} from "${from}";` });
    else if (/^\w+$/.test(head)) names.push({ name: head, statement: `${kind} ${head} from "${from}";` });
  }
  return names;
}

/**
 * A page reads top to bottom: a snippet may use what an earlier snippet of the same page imported
 * (`createResponder` imported once, used again three snippets later). Returns the snippet's code
 * with those imports added in front, only for names it uses and does not bind itself.
 */
export function withEarlierImports(snippet, earlier) {
  const own = new Set(importedNames(snippet.code).map((i) => i.name));
  const body = snippet.code.replace(IMPORT, "");
  const added = new Map();
  for (const previous of earlier) {
    for (const { name, statement } of importedNames(previous.code)) {
      if (own.has(name) || added.has(name)) continue;
      const declared = new RegExp(`\\b(?:const|let|var|function|class|interface|type)\\s+${name}\\b`).test(body);
      if (!declared && new RegExp(`(?<![\\w.$])${name}\\b`).test(body)) added.set(name, statement);
    }
  }
  return added.size === 0 ? snippet.code : `${[...added.values()].join(" ")}\n${snippet.code}`;
}

/** The compiler options of a user's strict ESM project. */
export const SNIPPET_COMPILER_OPTIONS = {
  target: "ES2022",
  lib: ["ES2022"],
  module: "nodenext",
  moduleResolution: "nodenext",
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  esModuleInterop: true,
  // The Workers and Next.js snippets import their rule file as a module: JSON (with its import
  // attribute) and YAML as text (a Wrangler Text module, typed by a rules.d.yaml.ts declaration).
  resolveJsonModule: true,
  allowArbitraryExtensions: true,
  noEmit: true,
  types: ["node"],
};

const contextFile = new URL("./snippet-context.d.ts", import.meta.url);

/**
 * Writes the checked snippets into `dir` (src/<doc>-<n>.ts, each a module) with the ambient
 * context the docs assume (test/docs/snippet-context.d.ts) and a tsconfig.json. Returns where each
 * written file came from, for `locate`.
 */
export async function writeSnippetProject(dir, snippets, compilerOptions = SNIPPET_COMPILER_OPTIONS) {
  await mkdir(join(dir, "src"), { recursive: true });
  const sources = new Map();
  for (const snippet of snippets) {
    if (snippet.skip !== undefined) continue;
    // One folder per page, so a page's named files import each other.
    const page = `src/${snippet.file.replace(/[^\w]+/g, "-")}`;
    const name = `${page}/${snippet.name ?? `snippet-${snippet.index + 1}.ts`}`;
    await mkdir(join(dir, page), { recursive: true });
    await writeFile(join(dir, page, "rules.json"), `${JSON.stringify({ version: 1, rules: [] })}\n`);
    await writeFile(join(dir, page, "rules.d.yaml.ts"), "declare const text: string;\nexport default text;\n");
    const earlier = snippets.filter((s) => s.file === snippet.file && s.index < snippet.index);
    const code = withEarlierImports(snippet, earlier);
    // The added imports take one line in front of the snippet; `shift` maps error lines back.
    const shift = code === snippet.code ? 0 : 1;
    // `export {}` makes every snippet a module: top-level names do not clash between snippets.
    await writeFile(join(dir, name), `${code}\nexport {};\n`);
    sources.set(name, { ...snippet, shift });
  }
  await copyFile(contextFile, join(dir, "src/snippet-context.d.ts"));
  await writeFile(join(dir, "package.json"), JSON.stringify({ private: true, type: "module" }, null, 2));
  await writeFile(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["src"] }, null, 2));
  return sources;
}

/**
 * Runs tsc in `dir` and returns the errors in snippet files, each located in its Markdown file:
 * `docs/en/rewards.md:42: TS2345 Argument of type ...`. Errors outside the snippets (the library's
 * own source, when checked through `paths`) are not the docs' and are left out.
 */
export function typeCheck(dir, sources, tsc) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, "-p", "tsconfig.json", "--pretty", "false"], { cwd: dir });
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      out += d;
    });
    child.on("close", () => {
      const errors = [];
      for (const match of out.matchAll(/^(src\/[^(]+)\((\d+),(\d+)\): error (TS\d+): (.*)$/gm)) {
        const snippet = sources.get(match[1]);
        if (!snippet) continue;
        const line = snippet.line + Math.max(0, Number(match[2]) - 1 - snippet.shift);
        errors.push(`${snippet.file}:${line}: ${match[4]} ${match[5]}`);
      }
      if (errors.length === 0 && !/^\s*$/.test(out) && !/error TS/.test(out)) errors.push(`tsc: ${out.trim()}`);
      resolve(errors);
    });
  });
}

/**
 * Splits tsc's errors against the ratchet of known failures: `unexpected` (with their lines) fail
 * the check, and so does `fixed` (listed, no longer occurring: delete them from the list).
 */
export function againstKnown(errors, known) {
  const remaining = [...known];
  const unexpected = [];
  for (const error of errors) {
    const key = error.replace(/^([^:]+):\d+: /, "$1 ");
    const at = remaining.indexOf(key);
    if (at === -1) unexpected.push(error);
    else remaining.splice(at, 1);
  }
  return { unexpected, fixed: remaining };
}
