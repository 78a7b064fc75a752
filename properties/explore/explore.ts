/**
 * `explore`: exhaustive breadth-first search of a scope's state space, over the same model and the
 * same invariants as `check`. Every operation of the scope's alphabet, every enabled internal step
 * in async timing, and every endpoint a connection may reach are successors. Allocations take the
 * lowest free value (the canonical chooser), so paths that build the same cluster meet.
 * Per invariant: ok within the bound, violation with its shortest trace, or unknown.
 */
import type { Chooser, ClusterState, Operation, Result } from '../../model/index.ts';
import { canonicalChooser, normalizeConfig } from '../../model/index.ts';
import { InvariantChecker, type Violation, observationForCel } from '../engine/checker.ts';
import { readsHistory } from '../engine/history.ts';
import { Resolver } from '../engine/resolve.ts';
import { type System, everyPick, modelSystem } from '../engine/system.ts';
import type { Invariant, Scope, Timing } from '../spec/types.ts';
import { staticAlphabet } from './alphabet.ts';
import { bfs } from './bfs.ts';
import { optimisticCollisionProbability } from './fingerprint-set.ts';
import { fingerprintState, fingerprintText } from './fingerprint.ts';
import { stateText } from './state-key.ts';
import { closedGroups, interchangeablePods, symmetricFingerprint, symmetricText } from './symmetry.ts';

export interface ExploreOptions<S = ClusterState> {
  readonly scope: Scope;
  /** The system explored (default: the reference model); faulty systems in the engines' agreement tests. */
  readonly system?: System<S>;
  /** Operations to explore instead of the scope's alphabet; `$` references are resolved in each state. */
  readonly alphabet?: readonly Operation[];
  readonly timing: Timing;
  readonly depth: number;
  readonly maxStates?: number;
  readonly timeLimitSeconds?: number;
  readonly invariants: readonly Invariant[];
  /** Check these even though they are not declared for this timing (to show where they break). */
  readonly alsoCheck?: readonly Invariant[];
  readonly exactKeys?: boolean;
  /** Symmetry reduction: pods with the same manifest but for their names are interchangeable (symmetry.ts). */
  readonly symmetry?: boolean;
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
  /** How many steps at the start of `trace` are the scope's setup (not found by the search). */
  readonly setupSteps?: number;
  readonly violation?: Violation;
  /** Why an `unknown` is not decided by any bound: the rule judges a run's history, which a state lacks. */
  readonly reason?: string;
  /** Transitions on which its precondition held: an `ok` of 0 judged nothing in this scope. */
  readonly exercised?: number;
}

export const HISTORY_REASON = "reads the run's history (many answers, elapsed time): checked by check and conform, not on states";

export interface ExploreReport {
  readonly scope: string;
  readonly timing: Timing;
  readonly states: number;
  readonly transitions: number;
  readonly depthCompleted: number;
  readonly stoppedBy: string;
  readonly seconds: number;
  readonly statesPerSecond: number;
  /** Bytes held per distinct state by the visited set, the frontier and the parent links (not the model's caches). */
  readonly bytesPerState?: number;
  /** Steps re-executed to re-materialise frontier states and traces (states are not kept). */
  readonly replayedSteps?: number;
  /**
   * Probability that two distinct states shared a fingerprint (so one was never explored), as TLC
   * reports it: optimistic n(n-1)/2 / 2^64, and from the actual fingerprints (1 / smallest gap).
   * Absent with exact keys.
   */
  readonly collision?: { readonly optimistic: number; readonly actual: number };
  /** With `symmetry`: the groups of interchangeable pods the search reduced by (empty: none found). */
  readonly symmetry?: readonly (readonly string[])[];
  readonly verdicts: readonly InvariantVerdict[];
}

/** Verdicts memoised per invariant: enough for the siblings and cousins of a level that share inputs. */
const EXPLORE_MEMO_LIMIT = 4096;

/** Operations per action code: an action is `op index + OPS * outcome code`. */
const OPS = 4096;

