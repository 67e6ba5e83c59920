/**
 * An Aho-Corasick automaton over UTF-16 code units: one pass over a message finds every
 * occurrence of every pattern, so matching cost follows the message length and the number of
 * hits, not the number of keywords.
 *
 * Layout, chosen for the short messages of chat traffic, where the automaton spends most of its
 * time near the root: code units are first mapped to a dense alphabet of the characters the
 * patterns use (any other character sends the scan back to the root at once). The shallow
 * nodes of the trie (the root, the first characters of keywords and further, breadth first,
 * while a memory budget allows) get full rows over that alphabet with failure links already
 * followed, so a step there is one table read. Deeper nodes, which few texts reach, keep their few children
 * sorted in flat typed arrays and fall back along failure links to a full row. Nodes are
 * numbered breadth first, so "has a full row" is `node < denseNodes`. No object per node and
 * no hashing on the hot path.
 */

const ROOT = 0;
const NONE = -1;
const LINEAR_SEARCH_MAX = 16;
// Children (pairs of slots) a sparse node may have for the scan loop to search them itself.
const INLINE_SEARCH_SLOTS = 8;
// Full rows cost (alphabet size + 1) entries each; past this many bytes in all, deeper nodes
// keep sparse children. 4 MiB gives the first three levels of a 10,000-keyword Japanese set full
// rows, which scanned 1.1-1.2x faster than two levels (256 KiB); a larger table gained nothing
// more here, and costs memory in every matcher.
const DENSE_TABLE_BYTES = 1 << 22;
// An automaton with fewer nodes than this (a few thousand keywords) stores its full rows' targets
// in 16 bits: half the bytes per step the scan reads from memory, 1.1x faster at 10,000 keywords.
const NARROW_NODE_LIMIT = 0x8000;
// Children of one node sorted by insertion up to this many; more go through a typed-array sort.
const INSERTION_SORT_MAX = 16;

export class AhoCorasick {
  /** Number of patterns; pattern ids run from 0 to `size - 1` in the order given. */
  readonly size: number;
  /** Hits of the last {@link scan}: pattern ids and start offsets, valid up to its return value. */
  hitPattern: Int32Array = new Int32Array(16);
  /** Start offsets (UTF-16) of the hits of the last {@link scan}. */
  hitStart: Int32Array = new Int32Array(16);

  /** Code unit -> index in the alphabet of characters the patterns use, from 1; 0 when unused. */
  private readonly charId: Uint16Array;
  private readonly rowWidth: number;
  /** Nodes `0 .. denseNodes - 1` have a full row in `dense`, failure links resolved. */
  private readonly denseNodes: number;
  private readonly dense: Int16Array | Int32Array;
  /**
   * Per node, side by side so a step off a full row reads one cache line: where its children
   * start in `children` (they end where the next node's start) and its failure node.
   */
  private readonly nodeData: Int32Array;
  /** Pairs of (alphabet index, target) per child, sorted by alphabet index within each node. */
  private readonly children: Int32Array;
  /** Pattern ending exactly at the node, or NONE. */
  private readonly patternAt: Int32Array;
  /** The node itself or its nearest proper suffix (via failure links) where a pattern ends, or NONE. */
  private readonly firstOutput: Int32Array;
  /** Nearest proper suffix node where a pattern ends, or NONE. */
  private readonly outputLink: Int32Array;
  private readonly patternLength: Int32Array;
  private text = new Uint16Array(64);

