/**
 * The explorer with several lanes expanding the ranges of a level (`explore --workers`): lanes
 * here are separate explorations on this thread, each with its own model caches and its own view
 * of the parent links, answering out of order; the merge must still give the report one lane
 * gives — states, transitions, verdicts, shortest traces, how often each rule was exercised, and
 * where a bound stopped the search — down to the last transition.
 */
import { describe, expect, it } from 'vitest';
import { modelSystem } from '../../properties/engine/system.ts';
import { expandRange } from '../../properties/explore/expand-range.ts';
import { type ExploreOptions, type ExploreReport, type RangeLanes, explore, exploreInParallel } from '../../properties/explore/explore.ts';
import { Exploration } from '../../properties/explore/exploration.ts';
import type { Frontier } from '../../properties/explore/frontier.ts';
import { LevelSearch } from '../../properties/explore/level-search.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import { proxyFaults } from '../properties/faults/proxy.faults.ts';

const spec = loadSpec();
const scope = (name: string) => spec.scopes.find((s) => s.name === name)!;
const declaredFor = (timing: 'sync' | 'async') => spec.invariants.filter((i) => i.timings.has(timing));
const naive = spec.invariants.filter((i) => i.id === 'traffic/ready-pods-only');

/** `count` lanes on this thread; the k-th range handed out answers after a delay that reverses neighbours' order. */
function lanesOnThisThread(o: ExploreOptions<unknown>, count: number): RangeLanes & { ranges: number } {
  const lanes = Array.from({ length: count }, () => {
    const x = new Exploration(o);
    return { x, tree: undefined as Frontier<unknown> | undefined };
  });
  let handed = 0;
  return {
    count,
    ranges: 0,
    expand(task, links) {
      const k = handed++;
      this.ranges = handed;
      const lane = lanes[k % count];
      const tree = (lane.tree ??= lane.x.frontierOver(links));
      tree.look(links);
      const result = expandRange(lane.x, tree, task);
      return new Promise((resolve) => setTimeout(() => resolve(result), (count - (k % count)) * 2));
    },
  };
}

/** The report less what measures the run rather than the search (time, and re-execution work, which depends on how ranges fell on lanes). */
function searchOf(r: ExploreReport) {
  const { seconds, statesPerSecond, replayedSteps, collision, ...rest } = r;
  return { ...rest, optimistic: collision?.optimistic, verdicts: r.verdicts.map((v) => ({ ...v, invariant: v.invariant.id, violation: v.violation && { ...v.violation, invariant: v.violation.invariant.id } })) };
}

async function same(o: ExploreOptions<unknown>, count = 3): Promise<ExploreReport> {
  const one = explore(o);
  const lanes = lanesOnThisThread(o, count);
  const many = await exploreInParallel(o, lanes);
  expect(lanes.ranges).toBeGreaterThan(count);
  expect(searchOf(many)).toEqual(searchOf(one));
  return one;
}

describe('explore with several lanes', () => {
  it('gives the one-lane report on the readiness race: the naive rule broken by the same shortest trace, the rest proved', async () => {
    const r = await same({ scope: scope('readiness-race-settled'), timing: 'async', depth: 30, invariants: declaredFor('async'), alsoCheck: naive });
    expect(r.stoppedBy).toBe('exhausted');
    expect(r.verdicts.filter((v) => v.verdict === 'violation').map((v) => v.invariant.id)).toEqual(['traffic/ready-pods-only']);
  });

  it('gives the one-lane report with a faulty proxy: several rules broken in different ranges of a level', async () => {
    const programsNothing = proxyFaults.find((f) => f.description.startsWith('the proxy programs nothing'))!;
    const r = await same({ scope: scope('small'), system: programsNothing.wrap(modelSystem), timing: 'sync', depth: 4, invariants: declaredFor('sync') });
    expect(r.verdicts.filter((v) => v.verdict === 'violation').length).toBeGreaterThan(1);
  });

  it('stops where one lane stops: at the state bound inside a range, and once every rule is decided', async () => {
    const bounded = await same({ scope: scope('small'), timing: 'sync', depth: 7, maxStates: 1_000, invariants: declaredFor('sync') });
    expect([bounded.stoppedBy, bounded.states]).toEqual(['states', 1_000]);
    // Only the naive rule judged: once it is broken nothing is left to learn.
    const decided = await same({ scope: scope('readiness-race-settled'), timing: 'async', depth: 30, invariants: [], alsoCheck: naive });
    expect(decided.stoppedBy).toBe('visitor');
  });

  it('gives the one-lane report on a scope searched to its depth bound, with symmetry reduction (pods; nodes and pods) and with exact keys', async () => {
    const o = { scope: scope('replicas'), timing: 'sync' as const, depth: 4, invariants: declaredFor('sync') };
    expect((await same(o, 2)).stoppedBy).toBe('depth');
    await same({ ...o, symmetry: true }, 2);
    await same({ ...o, exactKeys: true }, 2);
    // Nodes renamed with their addresses and pods (spread): every thread builds the same renamings.
    expect((await same({ scope: scope('spread'), timing: 'sync', depth: 4, invariants: declaredFor('sync'), symmetry: true }, 2)).symmetry).toEqual([['default/web-1', 'default/web-2'], ['node-2', 'node-3']]);
  });

  it('merges in range order: a rule broken in one range is not counted again by a range handed out before that was known', () => {
    const x = new Exploration({ scope: scope('tiny'), timing: 'sync', depth: 3, invariants: declaredFor('sync') });
    const [a, b] = x.judged;
    const search = new LevelSearch(x, { depth: 3 }, false);
    const violation = (inv: typeof a, from: number) => ({ at: 0, from, violation: { invariant: inv, step: 0, op: { op: 'settle' }, result: { ok: true } } }) as never;
    const exercised = (counts: Record<string, number>) => x.judged.map((i) => counts[i.id] ?? 0);
    search.startLevel();
    // The initial state has two successors (fingerprints 1 and 2); the first breaks rule a.
    search.absorb(search.nextRange(2)!, { count: 2, edges: new Uint32Array([0, 0, 0, 1, 0, 1, 0, 2]), violations: [violation(a, 0)], exercised: exercised({ [a.id]: 1 }), replayed: 0 });
    // A level ended: nothing more to hand out until the next starts (where the depth bound applies).
    expect(search.nextRange(2)).toBeUndefined();
    search.startLevel();
    const [r1, r2] = [search.nextRange(2)!, search.nextRange(2)!];
    expect([r1.start, r1.end, r2.start, r2.end, search.nextRange(2)]).toEqual([1, 2, 2, 3, undefined]);
    expect([r1.decided, r2.decided]).toEqual([[a.id], [a.id]]);
    // Both ranges of the next level are out at once; the first breaks b, the second judged b twice more.
    search.absorb(r1, { count: 1, edges: new Uint32Array([1, 0, 0, 3]), violations: [violation(b, 1)], exercised: exercised({ [b.id]: 1 }), replayed: 0 });
    search.absorb(r2, { count: 1, edges: new Uint32Array([2, 0, 0, 1]), violations: [violation(b, 2)], exercised: exercised({ [b.id]: 2 }), replayed: 0 });
    expect([search.exercised[0], search.exercised[1]]).toEqual([1, 1]);
    // The first violation in range order is kept; a repeated fingerprint is not a new state.
    expect(search.found.get(b.id)!.from).toBe(1);
    expect([search.states, search.transitions, search.depthCompleted]).toEqual([4, 4, 2]);
  });
});
