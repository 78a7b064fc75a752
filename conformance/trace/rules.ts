// How each invariant is evaluated on a recording, so that one event costs what it touches, not
// the whole cluster. Every invariant keeps its CEL `holds` as the definition; what this table adds
// is the slice of the observation it is evaluated on, which is sound because of how the rule is
// written (each quantifies over Services, or pods, and looks only at that object's own Endpoints
// and pods):
//   service           the Service alone (its own fields)
//   service-refs      the Service, its Endpoints, and the pods those Endpoints name
//   service-selected  as service-refs, plus every pod of its namespace its selector matches
//   pod               the pod alone
//   transition        prev/state of the Services sharing the changed object's key or uid (and their
//                     Endpoints, and the pods those name now): rules that compare an object with its
//                     previous version
//   native-*          the two global uniqueness rules, kept as incremental indexes (ClusterIP → Services,
//                     nodePort → Services); their CEL is the reference the differential test holds them to
//   full              the whole observation at every event: correct for any rule, and the default for an
//                     invariant this table does not know, so a new rule is checked (slowly) before it is tuned
// test/conformance/trace-check/differential.test.ts proves slice and full evaluation agree.
import type { Invariant, TraceMode } from '../../properties/spec/types.ts';
import type { EventRef } from './live.ts';

export type Scope = 'service' | 'service-refs' | 'service-selected' | 'pod' | 'transition' | 'native-cluster-ip' | 'native-node-port' | 'full';

export const SCOPES: Readonly<Record<string, Scope>> = {
  'service/cluster-ip/unique': 'native-cluster-ip',
  'service/node-port/unique': 'native-node-port',
  'service/cluster-ip/stable': 'transition',
  'service/cluster-ip/headless-stays-headless': 'transition',
  'service/node-port/stable': 'transition',
  'service/load-balancer/class-immutable': 'transition',
  'endpoints/selectorless-left-alone': 'transition',
  'service/cluster-ip/by-type': 'service',
  'service/node-port/only-for-external-types': 'service',
  'service/node-port/allocated': 'service',
  'service/health-check-node-port/local-lb-only': 'service',
  'service/external-ips/not-special': 'service',
  'endpoints/selected-pods-only': 'service-refs',
  'endpoints/ready-in-addresses': 'service-refs',
  'endpoints/terminating-pods-leave': 'service-refs',
  'endpoints/named-port-per-pod': 'service-refs',
  'endpoints/no-terminal-pods': 'transition', // the Endpoints a step wrote, and the pods they name
  'endpoints/complete': 'service-selected',
  'pod/ready-means-containers-ready': 'pod',
  'edge/load-balancer-has-node-ports': 'service',
};

export interface RuleStats {
  /** Evaluations (slices checked). */
  evaluated: number;
  /** Evaluations that did not give true. */
  failed: number;
  violations: number;
  /** Window failures that healed before the window passed (normal controller lag). */
  healed: number;
  /** Slices not checked because the recording does not show the Pods or Endpoints of their namespace. */
  skipped: number;
}

export interface Failure {
  /** The event after which the failure began (undefined: in the initial state). */
  readonly since?: EventRef;
  /**
   * When its window started (ms of recorded time): the time of the event that caused it when that
   * event moved the clock forward; otherwise NaN until the clock next moves, and then that time
   * (an event whose time is not newer than the clock may be stale, as the API server does not stamp
   * a deletionTimestamp into managedFields: its failure cannot be dated earlier than what follows it).
   */
  sinceClock: number;
  /** What `holds` gave instead of true, or its evaluation error. */
  readonly detail: { value?: unknown; error?: string };
  reported: boolean;
  /** Transition rules in window mode: `holds` from the state before the failing event to the state now. */
  readonly recheck?: () => true | { value?: unknown; error?: string };
  /** The evidence as it was when the failure began (a transition's before and after). */
  readonly evidence?: () => { objects: unknown[]; prev?: unknown[]; events: EventRef[] };
}

export interface Rule {
  readonly inv: Invariant;
  readonly id: string;
  readonly mode: TraceMode;
  readonly scope: Scope;
  /** Reads `prev`: judged per event (a transition is not a state that can persist). */
  readonly transition: boolean;
  readonly readsPods: boolean;
  readonly readsEndpoints: boolean;
  /** Units failing now (state rules), or at the last event (transition rules). */
  readonly failing: Map<string, Failure>;
  /** Units touched since they were last judged (settled rules; window rules judged once per instant), with the first event that touched them. */
  readonly dirty: Map<string, { since?: EventRef; start: number }>;
  readonly stats: RuleStats;
}

export function ruleOf(inv: Invariant, scopeOverride?: Scope): Rule {
  const reads = [...inv.holds.reads, ...(inv.when?.reads ?? [])];
  const has = (prefix: string) => reads.some((r) => r === prefix || r.startsWith(`${prefix}.`));
  const transition = has('prev');
  let scope = scopeOverride ?? SCOPES[inv.id] ?? 'full';
  if (transition && scope !== 'transition' && scope !== 'full') scope = 'full'; // a table entry that cannot be right
  return {
    inv,
    id: inv.id,
    mode: inv.trace,
    scope,
    transition,
    readsPods: has('state.pods') || has('prev.pods'),
    readsEndpoints: has('state.endpoints') || has('prev.endpoints'),
    failing: new Map(),
    dirty: new Map(),
    stats: { evaluated: 0, failed: 0, violations: 0, healed: 0, skipped: 0 },
  };
}

/** Which kinds of change can alter what a scope sees, as bit flags. */
export const SERVICE = 1; // the Service itself
export const LISTED = 2; // its Endpoints, or a pod they name
export const SELECTED = 4; // a pod its selector matches (now or before)

export function triggers(scope: Scope): number {
  switch (scope) {
    case 'service': return SERVICE;
    case 'service-refs': return SERVICE | LISTED;
    case 'service-selected': return SERVICE | LISTED | SELECTED;
    default: return 0;
  }
}
