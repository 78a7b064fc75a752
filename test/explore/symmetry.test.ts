/**
 * Symmetry reduction (properties/explore/symmetry.ts): which renamings a scope admits, and that
 * they are symmetries of the model — two states in one class have the same classes of successors,
 * walked step by step, each run mirroring the other — while a renaming that is not one is caught.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeConfig } from '../../model/index.ts';
import type { ClusterState } from '../../model/index.ts';
import { Exploration } from '../../properties/explore/exploration.ts';
import { explore } from '../../properties/explore/explore.ts';
import { type Renaming, scopeSymmetry, textRenamer } from '../../properties/explore/symmetry.ts';
import { staticAlphabet } from '../../properties/explore/alphabet.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import type { Scope } from '../../properties/spec/types.ts';

const spec = loadSpec();
const scope = (name: string) => spec.scopes.find((s) => s.name === name)!;
const spread = scope('spread');
const configOf = (s: Scope) => normalizeConfig({ ...s.cluster, timing: 'sync' });
const symmetryOf = (s: Scope, rules: string[] = []) => scopeSymmetry(s.explore!.manifests!, staticAlphabet(s.explore!), configOf(s), rules);
type Manifest = { metadata: { name: string }; spec: Record<string, unknown> };
/** The spread scope with its manifests changed (`change` edits a copy). */
const variant = (change: (ms: Manifest[]) => void): Scope => {
  const ms = structuredClone(spread.explore!.manifests) as Manifest[];
  change(ms);
  return { ...spread, explore: { ...spread.explore!, manifests: ms } } as Scope;
};
/** JSON with every array sorted (lists the model sorts by name or address come out in another order once renamed). */
const canonical = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(canonical).sort().join(',')}]`;
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).filter((k) => o[k] !== undefined && k !== 'message').sort().map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
};

/**
 * Two runs from the initial state (which the renaming maps to itself): `a` takes the successors
 * `choices` say, `b` their mirror images — the renamed operation, with `a`'s step result and
 * observation renamed. At every step each successor of one must have its mirror among the other's;
 * returns the first step where one does not, and how many steps the mirror was another state.
 */
function mirroredWalk(x: Exploration, renaming: Renaming, choices: readonly number[]): { diverged?: number; mirrored: number } {
  const rename = textRenamer(renaming, configOf(x.options.scope));
  const successors = (s: ClusterState) =>
    [...x.successors(s)].map((t) => ({ state: t.state, view: `${JSON.stringify(t.step.op)} ${canonical([t.step.result, x.sys.observe(t.state)])}` }));
  const mirror = (view: string) => {
    const [op, rest] = [view.slice(0, view.indexOf(' ')), view.slice(view.indexOf(' ') + 1)];
    return `${rename(op)} ${canonical(JSON.parse(rename(rest)))}`;
  };
  let [a, b] = [x.initial, x.initial];
  let mirrored = 0;
  for (let i = 0; i < choices.length; i++) {
    const [as, bs] = [successors(a), successors(b)];
    const [aViews, bViews] = [new Set(as.map((t) => mirror(t.view))), new Set(bs.map((t) => t.view))];
    if (!as.every((t) => bViews.has(mirror(t.view))) || !bs.every((t) => aViews.has(t.view))) return { diverged: i, mirrored };
    const pick = as[choices[i] % as.length];
    const image = bs.find((t) => t.view === mirror(pick.view))!;
    if (image.view !== pick.view) mirrored++;
    [a, b] = [pick.state, image.state];
  }
  return { mirrored };
}

const symmetric = (s: Scope, timing: 'sync' | 'async' = 'sync') => new Exploration({ scope: s, timing, depth: 6, invariants: [], symmetry: true });

describe('symmetry', () => {
  it('swaps the two replicas of spread together with their nodes, and leaves the client and the first node alone', () => {
    const x = symmetric(spread);
    expect(x.symmetry!.orbits).toEqual([['default/web-1', 'default/web-2'], ['node-2', 'node-3']]);
    expect(x.symmetry!.renamings).toEqual([
      { pods: new Map([['default/web-1', 'default/web-2'], ['default/web-2', 'default/web-1']]), nodes: new Map([['node-2', 'node-3'], ['node-3', 'node-2']]) },
    ]);
    expect(new Exploration({ scope: spread, timing: 'sync', depth: 6, invariants: [] }).symmetry).toBeUndefined();
  });

  it('renames nothing the model or a rule tells apart: no node when a pod is unpinned (the scheduler breaks ties by order), no name a rule spells out, no pod the setup creates; with both replicas on one node, only the pods', () => {
    expect(symmetryOf(spread).orbits).toEqual([['default/web-1', 'default/web-2'], ['node-2', 'node-3']]);
    expect(symmetryOf(variant((ms) => delete ms.find((m) => m.metadata.name === 'client')!.spec.nodeName)).renamings).toEqual([]);
    expect(symmetryOf(spread, ["pods.exists(p, p.node == 'node-3')"]).renamings).toEqual([]);
    expect(symmetryOf(spread, ['pods.exists(p, p.name == "web-1")']).renamings).toEqual([]);
    // Pods the setup creates keep the addresses its order gave them: their renamed states are never reached.
    expect(scopeSymmetry(spread.explore!.manifests!, staticAlphabet(spread.explore!), configOf(spread), [], spread.explore!.manifests!.filter((m) => (m as Manifest).metadata.name === 'web-1')).renamings).toEqual([]);
    expect(symmetric(scope('readiness-race-large'), 'async').symmetry!.renamings).toEqual([]);
    // Both replicas on one node: interchangeable as pods, the nodes no longer.
    expect(symmetryOf(variant((ms) => (ms.find((m) => m.metadata.name === 'web-2')!.spec.nodeName = 'node-2'))).orbits).toEqual([['default/web-1', 'default/web-2']]);
  });

  it.each(['sync', 'async'] as const)('is a symmetry of the model in %s timing: every step of a run has its mirror image in the renamed run (same results and observations, renamed)', (timing) => {
    const x = symmetric(spread, timing);
    let mirrored = 0;
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 4, maxLength: 10 }), (choices) => {
        const r = mirroredWalk(x, x.symmetry!.renamings[0], choices);
        mirrored += r.mirrored;
        return r.diverged === undefined;
      }),
      { numRuns: 40, seed: 11 },
    );
    // The runs did mirror each other (web-1 on node-2 in one, web-2 on node-3 in the other), often.
    expect(mirrored).toBeGreaterThan(40);
  });

  it('hashes the same classes as the renamed texts do (--exact-keys): the same states and transitions', () => {
    const o = { scope: spread, timing: 'async' as const, depth: 5, invariants: [], symmetry: true };
    const [hashed, texts] = [explore(o), explore({ ...o, exactKeys: true })];
    expect(hashed.states).toBe(texts.states);
    expect(hashed.transitions).toBe(texts.transitions);
  });

  it('catches a renaming that is not a symmetry: two pods of different manifests swapped (tiny: a has a readiness probe, b none)', () => {
    const x = symmetric(scope('tiny'));
    const wrong: Renaming = { pods: new Map([['default/a', 'default/b'], ['default/b', 'default/a']]), nodes: new Map() };
    const walks = [0, 1, 2, 3, 4, 5, 6, 7].map((first) => mirroredWalk(x, wrong, [first, 0, 1, 2, 3, 4, 5, 6]));
    expect(walks.some((w) => w.diverged !== undefined)).toBe(true);
  });

  it('leaves the first node alone, and rightly: its address is the kubernetes Service endpoint, so swapping it is caught at once', () => {
    const onFirst = variant((ms) => {
      for (const [pod, node] of [['web-1', 'node-1'], ['web-2', 'node-2'], ['client', 'node-3']]) ms.find((m) => m.metadata.name === pod)!.spec.nodeName = node;
    });
    expect(symmetryOf(onFirst).renamings).toEqual([]);
    const swapped: Renaming = { pods: new Map([['default/web-1', 'default/web-2'], ['default/web-2', 'default/web-1']]), nodes: new Map([['node-1', 'node-2'], ['node-2', 'node-1']]) };
    expect(mirroredWalk(symmetric(onFirst), swapped, [0]).diverged).toBe(0);
  });
});