  /**
   * Builds the automaton. Patterns must be non-empty and distinct, in any order.
   * `denseTableBytes` caps the memory of full rows (tests lower it to exercise sparse nodes).
   */
  constructor(patterns: readonly string[], { denseTableBytes = DENSE_TABLE_BYTES } = {}) {
    this.size = patterns.length;
    this.patternLength = new Int32Array(patterns.length);
    // Each step is its own function: the JIT optimizes a function with one or two loops once,
    // where one long constructor was compiled again at every loop it reached without feedback.
    const { charId, width, totalLength } = alphabetOf(patterns, this.patternLength);
    const trie = buildTrie(patterns, charId, totalLength);
    const { nodeCount } = trie;
    const { trieStart, trieChild } = childrenByParent(trie);
    const { bfsOf, trieOf } = breadthFirst(nodeCount, trieStart, trieChild);
    // Targets are node numbers, or ~node (negative) where a pattern ends: they fit in 16 bits
    // when every node number does. Full rows for the first nodes, breadth first, as many as the
    // budget holds.
    const entryBytes = nodeCount < NARROW_NODE_LIMIT ? 2 : 4;
    const denseNodes = Math.min(nodeCount, Math.max(1, Math.floor(denseTableBytes / entryBytes / width)));
    const { childStart, childChar, childNode, patternAt } = flatten(trie, trieStart, trieChild, bfsOf, trieOf);

    // Failure links, outputs and full rows, in node order (breadth first), so whatever a node's
    // links point to, shallower, is done before it. Targets in `dense` and `children` are stored
    // as ~node (negative) when a pattern ends there, so the scan reads outputs only on a hit.
    const dense = entryBytes === 2 ? new Int16Array(denseNodes * width) : new Int32Array(denseNodes * width);
    const nodeData = new Int32Array(nodeCount * 2 + 2);
    const children = new Int32Array(Math.max(nodeCount - 1, 0) * 2);
    const outputLink = new Int32Array(nodeCount).fill(NONE);
    const firstOutput = new Int32Array(nodeCount).fill(NONE);
    this.charId = charId;
    this.rowWidth = width;
    this.denseNodes = denseNodes;
    this.dense = dense;
    this.nodeData = nodeData;
    this.children = children;
    this.patternAt = patternAt;
    this.outputLink = outputLink;
    this.firstOutput = firstOutput;
    const target = (node: number) => (firstOutput[node] === NONE ? node : ~node);
    for (let node = 0; node < nodeCount; node++) {
      const first = childStart[node] as number;
      const last = childStart[node + 1] as number;
      const fail = nodeData[node * 2 + 1] as number;
      for (let slot = first; slot < last; slot++) {
        const child = childNode[slot] as number;
        let suffix = ROOT;
        if (node !== ROOT) {
          suffix = this.step(fail, childChar[slot] as number);
          if (suffix < 0) suffix = ~suffix;
        }
        nodeData[child * 2 + 1] = suffix;
        outputLink[child] = patternAt[suffix] !== NONE ? suffix : (outputLink[suffix] as number);
        firstOutput[child] = patternAt[child] !== NONE ? child : (outputLink[child] as number);
        children[slot * 2] = childChar[slot] as number;
        children[slot * 2 + 1] = target(child);
      }
      nodeData[node * 2] = first * 2;
      nodeData[node * 2 + 2] = last * 2;
      if (node < denseNodes) {
        // Missing children go where the failure node goes (from the root: back to the root).
        if (node !== ROOT) dense.copyWithin(node * width, fail * width, fail * width + width);
        for (let slot = first; slot < last; slot++) {
          dense[node * width + (childChar[slot] as number)] = children[slot * 2 + 1] as number;
        }
      }
    }
  }

  /**
   * Finds every occurrence of every pattern in `text`, overlapping ones included, in order of
   * their end offset. Returns the number of hits; read them from {@link hitPattern} and
   * {@link hitStart} before the next scan.
   */
  scan(text: string): number {
    if (this.text.length < text.length) this.text = new Uint16Array(Math.max(text.length, this.text.length * 2));
    const codes = this.text;
    for (let i = 0; i < text.length; i++) codes[i] = text.charCodeAt(i);
    return this.scanCodes(codes, text.length);
  }

  /** {@link scan} over the first `length` code units of `codes`, for text not yet made a string. */
  scanCodes(codes: Uint16Array, length: number): number {
    const { charId, dense, denseNodes, rowWidth, nodeData, children } = this;
    let hits = 0;
    let node = ROOT;
    for (let i = 0; i < length; i++) {
      const x = charId[codes[i] as number] as number;
      if (node < denseNodes) node = dense[node * rowWidth + x] as number;
      else {
        // The usual sparse node, a few levels down, has a child or two, and its failure link
        // leads to a full row: searched here rather than in step(), which the engine won't inline.
        // A character no pattern uses (x = 0) is no node's child, and every full row sends it
        // back to the root.
        const low = nodeData[node * 2] as number;
        const high = nodeData[node * 2 + 2] as number;
        if (high - low > INLINE_SEARCH_SLOTS) node = this.step(node, x);
        else {
          let slot = low;
          while (slot < high && children[slot] !== x) slot += 2;
          if (slot < high) node = children[slot + 1] as number;
          else {
            // No such child: on along the failure link, which mostly leads to a full row.
            const fail = nodeData[node * 2 + 1] as number;
            node = fail < denseNodes ? (dense[fail * rowWidth + x] as number) : this.step(fail, x);
          }
        }
      }
      if (node < 0) {
        node = ~node;
        hits = this.record(this.firstOutput[node] as number, i, hits);
      }
    }
    return hits;
  }

