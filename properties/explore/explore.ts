/**
 * `explore`: exhaustive breadth-first search of a scope's state space, over the same model and the
 * same invariants as `check`. Every operation of the scope's alphabet, every enabled internal step
 * in async timing, and every endpoint a connection may reach are successors. Allocations take the
 * lowest free value (the canonical chooser), so paths that build the same cluster meet.
 * Per invariant: ok within the bound, violation with its shortest trace, or unknown.
 */
import type { ClusterState } from '../../model/index.ts';
import type { Violation } from '../engine/checker.ts';
import type { Invariant, Timing } from '../spec/types.ts';
import { type RangeResult, type RangeTask, expandRange } from './expand-range.ts';
import { Exploration, type ExplorationOptions, type Step } from './exploration.ts';
import { optimisticCollisionProbability } from './fingerprint-set.ts';
import { LevelSearch } from './level-search.ts';

export type { Step } from './exploration.ts';

export interface ExploreOptions<S = ClusterState> extends ExplorationOptions<S> {
  readonly maxStates?: number;
  readonly timeLimitSeconds?: number;
  readonly onProgress?: (p: { depth: number; states: number; frontier: number; statesPerSecond: number }) => void;
}

/**
 * Threads that expand ranges of a level (`--workers`): each builds the same Exploration from the
 * options and reads the search's parent links (shared memory). Results come back in any order;
 * the search merges them in range order.
 */
export interface RangeLanes {
  readonly count: number;
  expand(task: RangeTask, links: { readonly parents: Uint32Array; readonly actions: Uint32Array }): Promise<RangeResult>;
}

export interface InvariantVerdict {
  readonly invariant: Invariant;
  readonly verdict: 'ok' | 'violation' | 'unknown';
  readonly trace?: readonly Step[];
  /** How many steps at the start of `trace` are the scope's setup (not found by the search). */
  readonly setupSteps?: number;
  readonly violation?: Violation;
  /** Why an `unknown` is not decided by any bound: the rule judges a run's history, which a state lacks. */
  readonly reason?: string;
  /** Transitions on which its precondition held: an `ok` of 0 judged nothing in this scope. */
  readonly exercised?: number;
}

export const HISTORY_REASON = "reads the run's history (many answers, elapsed time): checked by check and conform, not on states";

export interface ExploreReport {
  readonly scope: string;
  readonly timing: Timing;
  readonly states: number;
  readonly transitions: number;
  readonly depthCompleted: number;
  readonly stoppedBy: string;
  readonly seconds: number;
  readonly statesPerSecond: number;
  /** Bytes held per distinct state by the visited set, the frontier and the parent links (not the model's caches). */
  readonly bytesPerState?: number;
  /** Steps re-executed to re-materialise frontier states and traces (states are not kept). */
  readonly replayedSteps?: number;
  /**
   * Probability that two distinct states shared a fingerprint (so one was never explored), as TLC
   * reports it: optimistic n(n-1)/2 / 2^64, and from the actual fingerprints (1 / smallest gap).
   * Absent with exact keys.
   */
  readonly collision?: { readonly optimistic: number; readonly actual: number };
  /** With `symmetry`: the classes of pods and of nodes the search's renamings mix (empty: none found). */
  readonly symmetry?: readonly (readonly string[])[];
  readonly verdicts: readonly InvariantVerdict[];
}

/** Explores on this thread: each range of each level expanded and merged in turn. */
export function explore<S = ClusterState>(o: ExploreOptions<S>): ExploreReport {
  const x = new Exploration(o);
  const t0 = performance.now();
  const search = new LevelSearch(x, boundsOf(o, t0), false);
  while (search.startLevel()) {
    const depthBefore = search.depthCompleted;
    for (let task = search.nextRange(1); task; task = search.nextRange(1)) {
      if (search.timeUp() || !search.absorb(task, expandRange(x, search.tree, task))) break;
    }
    progress(o, search, t0, depthBefore);
  }
  return reportOf(o, x, search, t0);
}

/**
 * Explores with `lanes` threads expanding the ranges of each level, a few ranges ahead of the
 * merge; the merge takes them in order, so the report is the one `explore` writes.
 */
export async function exploreInParallel<S = ClusterState>(o: ExploreOptions<S>, lanes: RangeLanes): Promise<ExploreReport> {
  const x = new Exploration(o);
  const t0 = performance.now();
  const search = new LevelSearch(x, boundsOf(o, t0), true);
  const ahead = lanes.count * 2;
  while (search.startLevel()) {
    const depthBefore = search.depthCompleted;
    const pending: { task: RangeTask; result: Promise<RangeResult> }[] = [];
    const handOut = () => {
      for (let task: RangeTask | undefined; pending.length < ahead && (task = search.nextRange(lanes.count)); ) {
        pending.push({ task, result: lanes.expand(task, search.tree.links) });
      }
    };
    handOut();
    try {
      while (pending.length) {
        const { task, result } = pending.shift()!;
        const r = await result;
        if (search.timeUp() || !search.absorb(task, r)) break;
        handOut();
      }
    } finally {
      // Ranges still out when the search stopped (or a thread failed): let them end, unread.
      await Promise.allSettled(pending.map((p) => p.result));
    }
    progress(o, search, t0, depthBefore);
  }
  return reportOf(o, x, search, t0);
}

function boundsOf<S>(o: ExploreOptions<S>, t0: number) {
  return { depth: o.depth, maxStates: o.maxStates, deadlineMs: o.timeLimitSeconds === undefined ? undefined : t0 + o.timeLimitSeconds * 1000 };
}

/** Progress after each level completed. */
function progress<S>(o: ExploreOptions<S>, search: LevelSearch<S>, t0: number, depthBefore: number): void {
  if (search.depthCompleted === depthBefore) return;
  const p = search.progress;
  o.onProgress?.({ ...p, statesPerSecond: p.states / ((performance.now() - t0) / 1000) });
}

function reportOf<S>(o: ExploreOptions<S>, x: Exploration<S>, search: LevelSearch<S>, t0: number): ExploreReport {
  const seconds = (performance.now() - t0) / 1000;
  const complete = search.stoppedBy === 'exhausted' || search.stoppedBy === 'depth';
  const verdicts = x.listed.map((invariant): InvariantVerdict => {
    const i = x.judged.indexOf(invariant);
    if (i < 0) return { invariant, verdict: 'unknown', reason: HISTORY_REASON };
    const f = search.found.get(invariant.id);
    const exercised = search.exercised[i];
    if (f) {
      const trace = [...x.setup, ...x.trace(search.tree.path(f.from)), { op: f.violation.op, result: f.violation.result }];
      return { invariant, verdict: 'violation', trace, setupSteps: x.setup.length, violation: f.violation, exercised };
    }
    return { invariant, verdict: complete ? 'ok' : 'unknown', exercised };
  });
  const fingerprints = search.fingerprints;
  return {
    scope: o.scope.name,
    timing: o.timing,
    states: search.states,
    transitions: search.transitions,
    depthCompleted: search.depthCompleted,
    stoppedBy: search.stoppedBy,
    seconds,
    statesPerSecond: search.states / Math.max(seconds, 1e-9),
    bytesPerState: search.bytes / search.states,
    replayedSteps: search.replayed,
    ...(fingerprints ? { collision: { optimistic: optimisticCollisionProbability(search.states), actual: fingerprints.actualCollisionEstimate() } } : {}),
    ...(x.symmetry ? { symmetry: x.symmetry.orbits } : {}),
    verdicts,
  };
}
