/**
 * Hash-consing of observation views: the interner's two generations, and observe() giving the very
 * same view and section objects for states built apart with the same content (what lets the
 * explorer's identity memos hit across the paths of a search), never a view of other content.
 */
import { describe, expect, it } from 'vitest';
import { Interner } from '../../../model/cluster/interner.ts';
import { type ClusterState, initialState, observe, step } from '../../../model/index.ts';

describe('Interner', () => {
  it('gives back the value first interned under a key', () => {
    const i = new Interner<object>(4);
    const a = { n: 1 };
    expect(i.intern('k', a)).toBe(a);
    expect(i.intern('k', { n: 1 })).toBe(a);
    const b = { n: 2 };
    expect(i.intern('other', b)).toBe(b);
  });

  it('keeps a value one generation past a full map, and keeps it longer once used again', () => {
    const i = new Interner<object>(2);
    const a = {};
    i.intern('a', a);
    i.intern('b', {});
    i.intern('c', {}); // young was full: a and b are now old, c young
    expect(i.intern('a', {})).toBe(a); // found old, moved young
    i.intern('d', {}); // young full again (c, a): they become old, b is dropped
    expect(i.intern('a', {})).toBe(a);
    const b2 = {};
    expect(i.intern('b', b2)).toBe(b2);
  });

  it('looks a key up without holding anything new', () => {
    const i = new Interner<object>(1);
    expect(i.lookup('a')).toBeUndefined();
    const a = {};
    i.intern('a', a);
    expect(i.lookup('a')).toBe(a);
    i.intern('b', {}); // a is old now
    expect(i.lookup('a')).toBe(a); // and young again
    i.intern('c', {});
    expect(i.lookup('a')).toBe(a);
    expect(i.lookup('b')).toBeUndefined();
  });
});

const ops = [
  { op: 'apply', object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } } },
  { op: 'apply', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 8080 }] }] } } },
  { op: 'advance', seconds: 10 },
] as const;

function run(): ClusterState {
  let s = initialState({});
  for (const op of ops) s = step(s, JSON.parse(JSON.stringify(op))).state;
  return s;
}

describe('observe interns its views', () => {
  it('gives states built apart with the same content the same sections and views', () => {
    const one = run();
    const other = run();
    expect(other.pods).not.toBe(one.pods);
    const a = observe(one);
    const b = observe(other);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    for (const k of ['nodes', 'pods', 'services', 'endpoints', 'proxies'] as const) {
      expect(a[k].length, k).toBeGreaterThan(0);
      expect(b[k], k).toBe(a[k]);
    }
    expect(Object.isFrozen(a.pods) && Object.isFrozen(a.pods[0]) && Object.isFrozen(a.pods[0].containers[0])).toBe(true);
  });

  it('shares the views that agree and not the ones that differ', () => {
    const s = run();
    const deleted = step(s, { op: 'delete', kind: 'Pod', name: 'a' } as never).state;
    const a = observe(s);
    const b = observe(deleted);
    expect(b.services).toBe(a.services);
    expect(b.pods).not.toBe(a.pods);
    expect(b.pods[0].terminating).toBe(true);
    expect(a.pods[0].terminating).toBe(false);
  });
});
