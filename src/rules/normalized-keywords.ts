/**
 * Keywords normalized while a rule set was checked, handed to every `compileRules` of the same set so
 * that loading normalizes each keyword once, not twice (`parseRuleSet` checks, then the matcher
 * is built).
 *
 * A parsed set can still be changed before it is compiled, so nothing here is trusted blindly:
 * a remembered form is used only for the very keyword string it was made from, under the same
 * options. Normalization depends on nothing else, so the result is always what normalizing the
 * keyword again would give.
 */
import { arrayOfLength } from "./array-of-length.js";
import type { ResolvedNormalizeOptions } from "./normalize.js";
import type { RuleSet } from "./schema.js";

/** The keywords of a set in file order, with their normalized forms. */
export class NormalizedKeywords {
  /** Rule index -> where its keywords start in `keywords` (the last rule's end at `count`). */
  private readonly ruleStart: Int32Array;
  private readonly keywords: string[];
  /** The normalized keyword, or `undefined` for a regex keyword (which is not normalized). */
  private readonly normalized: (string | undefined)[];
  private rules = 0;
  private count = 0;

  /** Room for the keywords of `ruleCount` rules, `keywordCount` in all (sized once: no array grows). */
  constructor(
    private readonly options: ResolvedNormalizeOptions,
    ruleCount: number,
    keywordCount: number,
  ) {
    this.ruleStart = new Int32Array(ruleCount);
    this.keywords = arrayOfLength(keywordCount);
    this.normalized = arrayOfLength(keywordCount);
  }

  /** Starts the next rule's keywords; call once per rule, in file order. */
  startRule(): void {
    this.ruleStart[this.rules++] = this.count;
  }

  add(keyword: string, normalized: string | undefined): void {
    this.keywords[this.count] = keyword;
    this.normalized[this.count++] = normalized;
  }

  /** The normalized form of keyword `k` of rule `r` if it was recorded for this very `keyword`, else `undefined`. */
  lookup(r: number, k: number, keyword: string): string | undefined {
    if (r >= this.rules) return undefined;
    const at = (this.ruleStart[r] as number) + k;
    const end = r + 1 < this.rules ? (this.ruleStart[r + 1] as number) : this.count;
    return at < end && this.keywords[at] === keyword ? this.normalized[at] : undefined;
  }

  /** Whether the keywords were normalized with `options`. */
  usedOptions(options: ResolvedNormalizeOptions): boolean {
    return sameOptions(this.options, options);
  }
}

const remembered = new WeakMap<RuleSet, NormalizedKeywords>();

/** Keeps what checking `ruleSet` normalized, for {@link normalizedKeywordsOf}. */
export function rememberNormalizedKeywords(ruleSet: RuleSet, keywords: NormalizedKeywords): void {
  remembered.set(ruleSet, keywords);
}

/**
 * What checking `ruleSet` normalized with `options`, or `undefined`. Kept while the set lives (a
 * matcher keeps the set and the same strings anyway), so compiling it again is as fast.
 */
export function normalizedKeywordsOf(
  ruleSet: RuleSet,
  options: ResolvedNormalizeOptions,
): NormalizedKeywords | undefined {
  const keywords = remembered.get(ruleSet);
  return keywords?.usedOptions(options) ? keywords : undefined;
}

function sameOptions(a: ResolvedNormalizeOptions, b: ResolvedNormalizeOptions): boolean {
  return (
    a.width === b.width &&
    a.case === b.case &&
    a.kana === b.kana &&
    a.prolongedSound === b.prolongedSound &&
    a.whitespace === b.whitespace &&
    a.variationSelectors === b.variationSelectors &&
    a.edgeSymbols === b.edgeSymbols
  );
}