  /**
   * The target after `node` on alphabet index `x` (~node when a pattern ends there), through
   * failure links where it has no such child.
   */
  private step(node: number, x: number): number {
    const { nodeData, children, denseNodes } = this;
    if (x === 0) return ROOT; // a character no pattern uses
    while (node >= denseNodes) {
      let low = nodeData[node * 2] as number;
      let high = nodeData[node * 2 + 2] as number;
      if (high - low <= LINEAR_SEARCH_MAX * 2) {
        for (; low < high; low += 2) {
          const ch = children[low] as number;
          if (ch === x) return children[low + 1] as number;
          if (ch > x) break;
        }
      } else {
        // Bisection over pairs: indices stay even.
        low >>= 1;
        high >>= 1;
        while (low < high) {
          const mid = (low + high) >>> 1;
          const ch = children[mid * 2] as number;
          if (ch === x) return children[mid * 2 + 1] as number;
          if (ch < x) low = mid + 1;
          else high = mid;
        }
      }
      node = nodeData[node * 2 + 1] as number;
    }
    return this.dense[node * this.rowWidth + x] as number;
  }

  /** Records the patterns ending at offset `i`, from output node `out` along its output links. */
  private record(out: number, i: number, hits: number): number {
    const { patternAt, outputLink, patternLength } = this;
    while (out !== NONE) {
      const pattern = patternAt[out] as number;
      if (hits === this.hitPattern.length) this.growHits();
      this.hitPattern[hits] = pattern;
      this.hitStart[hits] = i + 1 - (patternLength[pattern] as number);
      hits++;
      out = outputLink[out] as number;
    }
    return hits;
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

/** The alphabet of `patterns`, with their lengths written into `patternLength`. */
function alphabetOf(
  patterns: readonly string[],
  patternLength: Int32Array,
): { charId: Uint16Array; width: number; totalLength: number } {
  // In code-unit order, so children sorted by code unit are sorted by index too. The code units
  // in use are listed as they are first met and sorted (a few hundred), rather than found by
  // scanning all 65,536.
  const charId = new Uint16Array(0x10000);
  const used: number[] = [];
  let totalLength = 0;
  for (let id = 0; id < patterns.length; id++) {
    const p = patterns[id] as string;
    if (p.length === 0) throw new RangeError("Aho-Corasick patterns must not be empty");
    patternLength[id] = p.length;
    totalLength += p.length;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i);
      if (charId[c] === 0) {
        charId[c] = 1;
        used.push(c);
      }
    }
  }
  const alphabet = Uint16Array.from(used).sort();
  for (let i = 0; i < alphabet.length; i++) charId[alphabet[i] as number] = i + 1;
  return { charId, width: alphabet.length + 1, totalLength };
}

/** The trie as built: nodes in insertion order, each with its parent and alphabet index. */
interface Trie {
  nodeCount: number;
  parent: Int32Array;
  charOf: Uint16Array;
  /** Pattern ending at the node, or NONE. */
  patternAt: Int32Array;
}

// Patterns go in as given: a (parent, character) -> child hash table finds shared prefixes, so no
// pattern list is sorted first (sorting 50,000 strings took longer than building the rest).
function buildTrie(patterns: readonly string[], charId: Uint16Array, totalLength: number): Trie {
  const parent = new Int32Array(totalLength + 1);
  const charOf = new Uint16Array(totalLength + 1);
  const patternAt = new Int32Array(totalLength + 1).fill(NONE);
  // Open addressing, at most half full; a slot holds the child node, 0 when empty (the root is
  // nobody's child), and the child's own parent and character are its key.
  const bits = Math.max(4, 32 - Math.clz32(totalLength * 2));
  const shift = 32 - bits;
  const mask = (1 << bits) - 1;
  const slots = new Int32Array(1 << bits);
  let nodeCount = 1;
  for (let id = 0; id < patterns.length; id++) {
    const pattern = patterns[id] as string;
    let node = ROOT;
    for (let i = 0; i < pattern.length; i++) {
      const x = charId[pattern.charCodeAt(i)] as number;
      let slot = Math.imul(Math.imul(node, 0x9e3779b1) ^ x, 0x85ebca6b) >>> shift;
      let child = slots[slot] as number;
      while (child !== 0 && (parent[child] !== node || charOf[child] !== x)) {
        slot = (slot + 1) & mask;
        child = slots[slot] as number;
      }
      if (child === 0) {
        child = nodeCount++;
        parent[child] = node;
        charOf[child] = x;
        slots[slot] = child;
      }
      node = child;
    }
    if (patternAt[node] !== NONE) throw new RangeError(`duplicate Aho-Corasick pattern: ${pattern}`);
    patternAt[node] = id;
  }
  return { nodeCount, parent, charOf, patternAt };
}

