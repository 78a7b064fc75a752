/**
 * `explore`: exhaustive breadth-first search of a scope's state space, over the same model and the
 * same invariants as `check`. Every operation of the scope's alphabet, every enabled internal step
 * in async timing, and every endpoint a connection may reach are successors. Allocations take the
 * lowest free value (the canonical chooser), so paths that build the same cluster meet.
 * Per invariant: ok within the bound, violation with its shortest trace, or unknown.
 */
import type { Chooser, ClusterState, Operation, Result } from '../../model/index.ts';
import { canonicalChooser, enabledInternalSteps, initialState, normalizeConfig, observe, step } from '../../model/index.ts';
import { InvariantChecker, type Violation, observationForCel } from '../engine/checker.ts';
import type { Invariant, Scope, Timing } from '../spec/types.ts';
import { staticAlphabet } from './alphabet.ts';
import { bfs } from './bfs.ts';
import { stateKey } from './state-key.ts';

export interface ExploreOptions {
  readonly scope: Scope;
  readonly timing: Timing;
  readonly depth: number;
  readonly maxStates?: number;
  readonly timeLimitSeconds?: number;
  readonly invariants: readonly Invariant[];
  /** Check these even though they are not declared for this timing (to show where they break). */
  readonly alsoCheck?: readonly Invariant[];
  readonly exactKeys?: boolean;
  readonly onProgress?: (p: { depth: number; states: number; frontier: number; statesPerSecond: number }) => void;
}

export interface Step {
  readonly op: Operation;
  readonly result: Result;
}

export interface InvariantVerdict {
  readonly invariant: Invariant;
  readonly verdict: 'ok' | 'violation' | 'unknown';
  readonly trace?: readonly Step[];
  readonly violation?: Violation;
}

export interface ExploreReport {
  readonly scope: string;
  readonly timing: Timing;
  readonly states: number;
  readonly transitions: number;
  readonly depthCompleted: number;
  readonly stoppedBy: string;
  readonly seconds: number;
  readonly statesPerSecond: number;
  readonly verdicts: readonly InvariantVerdict[];
}

/** A chooser that takes the given endpoint picks in order (then the first), and records how many there were. */
function scripted(picks: readonly number[], counts: number[]): Chooser {
  return {
    pick(kind, keys, ctx) {
      if (kind !== 'endpoint') return canonicalChooser.pick(kind, keys, ctx);
      const d = counts.length;
      counts.push(keys.length);
      return d < picks.length ? picks[d] : 0;
    },
    allocate: (kind, size, isFree, ctx) => canonicalChooser.allocate(kind, size, isFree, ctx),
  };
}

/** Every outcome of `op` in `s`: one per sequence of endpoint picks (all of them, depth first). */
function outcomes(s: ClusterState, op: Operation): { state: ClusterState; result: Result }[] {
  const out: { state: ClusterState; result: Result }[] = [];
  const todo: number[][] = [[]];
  while (todo.length) {
    const prefix = todo.pop()!;
    const counts: number[] = [];
    out.push(step(s, op, scripted(prefix, counts)));
    for (let d = prefix.length; d < counts.length; d++) {
      const base = [...prefix, ...new Array<number>(d - prefix.length).fill(0)];
      for (let i = 1; i < counts[d]; i++) todo.push([...base, i]);
    }
  }
  return out;
}

export function explore(o: ExploreOptions): ExploreReport {
  const config = { ...o.scope.cluster, timing: o.timing };
  const initial = initialState(config);
  const alphabet = staticAlphabet(o.scope.explore ?? { depth: o.depth, timeLimitSeconds: 60 });
  const all = [...o.invariants, ...(o.alsoCheck ?? []).filter((i) => !o.invariants.includes(i))];
  // Invariants declared for another timing are checked here as if they were declared for this one.
  const checker = new InvariantChecker(all.map((i) => (i.timings.has(o.timing) ? i : { ...i, timings: new Set([...i.timings, o.timing]) })), o.timing, normalizeConfig(config));
  const celOf = new WeakMap<ClusterState, unknown>();
  const cel = (s: ClusterState) => {
    let c = celOf.get(s);
    if (c === undefined) {
      c = observationForCel(observe(s));
      celOf.set(s, c);
    }
    return c;
  };
  const found = new Map<string, { from: number; step: Step; violation: Violation }>();
  const t0 = performance.now();
  const result = bfs<ClusterState, Step>(
    {
      initial,
      key: (s) => stateKey(s, o.exactKeys),
      *successors(s) {
        const ops = o.timing === 'async' ? [...alphabet, ...enabledInternalSteps(s)] : alphabet;
        for (const op of ops) {
          for (const out of outcomes(s, op)) {
            // A refused request leaves the state as it was: a self-loop, still checked below.
            yield { label: { op, result: out.result }, state: out.state };
          }
        }
      },
    },
    { depth: o.depth, maxStates: o.maxStates, deadlineMs: o.timeLimitSeconds === undefined ? undefined : t0 + o.timeLimitSeconds * 1000 },
    (from, t, fromIndex) => {
      // Every invariant decided: nothing left to learn from more states.
      if (all.length > 0 && found.size === all.length) return 'stop';
      for (const v of checker.checkAll(0, cel(from), t.label.op, t.label.result, cel(t.state), [], true, false, (id) => found.has(id))) {
        found.set(v.invariant.id, { from: fromIndex, step: t.label, violation: v });
      }
      return undefined;
    },
    (depth, states, frontier) => o.onProgress?.({ depth, states, frontier, statesPerSecond: states / ((performance.now() - t0) / 1000) }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const complete = result.stoppedBy === 'exhausted' || result.stoppedBy === 'depth';
  const verdicts = all.map((invariant): InvariantVerdict => {
    const f = found.get(invariant.id);
    if (f) return { invariant, verdict: 'violation', trace: [...result.trace(f.from), f.step], violation: f.violation };
    return { invariant, verdict: complete ? 'ok' : 'unknown' };
  });
  return {
    scope: o.scope.name,
    timing: o.timing,
    states: result.states,
    transitions: result.transitions,
    depthCompleted: result.depthCompleted,
    stoppedBy: result.stoppedBy,
    seconds,
    statesPerSecond: result.states / Math.max(seconds, 1e-9),
    verdicts,
  };
}
