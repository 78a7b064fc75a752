/**
 * A persistent (immutable) hash map from strings to values: a hash array mapped trie, 32-way.
 * Why: `step` must never mutate its input, and a step that touches one Service must not copy
 * the whole cluster. Setting or deleting a key copies only the O(log32 n) nodes on its path.
 * Iteration order is hash order; callers that need an order sort (observations do).
 */

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

type Entry<V> = { readonly key: string; readonly value: V };
/** A branch keeps a bitmap of occupied slots and a dense child array. */
type Branch<V> = { readonly bitmap: number; readonly children: readonly Node<V>[] };
/** Keys whose 32-bit hashes collide entirely share a bucket. */
type Bucket<V> = { readonly hash: number; readonly entries: readonly Entry<V>[] };
type Node<V> = Branch<V> | Bucket<V>;

function isBranch<V>(n: Node<V>): n is Branch<V> {
  return (n as Branch<V>).bitmap !== undefined;
}

/** FNV-1a, 32-bit: fast on short keys such as "default/kubia". */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

const EMPTY_BRANCH: Branch<never> = Object.freeze({ bitmap: 0, children: Object.freeze([]) });

export class PMap<V> {
  private constructor(private readonly root: Branch<V>, readonly size: number) {
    Object.freeze(this);
  }

  static empty<V>(): PMap<V> {
    return EMPTY as PMap<V>;
  }

  static from<V>(entries: Iterable<readonly [string, V]>): PMap<V> {
    let m = PMap.empty<V>();
    for (const [k, v] of entries) m = m.set(k, v);
    return m;
  }

  get(key: string): V | undefined {
    const hash = hashString(key);
    let node: Node<V> = this.root;
    for (let shift = 0; ; shift += BITS) {
      if (!isBranch(node)) {
        for (const e of node.entries) if (e.key === key) return e.value;
        return undefined;
      }
      const bit = 1 << ((hash >>> shift) & MASK);
      if ((node.bitmap & bit) === 0) return undefined;
      node = node.children[popcount(node.bitmap & (bit - 1))];
    }
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, value: V): PMap<V> {
    const hash = hashString(key);
    const res = setIn(this.root, 0, hash, key, value);
    if (res.node === this.root) return this;
    return new PMap(res.node as Branch<V>, this.size + (res.added ? 1 : 0));
  }

  delete(key: string): PMap<V> {
    const hash = hashString(key);
    const node = deleteIn(this.root, 0, hash, key);
    if (node === this.root) return this;
    return new PMap((node ?? EMPTY_BRANCH) as Branch<V>, this.size - 1);
  }

  /** Applies `f` to the value at `key` (undefined when absent); returning undefined deletes. */
  update(key: string, f: (v: V | undefined) => V | undefined): PMap<V> {
    const old = this.get(key);
    const next = f(old);
    if (next === old) return this;
    return next === undefined ? this.delete(key) : this.set(key, next);
  }

  // entries/values/keys return a fresh array (a snapshot), not a lazy iterator. Why: recursive
  // `yield*` generators cost ~250 ns per element (750 ns to list a 2-entry map), and spreading
  // an array iterator is still ~40 ns per element, while `step` lists small maps (pending work,
  // nodes, index sets) many times per call: this was the largest cost of `drain` in
  // bench/step.bench.ts profiles. The map is immutable, so the snapshot holds exactly what a lazy
  // walk would yield, in the same (hash) order; `for…of`, spread and Array.from work as before.

  entries(): [string, V][] {
    return collectEntries(this.root, []);
  }

  values(): V[] {
    return collectValues(this.root, []);
  }

  keys(): string[] {
    return collectKeys(this.root, []);
  }

  forEach(f: (value: V, key: string) => void): void {
    for (const [k, v] of collectEntries(this.root, [])) f(v, k);
  }

