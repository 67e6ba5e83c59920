export const KNOWN_SNIPPET_FAILURES: readonly string[];