// Children grouped by parent (a counting sort), then each parent's children put in alphabet
// order, which the sparse search and the breadth-first numbering rely on.
function childrenByParent({ nodeCount, parent, charOf }: Trie): { trieStart: Int32Array; trieChild: Int32Array } {
  const trieStart = new Int32Array(nodeCount + 1);
  for (let node = 1; node < nodeCount; node++) trieStart[(parent[node] as number) + 1]++;
  for (let node = 0; node < nodeCount; node++) trieStart[node + 1] += trieStart[node] as number;
  const fill = trieStart.slice(0, nodeCount);
  const trieChild = new Int32Array(Math.max(nodeCount - 1, 0));
  for (let node = 1; node < nodeCount; node++) trieChild[fill[parent[node] as number]++] = node;
  for (let node = 0; node < nodeCount; node++) {
    sortByCharacter(trieChild, trieStart[node] as number, trieStart[node + 1] as number, charOf);
  }
  return { trieStart, trieChild };
}

/** Sorts `nodes[from..to)` by their characters (all distinct: they are one node's children). */
function sortByCharacter(nodes: Int32Array, from: number, to: number, charOf: Uint16Array): void {
  if (to - from <= INSERTION_SORT_MAX) {
    // Most nodes have one or two children: insertion sort.
    for (let i = from + 1; i < to; i++) {
      const node = nodes[i] as number;
      const x = charOf[node] as number;
      let j = i - 1;
      while (j >= from && (charOf[nodes[j] as number] as number) > x) {
        nodes[j + 1] = nodes[j] as number;
        j--;
      }
      nodes[j + 1] = node;
    }
    return;
  }
  // The root and other wide nodes: the character above the node number in one float, so the
  // engine's numeric sort of a typed array does the work.
  const keys = new Float64Array(to - from);
  for (let i = from; i < to; i++)
    keys[i - from] = (charOf[nodes[i] as number] as number) * 2 ** 32 + (nodes[i] as number);
  keys.sort();
  for (let i = from; i < to; i++) nodes[i] = (keys[i - from] as number) % 2 ** 32;
}

// Renumbered breadth first: every level after the one before, so the nodes with full rows, the
// shallowest, are a prefix of the node numbers, and each node's children stay in order.
function breadthFirst(
  nodeCount: number,
  trieStart: Int32Array,
  trieChild: Int32Array,
): { bfsOf: Int32Array; trieOf: Int32Array } {
  const bfsOf = new Int32Array(nodeCount);
  const trieOf = new Int32Array(nodeCount);
  let tail = 1;
  for (let head = 0; head < tail; head++) {
    const node = trieOf[head] as number;
    for (let slot = trieStart[node] as number; slot < (trieStart[node + 1] as number); slot++) {
      const child = trieChild[slot] as number;
      bfsOf[child] = tail;
      trieOf[tail++] = child;
    }
  }
  return { bfsOf, trieOf };
}

/** Each node's children (alphabet index and node, breadth-first numbers) in flat arrays. */
function flatten(
  trie: Trie,
  trieStart: Int32Array,
  trieChild: Int32Array,
  bfsOf: Int32Array,
  trieOf: Int32Array,
): { childStart: Int32Array; childChar: Uint16Array; childNode: Int32Array; patternAt: Int32Array } {
  const { nodeCount, charOf } = trie;
  const childStart = new Int32Array(nodeCount + 1);
  const childChar = new Uint16Array(Math.max(nodeCount - 1, 0));
  const childNode = new Int32Array(Math.max(nodeCount - 1, 0));
  const patternAt = new Int32Array(nodeCount);
  for (let node = 0, slot = 0; node < nodeCount; node++) {
    const t = trieOf[node] as number;
    childStart[node] = slot;
    patternAt[node] = trie.patternAt[t] as number;
    for (let s = trieStart[t] as number; s < (trieStart[t + 1] as number); s++, slot++) {
      const child = trieChild[s] as number;
      childChar[slot] = charOf[child] as number;
      childNode[slot] = bfsOf[child] as number;
    }
  }
  childStart[nodeCount] = nodeCount - 1;
  return { childStart, childChar, childNode, patternAt };
}
