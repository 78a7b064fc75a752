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

// begin and commit copy every field by name instead of spreading. Why: `{ ...state, ctx }` and
// `const { ctx, touched, ...rest } = d; Object.freeze({ ...rest })` cost ~3.5 µs per step together
// (an empty `advance` took ~4 µs in bench/step.bench.ts) and leave objects whose every later field
// access is slower; one literal per shape costs ~0.1 µs. `AllFields` makes tsc reject a literal
// that misses a field of ClusterState (optional ones included), and the first `begin` of a process
// checks at run time that no field of the state is left behind.
type AllFields<T> = { [K in keyof T]-?: T[K] | undefined };

let shapeChecked = false;

export function begin(state: ClusterState, chooser: Chooser): Draft {
  const d: AllFields<Draft> = {
    config: state.config, time: state.time, rng: state.rng, seq: state.seq,
    nodes: state.nodes, pods: state.pods, services: state.services, endpoints: state.endpoints, rcs: state.rcs,
    ingresses: state.ingresses, ingressClasses: state.ingressClasses, proxies: state.proxies,
    clusterIPs: state.clusterIPs, nodePorts: state.nodePorts, podIPs: state.podIPs, lbAddresses: state.lbAddresses,
    podIndex: state.podIndex, serviceIndex: state.serviceIndex, timers: state.timers,
    pendingStatus: state.pendingStatus, pendingEndpoints: state.pendingEndpoints, pendingProxy: state.pendingProxy,
    ctx: { rng: state.rng, chooser },
    touched: new Set(),
  };
  if (!shapeChecked) {
    const missed = Object.keys(state).filter((k) => !Object.hasOwn(d, k));
    if (missed.length > 0) throw new Error(`draft.ts: begin/commit do not copy ClusterState field(s) ${missed.join(', ')}`);
    shapeChecked = true;
  }
  return d as Draft;
}

export function commit(d: Draft): ClusterState {
  const s: AllFields<ClusterState> = {
    config: d.config, time: d.time, rng: d.ctx.rng, seq: d.seq,
    nodes: d.nodes, pods: d.pods, services: d.services, endpoints: d.endpoints, rcs: d.rcs,
    ingresses: d.ingresses, ingressClasses: d.ingressClasses, proxies: d.proxies,
    clusterIPs: d.clusterIPs, nodePorts: d.nodePorts, podIPs: d.podIPs, lbAddresses: d.lbAddresses,
    podIndex: d.podIndex, serviceIndex: d.serviceIndex, timers: d.timers,
    pendingStatus: d.pendingStatus, pendingEndpoints: d.pendingEndpoints, pendingProxy: d.pendingProxy,
  };
  return Object.freeze(s) as ClusterState;
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

/** What an allocation is for: whose value it is, and where a given value lies in the range. */
export interface AllocationFor {
  readonly subject: string;
  /** The offset of `value` in the range; anything outside [0, size) (or NaN) means "not in it". */
  readonly offsetOf: (value: string | number) => number;
}

export function allocate(d: Draft, kind: ChoiceKind, size: number, isFree: (o: number) => boolean, target?: AllocationFor): number {
  if (target) {
    const o = preferred(d, kind, size, isFree, target);
    if (o >= 0) return o;
  }
  return d.ctx.chooser.allocate(kind, size, isFree, d.ctx);
}

/** The first value the chooser prefers (Chooser.prefer) that is in range and free, as an offset; -1 if none. */
export function preferred(d: Draft, kind: ChoiceKind, size: number, isFree: (o: number) => boolean, target: AllocationFor): number {
  const wanted = d.ctx.chooser.prefer?.(kind, target.subject);
  for (const v of wanted ?? []) {
    const o = target.offsetOf(v);
    if (Number.isInteger(o) && o >= 0 && o < size && isFree(o)) return o;
  }
  return -1;
}
