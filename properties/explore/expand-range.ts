/**
 * The work of a breadth-first level, cut in ranges of state numbers: expanding a range takes each
 * of its states (re-executed from the parent links), every transition out of it, the successor's
 * fingerprint and the invariants on the transition. What it gives back is plain data, in the
 * order the plain search meets the transitions, so whichever thread expands a range, the thread
 * that merges the ranges in order (level-search.ts) sees exactly what one thread would.
 *
 * An invariant's violation is kept once per range (its first), and its `exercised` count stops
 * there, as one thread stops judging an invariant once it is violated; the merge drops what a
 * range counted for an invariant already violated in an earlier range.
 */
import type { Violation } from '../engine/checker.ts';
import type { Exploration } from './exploration.ts';
import type { Frontier } from './frontier.ts';

export interface RangeTask {
  /** State numbers [start, end) of the level at `depth` (the initial state is depth 0). */
  readonly start: number;
  readonly end: number;
  readonly depth: number;
  /** Invariants already violated when the range was handed out: not judged again. */
  readonly decided: readonly string[];
  /** Stop after this many transitions (the merge recounts a range a bound cut short). */
  readonly limit?: number;
}

export interface RangeViolation {
  /** The transition's position in the range's order. */
  readonly at: number;
  readonly from: number;
  readonly violation: Violation;
}

export interface RangeResult {
  /** Transitions expanded. */
  readonly count: number;
  /** Per transition: source state number, action code, fingerprint high and low halves. */
  readonly edges: Uint32Array;
  /** Per transition, with exact keys: the successor's key (instead of its fingerprint). */
  readonly keys?: readonly string[];
  readonly violations: readonly RangeViolation[];
  /** Per judged invariant (Exploration.judged order): transitions on which its precondition held. */
  readonly exercised: readonly number[];
  /** Steps re-executed to re-materialise the range's states. */
  readonly replayed: number;
}

export function expandRange<S>(x: Exploration<S>, tree: Frontier<S>, task: RangeTask): RangeResult {
  const decided = new Set(task.decided);
  const before = x.judged.map((i) => x.checker.stats.get(i.id)!.held);
  const replayedBefore = tree.replayed;
  let edges = new Uint32Array(64 * 4);
  const keys: string[] | undefined = x.exactKey ? [] : undefined;
  const violations: RangeViolation[] = [];
  const limit = task.limit ?? Infinity;
  let count = 0;
  states: for (let from = task.start; from < task.end; from++) {
    const state = tree.state(from, task.depth);
    const source = x.cel(state);
    for (const t of x.successors(state)) {
      if (count >= limit) break states;
      if ((count + 1) * 4 > edges.length) {
        const grown = new Uint32Array(edges.length * 2);
        grown.set(edges);
        edges = grown;
      }
      const e = count * 4;
      edges[e] = from;
      edges[e + 1] = t.action >>> 0;
      if (keys) keys.push(x.exactKey!(t.state));
      else {
        const f = x.fingerprint(t.state);
        edges[e + 2] = f.hi;
        edges[e + 3] = f.lo;
      }
      for (const v of x.checker.checkAll(0, source, t.step.op, t.step.result, x.cel(t.state), [], true, false, (id) => decided.has(id))) {
        decided.add(v.invariant.id);
        violations.push({ at: count, from, violation: v });
      }
      count++;
    }
  }
  return {
    count,
    edges: edges.subarray(0, count * 4),
    ...(keys ? { keys } : {}),
    violations,
    exercised: x.judged.map((i, k) => x.checker.stats.get(i.id)!.held - before[k]),
    replayed: tree.replayed - replayedBefore,
  };
}
