/**
 * An Aho-Corasick automaton over UTF-16 code units: one pass over a message finds every
 * occurrence of every pattern, so matching cost follows the message length and the number of
 * hits, not the number of keywords.
 *
 * Layout, chosen for the short messages of chat traffic: the root's transitions are a table
 * indexed by code unit; nodes with many children (the first characters of many keywords) get a
 * row indexed by a dense alphabet of the characters keywords use; every other node keeps its
 * few children sorted in flat typed arrays, searched linearly. No object per node and no
 * hashing on the hot path: each step is one to a few typed-array reads.
 */

const ROOT = 0;
const NONE = -1;
const LINEAR_SEARCH_MAX = 16;
// Direct rows cost (alphabet size + 1) entries each; past this many entries in all, the
// widest nodes keep their rows and the rest fall back to bisection.
const WIDE_TABLE_BUDGET = 1 << 22;

export class AhoCorasick {
  /** Number of patterns; pattern ids run from 0 to `size - 1` in the order given. */
  readonly size: number;
  /** Hits of the last {@link scan}: pattern ids and start offsets, valid up to its return value. */
  hitPattern: Int32Array = new Int32Array(16);
  /** Start offsets (UTF-16) of the hits of the last {@link scan}. */
  hitStart: Int32Array = new Int32Array(16);

  private readonly rootNext: Int32Array;
  /** Code unit -> 1-based index in the alphabet of characters the patterns use; 0 when unused. */
  private readonly charId: Uint16Array;
  private readonly rowWidth: number;
  /** Node -> its row in `wideTable`, or NONE. */
  private readonly wideRow: Int32Array;
  private readonly wideTable: Int32Array;
  private readonly childStart: Int32Array;
  private readonly childChar: Uint16Array;
  private readonly childNode: Int32Array;
  private readonly fail: Int32Array;
  /** Pattern ending exactly at the node, or NONE. */
  private readonly patternAt: Int32Array;
  /** Nearest proper suffix node (via failure links) where a pattern ends, or NONE. */
  private readonly outputLink: Int32Array;
  private readonly patternLength: Int32Array;

  /**
   * Builds the automaton. Patterns must be non-empty and distinct.
   * `wideTableBudget` caps the entries of direct rows (tests lower it to exercise bisection).
   */
  constructor(patterns: readonly string[], { wideTableBudget = WIDE_TABLE_BUDGET } = {}) {
    this.size = patterns.length;
    this.patternLength = Int32Array.from(patterns, (p) => p.length);

    // Insert patterns in code-unit order so every node's children come out sorted and a node's
    // path is shared with the previous pattern's up to their common prefix.
    const order = patterns.map((_, i) => i).sort((a, b) => compareCodeUnits(patterns[a], patterns[b]));
    let totalLength = 0;
    for (const p of patterns) totalLength += p.length;
    const parent = new Int32Array(totalLength + 1);
    const charOf = new Uint16Array(totalLength + 1);
    const patternAt = new Int32Array(totalLength + 1).fill(NONE);
    let nodeCount = 1;
    const path: number[] = [ROOT];
    let previous = "";
    for (const id of order) {
      const pattern = patterns[id];
      if (pattern.length === 0) throw new RangeError("Aho-Corasick patterns must not be empty");
      let common = 0;
      while (
        common < previous.length &&
        common < pattern.length &&
        previous.charCodeAt(common) === pattern.charCodeAt(common)
      ) {
        common++;
      }
      if (common === pattern.length && common === previous.length) {
        throw new RangeError(`duplicate Aho-Corasick pattern: ${pattern}`);
      }
      path.length = common + 1;
      for (let i = common; i < pattern.length; i++) {
        const node = nodeCount++;
        parent[node] = path[i];
        charOf[node] = pattern.charCodeAt(i);
        path.push(node);
      }
      patternAt[path[pattern.length]] = id;
      previous = pattern;
    }

    // Group children by parent (counting sort keeps each parent's children in char order).
    const childStart = new Int32Array(nodeCount + 1);
    for (let node = 1; node < nodeCount; node++) childStart[parent[node] + 1]++;
    for (let node = 0; node < nodeCount; node++) childStart[node + 1] = childStart[node + 1] + childStart[node];
    const fill = childStart.slice(0, nodeCount);
    const childChar = new Uint16Array(nodeCount);
    const childNode = new Int32Array(nodeCount);
    for (let node = 1; node < nodeCount; node++) {
      const slot = fill[parent[node]]++;
      childChar[slot] = charOf[node];
      childNode[slot] = node;
    }
    const rootNext = new Int32Array(0x10000);
    for (let slot = childStart[ROOT]; slot < childStart[ROOT + 1]; slot++) {
      rootNext[childChar[slot]] = childNode[slot];
    }

    this.rootNext = rootNext;

    const charId = new Uint16Array(0x10000);
    let alphabet = 0;
    for (let slot = 0; slot < nodeCount - 1; slot++) {
      const c = childChar[slot];
      if (charId[c] === 0) charId[c] = ++alphabet;
    }
    const rowWidth = alphabet + 1;
    const width = (node: number) => childStart[node + 1] - childStart[node];
    const wide: number[] = [];
    for (let node = 1; node < nodeCount; node++) if (width(node) > LINEAR_SEARCH_MAX) wide.push(node);
    wide.sort((a, b) => width(b) - width(a));
    wide.length = Math.min(wide.length, Math.floor(wideTableBudget / rowWidth));
    const wideRow = new Int32Array(nodeCount).fill(NONE);
    const wideTable = new Int32Array(wide.length * rowWidth).fill(NONE);
    wide.forEach((node, row) => {
      wideRow[node] = row;
      for (let slot = childStart[node]; slot < childStart[node + 1]; slot++) {
        wideTable[row * rowWidth + charId[childChar[slot]]] = childNode[slot];
      }
    });
    this.charId = charId;
    this.rowWidth = rowWidth;
    this.wideRow = wideRow;
    this.wideTable = wideTable;

    this.childStart = childStart;
    this.childChar = childChar;
    this.childNode = childNode;
    this.patternAt = patternAt.subarray(0, nodeCount);

    // Failure and output links, breadth first so a node's failure target is always done before it.
    const fail = new Int32Array(nodeCount);
    const outputLink = new Int32Array(nodeCount).fill(NONE);
    const queue = new Int32Array(nodeCount);
    let head = 0;
    let tail = 0;
    for (let slot = childStart[ROOT]; slot < childStart[ROOT + 1]; slot++) {
      queue[tail++] = childNode[slot];
    }
    while (head < tail) {
      const node = queue[head++];
      for (let slot = childStart[node]; slot < childStart[node + 1]; slot++) {
        const child = childNode[slot];
        const c = childChar[slot];
        let f = fail[node];
        let target = this.child(f, c);
        while (target === NONE && f !== ROOT) {
          f = fail[f];
          target = this.child(f, c);
        }
        const suffix = target === NONE ? ROOT : target;
        fail[child] = suffix;
        outputLink[child] = patternAt[suffix] !== NONE ? suffix : outputLink[suffix];
        queue[tail++] = child;
      }
    }
    this.fail = fail;
    this.outputLink = outputLink;
  }

