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

/**
 * Invariant results are memoised on the identity of what each expression reads (its `reads`:
 * `state.pods`, `op.op`, …). Observations share unchanged sections between steps, and CEL is
 * pure, so an invariant whose inputs are the very same objects as before has the same verdict.
 */
const ids = new WeakMap<object, number>();
let nextId = 1;

function readKey(vars: Record<string, unknown>, reads: readonly string[]): string | undefined {
  let key = '';
  for (const r of reads) {
    const dot = r.indexOf('.');
    const root = vars[dot < 0 ? r : r.slice(0, dot)] as Record<string, unknown> | undefined;
    // A whole variable that changes every step (op, result, alternatives): nothing to reuse.
    if (dot < 0 && r !== 'cluster') return undefined;
    const v = dot < 0 ? root : root?.[r.slice(dot + 1)];
    if (v !== null && typeof v === 'object') {
      let id = ids.get(v);
      if (id === undefined) ids.set(v, (id = nextId++));
      key += `#${id}`;
    } else key += `|${typeof v === 'bigint' ? `${v}n` : JSON.stringify(v)}`;
  }
  return key;
}

const MEMO_LIMIT = 200_000;

export class InvariantChecker {
  readonly stats = new Map<string, InvariantStats>();
  private readonly memo = new Map<string, Map<string, 'skip' | 'ok'>>();
  private readonly reads = new Map<string, readonly string[]>();
  private readonly byOp = new Map<string, Invariant[]>();
  private readonly cluster: unknown;

  constructor(
    readonly invariants: readonly Invariant[],
    readonly timing: Timing,
    config: Config,
  ) {
    this.cluster = toCelValue(clusterVariable(config));
    for (const inv of invariants) {
      this.stats.set(inv.id, { checked: 0, held: 0, violations: 0 });
      this.memo.set(inv.id, new Map());
      this.reads.set(inv.id, [...new Set([...(inv.when?.reads ?? []), ...inv.holds.reads])].sort());
    }
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
    return this.checkAll(step, prev, op, result, state, alternatives, count, true)[0];
  }

  /** Every invariant this transition breaks (or only the first), skipping those `skip` says are decided. */
  checkAll(step: number, prev: unknown, op: Operation, result: Result, state: unknown, alternatives: readonly Result[], count = true, firstOnly = false, skip?: (id: string) => boolean): Violation[] {
    const list = this.applicable(op.op);
    const found: Violation[] = [];
    if (list.length === 0) return found;
    const vars = { prev, state, op: toCelValue(op), result: toCelValue(result), cluster: this.cluster, alternatives: toCelValue(alternatives) };
    for (const inv of list) {
      if (skip?.(inv.id)) continue;
      const stats = this.stats.get(inv.id)!;
      if (count) stats.checked++;
      const memo = this.memo.get(inv.id)!;
      const key = readKey(vars, this.reads.get(inv.id)!);
      const known = key === undefined ? undefined : memo.get(key);
      if (known !== undefined) {
        if (known === 'ok' && count) stats.held++;
        continue;
      }
      const remember = (verdict: 'skip' | 'ok') => {
        if (key === undefined) return;
        if (memo.size >= MEMO_LIMIT) memo.clear();
        memo.set(key, verdict);
      };
      try {
        if (inv.when && inv.when.fn(vars) !== true) {
          remember('skip');
          continue;
        }
        if (count) stats.held++;
        const value = inv.holds.fn(vars);
        if (value === true) {
          remember('ok');
          continue;
        }
        if (count) stats.violations++;
        found.push({ invariant: inv, step, op, result, value: fromCelValue(value) });
      } catch (e) {
        if (count) stats.violations++;
        found.push({ invariant: inv, step, op, result, error: e instanceof CelEvalError ? e.message : String(e) });
      }
      if (firstOnly && found.length) break;
    }
    return found;
  }
}

/**
 * The observation as CEL values. Observations share unchanged sections and entries between steps
 * (model/cluster/observe.ts), so each distinct list and entry is converted once and reused.
 */
const celCache = new WeakMap<object, unknown>();

function cachedCel(v: object): unknown {
  let c = celCache.get(v);
  if (c === undefined) {
    c = Array.isArray(v) ? Object.freeze(v.map((x) => (x && typeof x === 'object' ? cachedCel(x) : toCelValue(x)))) : toCelValue(v);
    celCache.set(v, c);
  }
  return c;
}

export function observationForCel(o: Observation): unknown {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) out[k] = v && typeof v === 'object' ? cachedCel(v) : toCelValue(v);
  return out;
}
