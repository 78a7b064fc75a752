/**
 * The persistent hash map every part of the cluster state lives in: a model-based test against
 * the built-in Map (sets, deletes, lookups, iteration), with keys whose 32-bit hashes collide
 * entirely so buckets are exercised, and a check that every earlier version stays as it was.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PMap, hashString } from '../../../model/cluster/pmap.ts';

/** Pairs of keys with the same FNV-1a hash (found by search); a shared suffix keeps them colliding. */
const COLLIDING: [string, string][] = [
  ['ab8hy7g', 'tevgt6f'], ['rsl6v4x', 'rolib81'], ['xmzohmf', 'lajsxqf'],
  ['123gd6z', 'gxafs9i'], ['ybo1yno', 'uz4tijo'], ['s1abcxq', 'lmbc1q7'],
  ['ab8hy7g/x', 'tevgt6f/x'],
];
/** Keys whose hashes share exactly the low 5, 10 and 15 bits with COLLIDING[0]: deep chains of branches. */
const NEAR: [number, string[]][] = [[5, ['n24', 'n42', 'n95']], [10, ['n1290', 'n2893', 'n2978']], [15, ['n35329', 'n39707', 'n52205']]];
const OTHERS = ['', 'default/kubia', 'kube-system/kube-dns', ...NEAR.flatMap(([, ks]) => ks), ...Array.from({ length: 40 }, (_, i) => `default/pod-${i}`)];
const KEYS = [...COLLIDING.flat(), ...OTHERS];

type Op = { kind: 'set'; key: string; value: number } | { kind: 'delete'; key: string } | { kind: 'update'; key: string; value: number | undefined };
// Colliding keys often enough that both of a pair are present; enough others for a deep trie.
const key = fc.oneof({ arbitrary: fc.constantFrom(...COLLIDING[0], ...NEAR.flatMap(([, ks]) => ks)), weight: 3 },
  { arbitrary: fc.constantFrom(...COLLIDING.flat()), weight: 2 }, { arbitrary: fc.constantFrom(...OTHERS), weight: 3 }, fc.string({ maxLength: 4 }));
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('set' as const), key, value: fc.integer({ min: 0, max: 3 }) }), weight: 5 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), key }), weight: 3 },
  fc.record({ kind: fc.constant('update' as const), key, value: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }) }),
);

function applyBoth(m: PMap<number>, ref: Map<string, number>, o: Op): PMap<number> {
  switch (o.kind) {
    case 'set': ref.set(o.key, o.value); return m.set(o.key, o.value);
    case 'delete': ref.delete(o.key); return m.delete(o.key);
    case 'update':
      if (o.value === undefined) ref.delete(o.key); else ref.set(o.key, o.value);
      return m.update(o.key, () => o.value);
  }
}

/** Size, every entry (sorted), and a lookup of every pool key, hit or miss, compared in one go. */
function view(m: PMap<number> | Map<string, number>) {
  const entries = [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { size: m.size, entries, lookups: KEYS.map((k) => [m.get(k), m.has(k)]) };
}
function expectSame(m: PMap<number>, ref: Map<string, number>): void {
  expect(view(m)).toEqual(view(ref));
  expect(m.sortedEntries()).toEqual(view(ref).entries);
}

describe('PMap', () => {
  it('has keys whose hashes collide entirely or share a prefix of trie levels, as the tests need', () => {
    for (const [a, b] of COLLIDING) {
      expect(a).not.toBe(b);
      expect(hashString(a)).toBe(hashString(b));
    }
    const h = hashString(COLLIDING[0][0]);
    for (const [bits, keys] of NEAR) {
      for (const k of keys) {
        const mask = 2 ** bits - 1;
        expect(hashString(k) & mask, k).toBe(h & mask);
        expect((hashString(k) >>> bits) & 31, k).not.toBe((h >>> bits) & 31);
      }
    }
  });

  it('behaves as a Map under any sequence of sets, deletes and updates, and never changes an earlier version', () => {
    fc.assert(fc.property(fc.array(op, { maxLength: 200, size: 'max' }), (ops) => {
      let m = PMap.empty<number>();
      const ref = new Map<string, number>();
      const history: [PMap<number>, Map<string, number>][] = [[m, new Map()]];
      for (const o of ops) {
        m = applyBoth(m, ref, o);
        expectSame(m, ref);
        history.push([m, new Map(ref)]);
      }
      for (const [version, snapshot] of history) expectSame(version, snapshot);
    }), { numRuns: 60 });
  });

  it('iterates each entry once, consistently across entries, keys, values and forEach', () => {
    fc.assert(fc.property(fc.uniqueArray(key, { maxLength: 80, size: 'max' }), (keys) => {
      const m = PMap.from(keys.map((k, i) => [k, i] as const));
      const entries = [...m.entries()];
      expect(entries.map(([k]) => k).sort()).toEqual([...keys].sort());
      expect([...m.keys()]).toEqual(entries.map(([k]) => k));
      expect([...m.values()]).toEqual(entries.map(([, v]) => v));
      const seen: [string, number][] = [];
      m.forEach((v, k) => seen.push([k, v]));
      expect(seen).toEqual(entries);
    }));
  });

  it('keeps both colliding keys apart, and finds one after the other is deleted', () => {
    const [a, b] = COLLIDING[0];
    const m = PMap.empty<string>().set(a, 'A').set(b, 'B').set('default/kubia', 'K');
    expect([m.get(a), m.get(b), m.size]).toEqual(['A', 'B', 3]);
    expect(m.delete(a).get(b)).toBe('B');
    expect(m.delete(a).get(a)).toBeUndefined();
    expect(m.delete(b).delete(a).delete('default/kubia').size).toBe(0);
    expect(m.set(b, 'B2').get(a)).toBe('A');
  });

  it('returns the same instance when nothing changes', () => {
    const m = PMap.from([['a', 1], ['b', 2]]);
    expect(m.set('a', 1)).toBe(m);
    expect(m.delete('zzz')).toBe(m);
    expect(m.update('a', (v) => v)).toBe(m);
    expect(m.update('zzz', () => undefined)).toBe(m);
    expect(PMap.empty<number>().delete('a')).toBe(PMap.empty());
  });

  it('is frozen and shares one empty map', () => {
    const m = PMap.from([['a', 1]]);
    expect(Object.isFrozen(m)).toBe(true);
    expect(PMap.empty<number>()).toBe(PMap.empty<string>());
    expect(m.delete('a').size).toBe(0);
    expect([...m.delete('a').entries()]).toEqual([]);
  });

  it('copies only the path it changes: a set on a large map shares the untouched subtrees', () => {
    const m = PMap.from(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i] as const));
    const n = m.set('k0', -1);
    const children = (p: PMap<number>) => (p as unknown as { root: { children: object[] } }).root.children;
    const shared = children(n).filter((c) => children(m).includes(c)).length;
    expect(shared).toBe(children(m).length - 1);
  });
});
