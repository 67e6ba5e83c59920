// Types of snippets.mjs, for the TypeScript test that uses it (check.mjs uses it as JavaScript).
export interface Snippet {
  /** 1-based line of the snippet's first code line in its page. */
  line: number;
  code: string;
  /** Why the snippet is not compiled (`no-check: <reason>`). */
  skip?: string;
  /** The file name the page gives it (`file=server.ts`). */
  name?: string;
}
export interface PageSnippet extends Snippet {
  file: string;
  index: number;
}
export function docFiles(root: string): string[];
export function snippetsOf(text: string, file?: string): Snippet[];
export function docSnippets(root: string): PageSnippet[];
export function withEarlierImports(snippet: { code: string }, earlier: readonly { code: string }[]): string;
export const SNIPPET_COMPILER_OPTIONS: Record<string, unknown>;
export function writeSnippetProject(
  dir: string,
  snippets: readonly PageSnippet[],
  compilerOptions?: Record<string, unknown>,
): Promise<Map<string, PageSnippet & { shift: number }>>;
export function typeCheck(
  dir: string,
  sources: Map<string, PageSnippet & { shift: number }>,
  tsc: string,
): Promise<string[]>;
export function againstKnown(
  errors: readonly string[],
  known: readonly string[],
): { unexpected: string[]; fixed: string[] };
