/**
 * Deliberate faults for the proof that the invariants can fail (test code only; the model has no
 * fault flags). A fault wraps a System — the reference model — and behaves like a realistic buggy
 * implementation: it rewrites what is observed or answered, keeps memory of its own in a wrapped
 * state `{inner, extra}`, or runs the inner step with other operations or another chooser.
 * States stay immutable: wrappers never mutate a state, an observation or a result they are given;
 * an observation to rewrite is a private deep copy.
 */
import type { Chooser, Observation, Operation, Result } from '../../../model/index.ts';
import { seededChooser } from '../../../model/index.ts';
import type { System } from '../../../properties/engine/system.ts';
import type { Timing } from '../../../properties/spec/types.ts';

export interface Fault {
  /** The invariant this fault must break. */
  readonly invariant: string;
  /** A scope of spec/scopes.yaml. */
  readonly scope: string;
  readonly timing: Timing;
  /** The bug, as a bug report would name it. */
  readonly description: string;
  readonly wrap: (sys: System) => System;
  /**
   * Set when `check` cannot find this fault with the current generators or CEL: the reason.
   * The test then expects the check to miss it, so fixing the cause turns the test red.
   */
  readonly knownMiss?: string;
}

export type Obs = Observation;
export type Svc = Observation['services'][number];
export type Pod = Observation['pods'][number];
export type Eps = Observation['endpoints'][number];
export type Subset = Eps['subsets'][number];
export type Address = Subset['addresses'][number];

/** The observation rewritten by `f`, which may change its private copy in place or return another. */
export function rewriteObservation(sys: System, f: (obs: Obs) => Obs | void): System {
  return {
    init: (c) => sys.init(c),
    step: (s, op, chooser) => sys.step(s, op, chooser),
    observe: (s) => {
      const copy = structuredClone(sys.observe(s));
      return f(copy) ?? copy;
    },
  };
}

/** The result rewritten by `f`, given the observations before and after the step. */
export function rewriteResult(sys: System, f: (result: Result, op: Operation, before: Obs, after: Obs) => Result): System {
  return {
    init: (c) => sys.init(c),
    step: (s, op, chooser) => {
      const out = sys.step(s, op, chooser);
      return { state: out.state, result: f(structuredClone(out.result), op, sys.observe(s), sys.observe(out.state)) };
    },
    observe: (s) => sys.observe(s),
  };
}

/** A step replaced with no memory of its own: `f` gets the inner system and its observation before the step. */
export function rewriteStep(sys: System, f: (inner: System, s: unknown, op: Operation, chooser: Chooser | undefined, before: Obs) => { state: unknown; result: Result }): System {
  return {
    init: (c) => sys.init(c),
    step: (s, op, chooser) => f(sys, s, op, chooser, sys.observe(s)),
    observe: (s) => sys.observe(s),
  };
}

/** The inner system stepped with a chooser derived from the one given (or the seeded default). */
export function withChooser(sys: System, f: (base: Chooser) => Chooser): System {
  return {
    init: (c) => sys.init(c),
    step: (s, op, chooser) => sys.step(s, op, f(chooser ?? seededChooser)),
    observe: (s) => sys.observe(s),
  };
}

export interface Wrapped<E> {
  readonly inner: unknown;
  readonly extra: E;
}

export interface Stateful<E> {
  readonly init: E;
  /** The step itself (default: the inner step). `before` is the inner observation before it. */
  step?(inner: System, s: unknown, op: Operation, chooser: Chooser | undefined, extra: E, before: Obs): { state: unknown; result: Result };
  /** The fault's memory after a step, from the inner observations before and after it. */
  remember?(extra: E, op: Operation, result: Result, before: Obs, after: Obs): E;
  /** What is observed: the inner observation (a private copy) and the memory. */
  observe?(obs: Obs, extra: E): Obs | void;
}