  /** Entries sorted by key: the order observations and reports need. */
  sortedEntries(): [string, V][] {
    return collectEntries(this.root, []).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
}

const EMPTY: PMap<never> = new (PMap as unknown as new (r: Branch<never>, s: number) => PMap<never>)(EMPTY_BRANCH, 0);

/** Appends the entries under `node` to `out`, depth first in slot order (the trie's hash order). */
function collectEntries<V>(node: Node<V>, out: [string, V][]): [string, V][] {
  if (isBranch(node)) {
    for (const c of node.children) collectEntries(c, out);
  } else {
    for (const e of node.entries) out.push([e.key, e.value]);
  }
  return out;
}

function collectKeys<V>(node: Node<V>, out: string[]): string[] {
  if (isBranch(node)) {
    for (const c of node.children) collectKeys(c, out);
  } else {
    for (const e of node.entries) out.push(e.key);
  }
  return out;
}

function collectValues<V>(node: Node<V>, out: V[]): V[] {
  if (isBranch(node)) {
    for (const c of node.children) collectValues(c, out);
  } else {
    for (const e of node.entries) out.push(e.value);
  }
  return out;
}

function leaf<V>(hash: number, key: string, value: V): Bucket<V> {
  return { hash, entries: [{ key, value }] };
}

function setIn<V>(node: Node<V>, shift: number, hash: number, key: string, value: V): { node: Node<V>; added: boolean } {
  if (!isBranch(node)) {
    if (node.hash === hash) {
      const i = node.entries.findIndex((e) => e.key === key);
      if (i >= 0) {
        if (node.entries[i].value === value) return { node, added: false };
        const entries = node.entries.slice();
        entries[i] = { key, value };
        return { node: { hash, entries }, added: false };
      }
      return { node: { hash, entries: [...node.entries, { key, value }] }, added: true };
    }
    // Two different hashes meet: put the bucket under a new branch at this level, then insert.
    const split: Branch<V> = { bitmap: 1 << ((node.hash >>> shift) & MASK), children: [node] };
    return setIn(split, shift, hash, key, value);
  }
  const bit = 1 << ((hash >>> shift) & MASK);
  const idx = popcount(node.bitmap & (bit - 1));
  if ((node.bitmap & bit) === 0) {
    const children = node.children.slice();
    children.splice(idx, 0, leaf(hash, key, value));
    return { node: { bitmap: node.bitmap | bit, children }, added: true };
  }
  const child = node.children[idx];
  const res = setIn(child, shift + BITS, hash, key, value);
  if (res.node === child) return { node, added: false };
  const children = node.children.slice();
  children[idx] = res.node;
  return { node: { bitmap: node.bitmap, children }, added: res.added };
}

function deleteIn<V>(node: Node<V>, shift: number, hash: number, key: string): Node<V> | undefined {
  if (!isBranch(node)) {
    if (node.hash !== hash) return node;
    const entries = node.entries.filter((e) => e.key !== key);
    if (entries.length === node.entries.length) return node;
    return entries.length === 0 ? undefined : { hash, entries };
  }
  const bit = 1 << ((hash >>> shift) & MASK);
  if ((node.bitmap & bit) === 0) return node;
  const idx = popcount(node.bitmap & (bit - 1));
  const child = node.children[idx];
  const next = deleteIn(child, shift + BITS, hash, key);
  if (next === child) return node;
  const children = node.children.slice();
  if (next === undefined) {
    children.splice(idx, 1);
    const bitmap = node.bitmap & ~bit;
    // A branch left holding a single bucket collapses into it (keeps lookups short).
    if (shift > 0 && children.length === 1 && !isBranch(children[0])) return children[0];
    if (children.length === 0) return shift > 0 ? undefined : EMPTY_BRANCH;
    return { bitmap, children };
  }
  children[idx] = next;
  if (shift > 0 && children.length === 1 && !isBranch(next)) return next;
  return { bitmap: node.bitmap, children };
}