  /**
   * Finds every occurrence of every pattern in `text`, overlapping ones included, in order of
   * their end offset. Returns the number of hits; read them from {@link hitPattern} and
   * {@link hitStart} before the next scan.
   */
  scan(text: string): number {
    const { rootNext, fail, patternAt, outputLink, patternLength } = this;
    let hits = 0;
    let node = ROOT;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      for (;;) {
        if (node === ROOT) {
          node = rootNext[c];
          break;
        }
        const next = this.child(node, c);
        if (next !== NONE) {
          node = next;
          break;
        }
        node = fail[node];
      }
      let out = patternAt[node] !== NONE ? node : outputLink[node];
      while (out !== NONE) {
        const pattern = patternAt[out];
        if (hits === this.hitPattern.length) this.growHits();
        this.hitPattern[hits] = pattern;
        this.hitStart[hits] = i + 1 - patternLength[pattern];
        hits++;
        out = outputLink[out];
      }
    }
    return hits;
  }

  /** {@link scan} over the first `length` code units of `codes`, for text not yet made a string. */
  scanCodes(codes: Uint16Array, length: number): number {
    const { rootNext, fail, patternAt, outputLink, patternLength } = this;
    let hits = 0;
    let node = ROOT;
    for (let i = 0; i < length; i++) {
      const c = codes[i] as number;
      for (;;) {
        if (node === ROOT) {
          node = rootNext[c] as number;
          break;
        }
        const next = this.child(node, c);
        if (next !== NONE) {
          node = next;
          break;
        }
        node = fail[node] as number;
      }
      let out = patternAt[node] !== NONE ? node : (outputLink[node] as number);
      while (out !== NONE) {
        const pattern = patternAt[out] as number;
        if (hits === this.hitPattern.length) this.growHits();
        this.hitPattern[hits] = pattern;
        this.hitStart[hits] = i + 1 - (patternLength[pattern] as number);
        hits++;
        out = outputLink[out] as number;
      }
    }
    return hits;
  }

  /** The child of `node` along code unit `c`, or NONE. */
  private child(node: number, c: number): number {
    if (node === ROOT) {
      const next = this.rootNext[c];
      return next === ROOT ? NONE : next;
    }
    const row = this.wideRow[node];
    if (row !== NONE) return this.wideTable[row * this.rowWidth + this.charId[c]];
    const { childStart, childChar, childNode } = this;
    let low = childStart[node];
    let high = childStart[node + 1];
    if (high - low <= LINEAR_SEARCH_MAX) {
      for (; low < high; low++) {
        const ch = childChar[low];
        if (ch === c) return childNode[low];
        if (ch > c) return NONE;
      }
      return NONE;
    }
    while (low < high) {
      const mid = (low + high) >>> 1;
      const ch = childChar[mid];
      if (ch === c) return childNode[mid];
      if (ch < c) low = mid + 1;
      else high = mid;
    }
    return NONE;
  }

  private growHits(): void {
    const pattern = new Int32Array(this.hitPattern.length * 2);
    pattern.set(this.hitPattern);
    this.hitPattern = pattern;
    const start = new Int32Array(this.hitStart.length * 2);
    start.set(this.hitStart);
    this.hitStart = start;
  }
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
