/**
 * What one exploration searches, built from its options alone: the system and its initial state
 * (after the scope's setup), the alphabet, the successors of a state with their action codes,
 * the fingerprint (or exact key) and the invariant checker. The thread that merges the search and
 * every worker thread that expands part of it build the same Exploration from the same options,
 * so a state, an action code and a fingerprint mean the same on every thread.
 */
import type { Chooser, ClusterState, Operation, Result } from '../../model/index.ts';
import { canonicalChooser, normalizeConfig } from '../../model/index.ts';
import { InvariantChecker, observationForCel } from '../engine/checker.ts';
import { readsHistory } from '../engine/history.ts';
import { Resolver } from '../engine/resolve.ts';
import { type System, everyPick, modelSystem } from '../engine/system.ts';
import type { Invariant, Scope, Timing } from '../spec/types.ts';
import { staticAlphabet } from './alphabet.ts';
import { fingerprintState, fingerprintText } from './fingerprint.ts';
import { Frontier, type FrontierLinks } from './frontier.ts';
import { stateText } from './state-key.ts';
import { type Symmetry, scopeSymmetry, symmetricFingerprint, symmetricText } from './symmetry.ts';

export interface ExplorationOptions<S = ClusterState> {
  readonly scope: Scope;
  /** The system explored (default: the reference model); faulty systems in the engines' agreement tests. */
  readonly system?: System<S>;
  /** Operations to explore instead of the scope's alphabet; `$` references are resolved in each state. */
  readonly alphabet?: readonly Operation[];
  readonly timing: Timing;
  readonly depth: number;
  readonly invariants: readonly Invariant[];
  /** Check these even though they are not declared for this timing (to show where they break). */
  readonly alsoCheck?: readonly Invariant[];
  readonly exactKeys?: boolean;
  /** Symmetry reduction: renamings of interchangeable pods and nodes (symmetry.ts). */
  readonly symmetry?: boolean;
}

export interface Step {
  readonly op: Operation;
  readonly result: Result;
}

/** Verdicts memoised per invariant: enough for the siblings and cousins of a level that share inputs. */
const EXPLORE_MEMO_LIMIT = 4096;

/** Operations per action code: an action is `op index + OPS * outcome code`. */
const OPS = 4096;

/** The canonical chooser, except that endpoint picks follow `code`, one mixed-radix digit per pick. */
function picking(code: number): Chooser {
  return {
    pick(kind, keys, ctx) {
      if (kind !== 'endpoint') return canonicalChooser.pick(kind, keys, ctx);
      const p = code % keys.length;
      code = Math.floor(code / keys.length);
      return p;
    },
    allocate: (kind, size, isFree, ctx) => canonicalChooser.allocate(kind, size, isFree, ctx),
  };
}

/**
 * Every outcome of `op` in `s`: one per sequence of endpoint picks (all of them, depth first),
 * each with its outcome code (the picks as a mixed-radix number, so `picking(code)` replays it).
 */
function outcomes<S>(sys: System<S>, s: S, op: Operation): { state: S; result: Result; code: number }[] {
  return everyPick(canonicalChooser, (chooser) => sys.step(s, op, chooser)).map(({ value, picks, counts }) => {
    let code = 0;
    for (let d = counts.length - 1; d >= 0; d--) code = code * counts[d] + picks[d];
    return { ...value, code };
  });
}

/** The exact key of a model state, or of a wrapped one (`{inner, extra}`, as test faults keep memory). */
function keyOf(s: unknown): string {
  const w = s as { inner?: unknown; extra?: unknown; config?: unknown };
  if (w.config !== undefined) return stateText(s as ClusterState);
  if (w.inner !== undefined) return `${keyOf(w.inner)}|${JSON.stringify(w.extra)}`;
  throw new Error('explore: cannot key this state (give the system a model state or an {inner, extra} wrapper)');
}

/** The fingerprint of a model state or of a wrapped one. */
function fingerprintOf(s: unknown): { hi: number; lo: number } {
  const w = s as { inner?: unknown; extra?: unknown; config?: unknown };
  if (w.config !== undefined) return fingerprintState(s as ClusterState);
  if (w.inner !== undefined) {
    const inner = fingerprintOf(w.inner);
    return fingerprintText(`${inner.hi}.${inner.lo}|${JSON.stringify(w.extra)}`);
  }
  throw new Error('explore: cannot key this state (give the system a model state or an {inner, extra} wrapper)');
}

/** The objects these operations apply. */
function appliedBy(ops: readonly Operation[]): unknown[] {
  return ops.flatMap((op) => (op.op === 'apply' ? [(op as { object?: unknown }).object] : []));
}

/** The pod manifests a scope can create: its explore manifests and the objects its operations apply. */
function manifestsOf(scope: Scope, alphabet: readonly Operation[]): unknown[] {
  return [...(scope.explore?.manifests ?? []), ...appliedBy([...alphabet, ...(scope.explore?.setup ?? [])])].filter((m, i, all) => all.indexOf(m) === i);
}

/**
 * In async timing the search takes each internal step, and `settle` too: the rules about a settled
 * cluster (Endpoints complete, proxies following them, replicas kept) are judged after a settle,
 * as in check and conform, so without it they would hold having judged nothing.
 */
function withSettle(ops: Operation[], timing: Timing): Operation[] {
  return timing === 'async' && !ops.some((op) => op.op === 'settle') ? [...ops, { op: 'settle' } as Operation] : ops;
}

/** The CEL sources of rules: what they spell out by name. */
function celSources(rules: readonly Invariant[]): string[] {
  return rules.flatMap((i) => [i.holds.source, ...(i.when ? [i.when.source] : [])]);
}

