/**
 * Checks the invariants that apply after one step: those declared for this operation and timing,
 * each precondition (`when`) first, then `holds`. Counts, per invariant, how often it was checked
 * and how often its precondition held — an invariant whose precondition never holds checks nothing.
 */
import type { Config, Observation, Operation, Result } from '../../model/index.ts';
import { CelEvalError, fromCelValue, toCelValue } from '../cel/index.ts';
import type { Invariant, Timing } from '../spec/types.ts';
import { readsHistory } from './history.ts';

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
 * pure, so an invariant whose inputs are the very same values as before has the same verdict.
 * Each distinct input gets a small integer id per transition; an invariant's memo key is the
 * string of its inputs' ids.
 */
const objectIds = new WeakMap<object, number>();
/** Primitives keyed by the value itself (no key string built per look-up). */
const primitiveIds = new Map<unknown, number>();
let nextId = 1;

function idOf(v: unknown): number {
  if (v !== null && typeof v === 'object') {
    let id = objectIds.get(v);
    if (id === undefined) objectIds.set(v, (id = nextId++));
    return id;
  }
  // A Map compares keys with SameValueZero: 1, 1n, '1' and true stay apart, as CEL's values do.
  let id = primitiveIds.get(v);
  if (id === undefined) primitiveIds.set(v, (id = nextId++));
  return id;
}

/** How to read one input of an invariant: a variable, or one field of it. */
type Accessor = { readonly root: string; readonly field?: string };

/** Operations of a fixed alphabet recur: their CEL form is converted once. */
const opCel = new WeakMap<object, unknown>();

function celOfOp(op: Operation): unknown {
  let c = opCel.get(op);
  if (c === undefined) opCel.set(op, (c = toCelValue(op)));
  return c;
}

const MEMO_LIMIT = 200_000;
const EMPTY: readonly unknown[] = Object.freeze([]);

interface Plan {
  readonly invariant: Invariant;
  readonly stats: InvariantStats;
  readonly memo: Map<string, 'skip' | 'ok'>;
  /** Indexes into the checker's accessor table; undefined when a read changes every step. */
  readonly inputs?: readonly number[];
  /** Plans with the same inputs share a group: their memo key is built once per step. */
  readonly group: number;
}

/** A plain function, not a closure per invariant and step: the explorer calls checkAll on every transition. */
function remember(plan: Plan, key: string, verdict: 'skip' | 'ok', limit: number): void {
  if (plan.memo.size >= limit) plan.memo.clear();
  plan.memo.set(key, verdict);
}

export class InvariantChecker {
  readonly stats = new Map<string, InvariantStats>();
  private readonly plans: Plan[] = [];
  private readonly accessors: Accessor[] = [];
  private readonly byOp = new Map<string, Plan[]>();
  private readonly cluster: unknown;
  /** The invariants whose precondition held on the last counted step (coverage-guided bias credits them). */
  readonly heldLastStep: string[] = [];

  constructor(
    readonly invariants: readonly Invariant[],
    readonly timing: Timing,
    config: Config,
    /**
     * Memoised verdicts kept per invariant before the memo starts over. A memo key names its
     * inputs by object identity, so once those objects are gone its entries never hit again:
     * the explorer, which keeps no states, keeps a small memo (recent siblings share inputs).
     */
    private readonly memoLimit = MEMO_LIMIT,
  ) {
    this.cluster = toCelValue(clusterVariable(config));
    const table = new Map<string, number>();
    const groups = new Map<string, number>();
    for (const inv of invariants) {
      const stats = { checked: 0, held: 0, violations: 0 };
      this.stats.set(inv.id, stats);
      const reads = [...new Set([...(inv.when?.reads ?? []), ...inv.holds.reads])].sort();
      // A whole variable that changes every step (op, result, alternatives, history) leaves nothing to reuse.
      const cacheable = !readsHistory(reads) && reads.every((r) => r.includes('.') || r === 'cluster');
      const inputs = cacheable
        ? reads.map((r) => {
            let i = table.get(r);
            if (i === undefined) {
              const dot = r.indexOf('.');
              this.accessors.push(dot < 0 ? { root: r } : { root: r.slice(0, dot), field: r.slice(dot + 1) });
              table.set(r, (i = this.accessors.length - 1));
            }
            return i;
          })
        : undefined;
      const signature = inputs?.join(',') ?? '';
      let group = groups.get(signature);
      if (group === undefined) groups.set(signature, (group = groups.size));
      this.plans.push({ invariant: inv, stats, memo: new Map(), inputs, group });
    }
  }