/** The canonical chooser, except that endpoint picks follow `code`, one mixed-radix digit per pick. */
function picking(code: number, counts?: number[]): Chooser {
  return {
    pick(kind, keys, ctx) {
      if (kind !== 'endpoint') return canonicalChooser.pick(kind, keys, ctx);
      counts?.push(keys.length);
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

/** The pod manifests a scope can create: its explore manifests and the objects its operations apply. */
function manifestsOf(scope: Scope, alphabet: readonly Operation[]): unknown[] {
  const applied = [...alphabet, ...(scope.explore?.setup ?? [])].flatMap((op) => (op.op === 'apply' ? [(op as { object?: unknown }).object] : []));
  return [...(scope.explore?.manifests ?? []), ...applied].filter((m, i, all) => all.indexOf(m) === i);
}

/**
 * In async timing the search takes each internal step, and `settle` too: the rules about a settled
 * cluster (Endpoints complete, proxies following them, replicas kept) are judged after a settle,
 * as in check and conform, so without it they would hold having judged nothing.
 */
function withSettle(ops: Operation[], timing: Timing): Operation[] {
  return timing === 'async' && !ops.some((op) => op.op === 'settle') ? [...ops, { op: 'settle' } as Operation] : ops;
}

function hasTemplates(ops: readonly Operation[]): boolean {
  return ops.some((op) => JSON.stringify(op).includes('"$'));
}

export function explore<S = ClusterState>(o: ExploreOptions<S>): ExploreReport {
  const sys = (o.system ?? modelSystem) as System<S>;
  const config = { ...o.scope.cluster, timing: o.timing };
  // The scope's setup runs once and settles: the search starts from that cluster.
  const setup: Step[] = [];
  let initial = sys.init(config);
  for (const op of [...(o.scope.explore?.setup ?? []), ...(o.scope.explore?.setup?.length ? [{ op: 'settle' } as Operation] : [])]) {
    const out = sys.step(initial, op, canonicalChooser);
    setup.push({ op, result: out.result });
    initial = out.state;
  }
  const alphabet = o.alphabet ?? withSettle(staticAlphabet(o.scope.explore ?? { depth: o.depth, timeLimitSeconds: 60 }), o.timing);
  const templated = hasTemplates(alphabet);
  const internal = (s: S): Operation[] => (o.timing === 'async' ? (sys.internalSteps?.(s) ?? []) : []);
  const listed = [...o.invariants, ...(o.alsoCheck ?? []).filter((i) => !o.invariants.includes(i))];
  // A rule over a run's history has nothing to judge in a state: it stays unknown here.
  const all = listed.filter((i) => !readsHistory([...(i.when?.reads ?? []), ...i.holds.reads]));
  // Invariants declared for another timing are checked here as if they were declared for this one.
  const checker = new InvariantChecker(all.map((i) => (i.timings.has(o.timing) ? i : { ...i, timings: new Set([...i.timings, o.timing]) })), o.timing, normalizeConfig(config), EXPLORE_MEMO_LIMIT);
  const celOf = new WeakMap<object, unknown>();
  const cel = (s: S) => {
    let c = celOf.get(s as object);
    if (c === undefined) {
      c = observationForCel(sys.observe(s));
      celOf.set(s as object, c);
    }
    return c;
  };
  // The operations tried in a state, in a fixed order: an action code names one by its index.
  const opsIn = (s: S): Operation[] => {
    const steps = internal(s);
    // Templates name things by role ($clusterIP:ns/svc): resolved against this state.
    const concrete = templated ? alphabet.map((t) => new Resolver().resolve(t, sys.observe(s), () => steps)) : alphabet;
    return steps.length ? [...concrete, ...steps] : (concrete as Operation[]);
  };
  const stepBy = (s: S, action: number) => {
    const op = opsIn(s)[action % OPS];
    return { op, ...sys.step(s, op, picking(Math.floor(action / OPS))) };
  };
  const groups = o.symmetry ? closedGroups(interchangeablePods(manifestsOf(o.scope, alphabet)), alphabet) : [];
  if (groups.length > 0 && o.system !== undefined) throw new Error('explore: symmetry reduction needs the reference model');
  const fingerprint = groups.length > 0 ? (symmetricFingerprint(groups) as unknown as (s: S) => { hi: number; lo: number }) : fingerprintOf;
  const found = new Map<string, { from: number; step: Step; violation: Violation }>();
  const t0 = performance.now();
  const result = bfs<S, Step>(
    {
      initial,
      fingerprint,
      exactKey: o.exactKeys !== true ? undefined : groups.length > 0 ? (symmetricText(groups) as unknown as (s: S) => string) : keyOf,
      *successors(s) {
        const ops = opsIn(s);
        if (ops.length > OPS) throw new Error(`explore: more than ${OPS} operations in one state`);
        for (let i = 0; i < ops.length; i++) {
          for (const out of outcomes(sys, s, ops[i])) {
            // A refused request leaves the state as it was: a self-loop, still checked below.
            yield { action: i + OPS * out.code, label: { op: ops[i], result: out.result }, state: out.state };
          }
        }
      },
      replay: (s, action) => stepBy(s, action).state,
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
  // The path to a state, re-executed from the initial state: the same steps, the same results.
  const trace = (index: number): Step[] => {
    let s = initial;
    return result.path(index).map((action) => {
      const out = stepBy(s, action);
      s = out.state;
      return { op: out.op, result: out.result };
    });
  };
  const complete = result.stoppedBy === 'exhausted' || result.stoppedBy === 'depth';
  const verdicts = listed.map((invariant): InvariantVerdict => {
    if (!all.includes(invariant)) return { invariant, verdict: 'unknown', reason: HISTORY_REASON };
    const f = found.get(invariant.id);
    const exercised = checker.stats.get(invariant.id)!.held;
    if (f) return { invariant, verdict: 'violation', trace: [...setup, ...trace(f.from), f.step], setupSteps: setup.length, violation: f.violation, exercised };
    return { invariant, verdict: complete ? 'ok' : 'unknown', exercised };
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
    bytesPerState: result.bytes / result.states,
    replayedSteps: result.replayed,
    ...(result.fingerprints
      ? { collision: { optimistic: optimisticCollisionProbability(result.states), actual: result.fingerprints.actualCollisionEstimate() } }
      : {}),
    ...(o.symmetry ? { symmetry: groups } : {}),
    verdicts,
  };
}
