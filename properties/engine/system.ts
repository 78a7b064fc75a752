/**
 * The system an in-process engine checks: the reference model, or (in tests) the model wrapped
 * with one deliberate fault. States are opaque to the engines; they see observations only.
 */
import type { Chooser, ClusterConfig, Observation, Operation, Result } from '../../model/index.ts';
import { type ClusterState, enabledInternalSteps, initialState, observe, seededChooser, step } from '../../model/index.ts';

export interface System<S = unknown> {
  init(cluster: ClusterConfig): S;
  step(state: S, op: Operation, chooser?: Chooser): { state: S; result: Result };
  observe(state: S): Observation;
  /** The internal steps enabled in a state (async timing): what `sync` operations may name. */
  internalSteps?(state: S): Operation[];
}

export const modelSystem: System<ClusterState> = {
  init: (cluster) => initialState(cluster),
  step: (state, op, chooser) => step(state, op, chooser),
  observe,
  internalSteps: (state) => enabledInternalSteps(state),
};

/**
 * Every result the system could give for `op` in `state`: each sequence of endpoint picks is
 * tried once, depth first (allocations keep the seeded choice). What `alternatives` means in
 * invariants. Bounded, since a pick is among a handful of endpoints or nodes.
 */
export function alternatives<S>(sys: System<S>, state: S, op: Operation, limit = 64): Result[] {
  return everyPick(seededChooser, (chooser) => sys.step(state, op, chooser).result, limit).map((r) => r.value);
}

/**
 * `run` once per sequence of endpoint picks, depth first: `base` decides everything else. Each
 * run's picks (0 past the scripted prefix) and how many keys each pick had are returned with it,
 * so a caller can name the outcome. At most `limit` runs.
 */
export function everyPick<R>(base: Chooser, run: (chooser: Chooser) => R, limit = Infinity): { value: R; picks: number[]; counts: number[] }[] {
  const out: { value: R; picks: number[]; counts: number[] }[] = [];
  const todo: number[][] = [[]];
  while (todo.length > 0 && out.length < limit) {
    const prefix = todo.pop()!;
    const counts: number[] = [];
    const chooser: Chooser = {
      pick(kind, keys, ctx) {
        if (kind !== 'endpoint') return base.pick(kind, keys, ctx);
        const depth = counts.length;
        counts.push(keys.length);
        return depth < prefix.length ? prefix[depth] : 0;
      },
      allocate: (kind, size, isFree, ctx) => base.allocate(kind, size, isFree, ctx),
    };
    const value = run(chooser);
    out.push({ value, picks: counts.map((_, d) => (d < prefix.length ? prefix[d] : 0)), counts });
    // This run took index 0 at every depth past the prefix: queue the siblings there.
    for (let d = prefix.length; d < counts.length; d++) {
      const zeros = [...prefix, ...new Array<number>(d - prefix.length).fill(0)];
      for (let i = 1; i < counts[d]; i++) todo.push([...zeros, i]);
    }
  }
  return out;
}