function hasTemplates(ops: readonly Operation[]): boolean {
  return ops.some((op) => JSON.stringify(op).includes('"$'));
}

export class Exploration<S = ClusterState> {
  readonly sys: System<S>;
  /** The scope's setup steps, run once and settled: the search starts after them. */
  readonly setup: Step[] = [];
  readonly initial: S;
  /** Every invariant the report lists, and those of them a state can judge (not a run's history). */
  readonly listed: readonly Invariant[];
  readonly judged: readonly Invariant[];
  readonly checker: InvariantChecker;
  /** With `symmetry`: the renamings the search reduces by (none: no reduction). */
  readonly symmetry?: Symmetry;
  readonly fingerprint: (s: S) => { readonly hi: number; readonly lo: number };
  readonly exactKey?: (s: S) => string;
  private readonly alphabet: readonly Operation[];
  private readonly templated: boolean;
  private readonly celOf = new WeakMap<object, unknown>();

  constructor(readonly options: ExplorationOptions<S>) {
    const o = options;
    this.sys = (o.system ?? modelSystem) as System<S>;
    const config = { ...o.scope.cluster, timing: o.timing };
    let initial = this.sys.init(config);
    for (const op of [...(o.scope.explore?.setup ?? []), ...(o.scope.explore?.setup?.length ? [{ op: 'settle' } as Operation] : [])]) {
      const out = this.sys.step(initial, op, canonicalChooser);
      this.setup.push({ op, result: out.result });
      initial = out.state;
    }
    this.initial = initial;
    this.alphabet = o.alphabet ?? withSettle(staticAlphabet(o.scope.explore ?? { depth: o.depth, timeLimitSeconds: 60 }), o.timing);
    this.templated = hasTemplates(this.alphabet);
    this.listed = [...o.invariants, ...(o.alsoCheck ?? []).filter((i) => !o.invariants.includes(i))];
    // A rule over a run's history has nothing to judge in a state: it stays unknown here.
    this.judged = this.listed.filter((i) => !readsHistory([...(i.when?.reads ?? []), ...i.holds.reads]));
    // Invariants declared for another timing are checked here as if they were declared for this one.
    const asDeclared = this.judged.map((i) => (i.timings.has(o.timing) ? i : { ...i, timings: new Set([...i.timings, o.timing]) }));
    const normalized = normalizeConfig(config);
    this.checker = new InvariantChecker(asDeclared, o.timing, normalized, EXPLORE_MEMO_LIMIT);
    this.symmetry = o.symmetry ? scopeSymmetry(manifestsOf(o.scope, this.alphabet), this.alphabet, normalized, celSources(this.listed), appliedBy(o.scope.explore?.setup ?? [])) : undefined;
    const reducing = (this.symmetry?.renamings.length ?? 0) > 0;
    if (reducing && o.system !== undefined) throw new Error('explore: symmetry reduction needs the reference model');
    this.fingerprint = reducing ? (symmetricFingerprint(this.symmetry!, normalized) as unknown as (s: S) => { hi: number; lo: number }) : fingerprintOf;
    if (o.exactKeys === true) this.exactKey = reducing ? (symmetricText(this.symmetry!, normalized) as unknown as (s: S) => string) : keyOf;
  }

  /** The state's observation as CEL values, converted once per state. */
  cel(s: S): unknown {
    let c = this.celOf.get(s as object);
    if (c === undefined) {
      c = observationForCel(this.sys.observe(s));
      this.celOf.set(s as object, c);
    }
    return c;
  }

  /** The operations tried in a state, in a fixed order: an action code names one by its index. */
  private opsIn(s: S): Operation[] {
    const steps = this.options.timing === 'async' ? (this.sys.internalSteps?.(s) ?? []) : [];
    // Templates name things by role ($clusterIP:ns/svc): resolved against this state.
    const concrete = this.templated ? this.alphabet.map((t) => new Resolver().resolve(t, this.sys.observe(s), () => steps)) : this.alphabet;
    return steps.length ? [...concrete, ...steps] : (concrete as Operation[]);
  }

  /** Every transition out of `s`, in a fixed order, each with the action code that replays it. */
  *successors(s: S): Generator<{ action: number; step: Step; state: S }> {
    const ops = this.opsIn(s);
    if (ops.length > OPS) throw new Error(`explore: more than ${OPS} operations in one state`);
    for (let i = 0; i < ops.length; i++) {
      for (const out of outcomes(this.sys, s, ops[i])) {
        // A refused request leaves the state as it was: a self-loop, still checked.
        yield { action: i + OPS * out.code, step: { op: ops[i], result: out.result }, state: out.state };
      }
    }
  }

  /** The successor `action` names, with the step that reached it. */
  stepBy(s: S, action: number): Step & { state: S } {
    const op = this.opsIn(s)[action % OPS];
    return { op, ...this.sys.step(s, op, picking(Math.floor(action / OPS))) };
  }

  /** A view of a search's parent links that re-materialises this exploration's states (another thread's search included). */
  frontierOver(links: FrontierLinks): Frontier<S> {
    return Frontier.over(links, this.initial, this.replay);
  }

  /** The state `action` reaches from `s` (what a frontier re-executes). */
  readonly replay = (s: S, action: number): S => this.stepBy(s, action).state;

  /** The steps of a path of action codes from the initial state: the same steps, the same results. */
  trace(actions: readonly number[]): Step[] {
    let s = this.initial;
    return actions.map((action) => {
      const out = this.stepBy(s, action);
      s = out.state;
      return { op: out.op, result: out.result };
    });
  }
}