  /** Invariants checked after this operation in this timing (memoised per operation name). */
  applicable(opName: string): Invariant[] {
    return this.plansFor(opName).map((p) => p.invariant);
  }

  private plansFor(opName: string): Plan[] {
    let list = this.byOp.get(opName);
    if (!list) {
      list = this.plans.filter((p) => p.invariant.timings.has(this.timing) && (!p.invariant.after || p.invariant.after.has(opName)));
      this.byOp.set(opName, list);
    }
    return list;
  }

  /** `prev` and `state` already converted with toCelValue (each observation is converted once). */
  check(step: number, prev: unknown, op: Operation, result: Result, state: unknown, alternatives: readonly Result[], count = true, history: readonly unknown[] = EMPTY): Violation | undefined {
    return this.checkAll(step, prev, op, result, state, alternatives, count, true, undefined, history)[0];
  }

  /** Some invariant reads `alternatives`: the caller computes the other answers a connect could have had. */
  get needsAlternatives(): boolean {
    return this.plans.some((p) => [...(p.invariant.when?.reads ?? []), ...p.invariant.holds.reads].some((r) => r === 'alternatives' || r.startsWith('alternatives.')));
  }

  /** Some invariant reads `history`: the caller keeps a RunHistory and passes it. */
  get needsHistory(): boolean {
    return this.plans.some((p) => readsHistory([...(p.invariant.when?.reads ?? []), ...p.invariant.holds.reads]));
  }

  /** Every invariant this transition breaks (or only the first), skipping those `skip` says are decided. */
  checkAll(step: number, prev: unknown, op: Operation, result: Result, state: unknown, alternatives: readonly Result[], count = true, firstOnly = false, skip?: (id: string) => boolean, history: readonly unknown[] = EMPTY): Violation[] {
    const plans = this.plansFor(op.op);
    const found: Violation[] = [];
    if (count) this.heldLastStep.length = 0;
    if (plans.length === 0) return found;
    const vars: Record<string, unknown> = { prev, state, op: celOfOp(op), result: toCelValue(result), cluster: this.cluster, alternatives: alternatives.length ? toCelValue(alternatives) : EMPTY, history };
    const ids: number[] = new Array(this.accessors.length);
    const keys: (string | undefined)[] = [];
    for (const plan of plans) {
      const inv = plan.invariant;
      if (skip?.(inv.id)) continue;
      if (count) plan.stats.checked++;
      let key: string | undefined;
      if (plan.inputs) {
        key = keys[plan.group];
        if (key === undefined) {
          key = '';
          for (const i of plan.inputs) {
            let id = ids[i];
            if (id === undefined) {
              const a = this.accessors[i];
              const root = vars[a.root] as Record<string, unknown> | undefined;
              ids[i] = id = idOf(a.field === undefined ? root : root?.[a.field]);
            }
            key += String.fromCharCode(id & 0xffff, id >>> 16);
          }
          keys[plan.group] = key;
        }
        const known = plan.memo.get(key);
        if (known !== undefined) {
          if (known === 'ok' && count) {
            plan.stats.held++;
            this.heldLastStep.push(inv.id);
          }
          continue;
        }
      }
      try {
        if (inv.when && inv.when.fn(vars) !== true) {
          if (key !== undefined) remember(plan, key, 'skip', this.memoLimit);
          continue;
        }
        if (count) {
          plan.stats.held++;
          this.heldLastStep.push(inv.id);
        }
        const value = inv.holds.fn(vars);
        if (value === true) {
          if (key !== undefined) remember(plan, key, 'ok', this.memoLimit);
          continue;
        }
        if (count) plan.stats.violations++;
        found.push({ invariant: inv, step, op, result, value: fromCelValue(value) });
      } catch (e) {
        if (count) plan.stats.violations++;
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
