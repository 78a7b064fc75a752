/**
 * Checks the invariants that apply after one step: those declared for this operation and timing,
 * each precondition (`when`) first, then `holds`. Counts, per invariant, how often it was checked
 * and how often its precondition held — an invariant whose precondition never holds checks nothing.
 */
import type { Config, Observation, Operation, Result } from '../../model/index.ts';
import { CelEvalError, fromCelValue, toCelValue } from '../cel/index.ts';
import type { Invariant, Timing } from '../spec/types.ts';

export interface InvariantStats {
  checked: number;
  held: number;
  violations: number;
}

export interface Violation {
  readonly invariant: Invariant;
  /** 0-based index of the step after which it broke. */
  readonly step: number;
  readonly op: Operation;
  readonly result: Result;
  /** What `holds` gave instead of true (false, a non-bool), or the evaluation error. */
  readonly value?: unknown;
  readonly error?: string;
}

/** The `cluster` variable: the configuration in the contract's own terms, defaults applied. */
export function clusterVariable(c: Config): Record<string, unknown> {
  return {
    nodes: c.nodes.map((n) => n.name),
    nodeCIDR: c.nodeCIDR.text,
    serviceCIDR: c.serviceCIDR.text,
    podCIDR: c.podCIDR.text,
    nodePortRange: `${c.nodePortRange.min}-${c.nodePortRange.max}`,
    clusterDomain: c.clusterDomain,
    dnsServiceIP: c.dnsServiceIP,
    cloudLoadBalancer: c.cloudLoadBalancer,
    ingressControllers: [...c.ingressControllers],
    appsListenOnStart: c.appsListenOnStart,
    timing: c.timing,
    seed: c.seed,
  };
}

export class InvariantChecker {
  readonly stats = new Map<string, InvariantStats>();
  private readonly byOp = new Map<string, Invariant[]>();
  private readonly cluster: unknown;

  constructor(
    readonly invariants: readonly Invariant[],
    readonly timing: Timing,
    config: Config,
  ) {
    this.cluster = toCelValue(clusterVariable(config));
    for (const inv of invariants) this.stats.set(inv.id, { checked: 0, held: 0, violations: 0 });
  }

  /** Invariants checked after this operation in this timing (memoised per operation name). */
  applicable(opName: string): Invariant[] {
    let list = this.byOp.get(opName);
    if (!list) {
      list = this.invariants.filter((i) => i.timings.has(this.timing) && (!i.after || i.after.has(opName)));
      this.byOp.set(opName, list);
    }
    return list;
  }

  /** `prev` and `state` already converted with toCelValue (each observation is converted once). */
  check(step: number, prev: unknown, op: Operation, result: Result, state: unknown, alternatives: readonly Result[], count = true): Violation | undefined {
    const list = this.applicable(op.op);
    if (list.length === 0) return undefined;
    const vars = { prev, state, op: toCelValue(op), result: toCelValue(result), cluster: this.cluster, alternatives: toCelValue(alternatives) };
    for (const inv of list) {
      const stats = this.stats.get(inv.id)!;
      if (count) stats.checked++;
      try {
        if (inv.when && inv.when.fn(vars) !== true) continue;
        if (count) stats.held++;
        const value = inv.holds.fn(vars);
        if (value === true) continue;
        if (count) stats.violations++;
        return { invariant: inv, step, op, result, value: fromCelValue(value) };
      } catch (e) {
        if (count) stats.violations++;
        return { invariant: inv, step, op, result, error: e instanceof CelEvalError ? e.message : String(e) };
      }
    }
    return undefined;
  }
}

export function observationForCel(o: Observation): unknown {
  return toCelValue(o);
}