/** A fault with memory of its own, kept beside the inner state (a new `extra` per step, never mutated). */
export function stateful<E>(sys: System, spec: Stateful<E>): System<Wrapped<E>> {
  return {
    init: (c) => ({ inner: sys.init(c), extra: Object.freeze(spec.init) }),
    step: (w, op, chooser) => {
      const before = sys.observe(w.inner);
      const out = spec.step ? spec.step(sys, w.inner, op, chooser, w.extra, before) : sys.step(w.inner, op, chooser);
      const extra = spec.remember ? Object.freeze(spec.remember(w.extra, op, out.result, before, sys.observe(out.state))) : w.extra;
      return { state: { inner: out.state, extra }, result: out.result };
    },
    observe: (w) => {
      const obs = sys.observe(w.inner);
      if (!spec.observe) return obs;
      const copy = structuredClone(obs);
      return spec.observe(copy, w.extra) ?? copy;
    },
  };
}

// --- helpers over observations ------------------------------------------------------------------

export const key = (o: { namespace: string; name: string }): string => `${o.namespace}/${o.name}`;

export function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return !!selector && Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export const isTerminal = (p: Pod): boolean => p.phase === 'Succeeded' || p.phase === 'Failed';

/** Services whose Endpoints the controller manages. */
export const managed = (s: Svc): boolean => !!s.selector && s.type !== 'ExternalName';

export function endpointsOf(obs: Obs, s: { namespace: string; name: string }): Eps | undefined {
  return obs.endpoints.find((e) => e.namespace === s.namespace && e.name === s.name);
}

export function podAt(obs: Obs, ip: string): Pod | undefined {
  return ip ? obs.pods.find((p) => p.ip === ip) : undefined;
}

export function address(p: Pod): Address {
  return { ip: p.ip, pod: { namespace: p.namespace, name: p.name } };
}

export function hasAddress(e: Eps, podName: string): boolean {
  return e.subsets.some((ss) => [...ss.addresses, ...ss.notReadyAddresses].some((a) => a.pod?.name === podName));
}

/** Inserts or replaces an item of a list sorted by (namespace, name). */
export function upsertSorted<T extends { namespace: string; name: string }>(list: T[], item: T): T[] {
  const rest = list.filter((x) => key(x) !== key(item));
  rest.push(item);
  return rest.sort((a, b) => (a.namespace === b.namespace ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.namespace < b.namespace ? -1 : 1));
}

/** Adds an address to an Endpoints object (first subset, or a new one with the Service's ports). */
export function addAddress(e: Eps, svc: Svc, a: Address, ready: boolean): void {
  if (e.subsets.length === 0) {
    e.subsets.push({
      addresses: [],
      notReadyAddresses: [],
      ports: svc.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: typeof p.targetPort === 'number' ? p.targetPort : p.port, protocol: p.protocol })),
    });
  }
  (ready ? e.subsets[0].addresses : e.subsets[0].notReadyAddresses).push(a);
}

/** Pod readiness as the kubelet computes it: running and every container ready. */
export function recomputePodReady(p: Pod): void {
  p.ready = p.phase === 'Running' && p.containers.every((c) => c.ready);
}

/** A deterministic pick context for faults that choose among endpoints themselves. */
export function pickIndex(chooser: Chooser | undefined, keys: readonly string[], seed: number): number {
  const c = chooser ?? seededChooser;
  return c.pick('endpoint', keys, { rng: seed >>> 0 || 1, chooser: c });
}

/** The client pod of a connect/ping operation, in the observation. */
export function clientPod(obs: Obs, op: Operation): Pod | undefined {
  const from = (op as { from?: { pod?: string; namespace?: string } }).from;
  if (!from?.pod) return undefined;
  return obs.pods.find((p) => p.name === from.pod && p.namespace === (from.namespace ?? 'default'));
}

/** The Service a connect targets by ClusterIP or by name, in the observation. */
export function targetService(obs: Obs, op: Operation): Svc | undefined {
  if (op.op !== 'connect') return undefined;
  const to = op.to as { ip?: string; service?: string; namespace?: string };
  if (to.ip) return obs.services.find((s) => s.clusterIP === to.ip && s.clusterIP !== 'None' && s.clusterIP !== '');
  if (to.service) {
    const from = op.from as { namespace?: string };
    return obs.services.find((s) => s.name === to.service && s.namespace === (to.namespace ?? from.namespace ?? 'default'));
  }
  return undefined;
}

/** A small string hash, for deterministic made-up values. */
export function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
