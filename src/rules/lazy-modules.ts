/**
 * The YAML parser (yaml) and the regex engine (re2js), loaded on first use. They were half of
 * what importing the core cost, and most bots never read YAML at run time or have a regex rule.
 *
 * `parseRuleSet` and `compileRules` are synchronous, so they load them synchronously: `require`
 * in the CommonJS build, `createRequire` from `process.getBuiltinModule` in ESM on Node (no static
 * `node:` import, so the core still bundles for Workers). Where neither exists (Workers, browsers,
 * Node before 20.16), `loadRuleSet` loads them first with `await import()`, which bundlers follow.
 */
import type * as Re2 from "re2js";
import type * as Yaml from "yaml";

/** The yaml package's exports. */
export type YamlModule = typeof Yaml;
/** The re2js package's exports. */
export type RegexModule = typeof Re2;

let yaml: YamlModule | undefined;
let regex: RegexModule | undefined;

/** The yaml package, or `undefined` when this runtime cannot load it synchronously. */
export function yamlNow(): YamlModule | undefined {
  yaml ??= requireNow<YamlModule>("yaml");
  return yaml;
}

/** The re2js package, or `undefined` when this runtime cannot load it synchronously. */
export function regexNow(): RegexModule | undefined {
  regex ??= requireNow<RegexModule>("re2js");
  return regex;
}

/** Loads the yaml package wherever `import()` works, so that {@link yamlNow} has it from then on. */
export async function loadYaml(): Promise<YamlModule> {
  yaml ??= await import("yaml");
  return yaml;
}

/** Loads the re2js package wherever `import()` works, so that {@link regexNow} has it from then on. */
export async function loadRegex(): Promise<RegexModule> {
  regex ??= await import("re2js");
  return regex;
}

// The name goes through a variable so that bundlers leave the call alone: a literal
// `require("yaml")` would pull the package into every Worker bundle, used or not.
function requireNow<T>(name: string): T | undefined {
  try {
    // The CommonJS build (and Bun). In the ESM build the bundler's stand-in throws; go on.
    if (typeof require === "function") return require(name) as T;
  } catch {}
  try {
    const nodeModule = globalThis.process?.getBuiltinModule?.("module");
    return nodeModule?.createRequire(import.meta.url)(name) as T | undefined;
  } catch {
    // Not Node, or `import.meta.url` is not a file (a bundle on Workers with nodejs_compat).
    return undefined;
  }
}
