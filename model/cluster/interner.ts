/**
 * Hash-consing: a value built again with the same content is replaced by the one built first.
 * Observation views are interned (observe.ts), so a pod, a section or an Endpoints list that
 * another path of a search rebuilt with the same content is the very same object, and whatever
 * consumers memoise on identity (CEL values, invariant verdicts) is shared across every state that
 * agrees on it, not only across steps that left it alone. The explorer keeps its fingerprints'
 * line hashes in one too, by the line's text.
 *
 * Memory is bounded by two generations: when the young map is full it becomes the old one and the
 * old one is dropped; a value found in the old map moves to the young one. Dropping only costs
 * sharing: a value built after its twin was dropped is a new object with the same content.
 */
export class Interner<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  constructor(private readonly capacity: number) {}

  /** The value held under `key`, if any (moved to the young map when found in the old one). */
  lookup(key: string): V | undefined {
    const kept = this.young.get(key);
    if (kept !== undefined) return kept;
    const old = this.old.get(key);
    return old === undefined ? undefined : this.hold(key, old);
  }

  /** The value first interned under `key` (still held), else `value`, now held under it. */
  intern(key: string, value: V): V {
    return this.lookup(key) ?? this.hold(key, value);
  }

  private hold(key: string, value: V): V {
    if (this.young.size >= this.capacity) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
    return value;
  }
}
