/**
 * A step works on a Draft: the fields of the state it started from, reassigned (never mutated)
 * as persistent maps are updated, then frozen into the next state. The input state is untouched.
 */
import type { ChoiceKind, Chooser, StepContext } from './choice.ts';
import type { ClusterState } from './state.ts';

export type Draft = { -readonly [K in keyof ClusterState]: ClusterState[K] } & {
  ctx: StepContext;
  /** Namespaces whose pods changed in this step: their ReplicationControllers reconcile. */
  touched: Set<string>;
};

export function begin(state: ClusterState, chooser: Chooser): Draft {
  return { ...state, ctx: { rng: state.rng, chooser }, touched: new Set() };
}

export function commit(d: Draft): ClusterState {
  const { ctx, touched: _touched, ...rest } = d;
  return Object.freeze({ ...rest, rng: ctx.rng });
}

/** The next value of the cluster's sequence (resourceVersions, creation order, uids). */
export function nextSeq(d: Draft): number {
  d.seq += 1;
  return d.seq;
}

/** A UUID-shaped uid from the seed and the sequence: unique, and the same on every run. */
export function newUid(d: Draft): string {
  const n = nextSeq(d);
  const seed = (d.config.seed >>> 0).toString(16).padStart(8, '0');
  return `${seed}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export function pick(d: Draft, kind: ChoiceKind, keys: readonly string[]): number {
  return d.ctx.chooser.pick(kind, keys, d.ctx);
}

export function allocate(d: Draft, kind: ChoiceKind, size: number, isFree: (o: number) => boolean): number {
  return d.ctx.chooser.allocate(kind, size, isFree, d.ctx);
}
