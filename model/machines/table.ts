/**
 * A memoized transition table derived from an XState machine.
 *
 * Why: xstate's pure `transition()` builds an inert actor per call (~30k calls/s); the model
 * steps machines millions of times. The machines here have finite contexts, so every
 * (state, event) pair is computed once with xstate itself and then read back from a table.
 * The table never re-implements semantics: a miss is `machine.resolveState` + `transition()`
 * (xstate `packages/core/src/transition.ts`), and returned actions are kept as data (their
 * type strings), never executed.
 *
 * Snaps are interned: equal (value, context) give the same frozen object, so callers may
 * compare snaps with `===` and use `snap.id` as a dense array index. Values, contexts, inputs
 * and events must be plain JSON data (they are keyed by stable JSON and structuredClone'd).
 */
import {
  initialTransition,
  matchesState,
  transition,
  type AnyMachineSnapshot,
  type AnyStateMachine,
  type ContextFrom,
  type EventFromLogic,
  type InputFrom,
  type SnapshotFrom,
  type StateValue,
} from 'xstate';

export interface Snap<V, C> {
  /** Dense per-table index; equal (value, context) => equal id. */
  readonly id: number;
  readonly value: V;
  readonly context: C;
  /** Canonical key: stable JSON of value and context. */
  readonly key: string;
  /** True in a top-level final state (xstate status 'done'). */
  readonly done: boolean;
}

export interface Step<V, C> {
  readonly snap: Snap<V, C>;
  /** Action types in the order xstate returned them (exit, transition, entry). */
  readonly actions: readonly string[];
}

export interface MachineTable<V, C, E, I = unknown> {
  /** Initial snap for `input`, via `initialTransition`, memoized by input. */
  initial(input?: I): Snap<V, C>;
  /** Same, with the actions of the initial macrostep (entry actions, eventless transitions). */
  initialStep(input?: I): Step<V, C>;
  /** Memoized on (snap.id, event key); a hit allocates nothing but the event key. */
  next(snap: Snap<V, C>, event: E): Step<V, C>;
  /** Interns an arbitrary (value, context), e.g. one read back from JSON. */
  snapOf(value: V, context: C): Snap<V, C>;
  /** Counts, for benches and tests. */
  stats(): { snaps: number; edges: number; hits: number; misses: number };
  /** Every (state, event type, state) transition computed so far: what runs have visited (coverage). */
  visited(): readonly { readonly from: Snap<V, C>; readonly event: string; readonly to: Snap<V, C> }[];
  /**
   * Starts a mark: from here on touched() lists each transition taken (computed or memoized) once.
   * What one slice of a check's runs visited, whatever the table had memoized before it.
   */
  mark(): void;
  touched(): readonly { readonly from: Snap<V, C>; readonly event: string; readonly to: Snap<V, C> }[];
  readonly machine: AnyStateMachine;
}

/** The table type xstate's own types infer for machine `M`. */
export type TableOf<M extends AnyStateMachine> = MachineTable<
  SnapshotFrom<M>['value'],
  ContextFrom<M>,
  EventFromLogic<M>,
  InputFrom<M>
>;

/** JSON with object keys sorted, so equal data gives equal strings. */
export function stableJson(x: unknown): string {
  if (x === null || typeof x !== 'object') return JSON.stringify(x) ?? 'null';
  if (Array.isArray(x)) return '[' + x.map(stableJson).join(',') + ']';
  const o = x as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of Object.keys(o).sort()) {
    if (o[k] !== undefined) parts.push(JSON.stringify(k) + ':' + stableJson(o[k]));
  }
  return '{' + parts.join(',') + '}';
}

function deepFreeze<T>(x: T): T {
  if (x !== null && typeof x === 'object' && !Object.isFrozen(x)) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

export function machineTable<M extends AnyStateMachine>(
  machine: M,
  eventKey: (e: EventFromLogic<M>) => string = stableJson,
): TableOf<M> {
  type V = SnapshotFrom<M>['value'];
  type C = ContextFrom<M>;
  type S = Snap<V, C>;
  const byKey = new Map<string, S>();
  const snaps: S[] = [];
  // A row maps an event's key to its edge: the index of its step, its visited entry and its mark.
  const rows: Map<string, number>[] = [];
  const steps: Step<V, C>[] = [];
  const marked: number[] = [];
  let mark = 0;
  let touched: number[] = [];
  const initials = new Map<string, Step<V, C>>();
  let hits = 0;
  let misses = 0;
  let edges = 0;
  const visited: { from: S; event: string; to: S }[] = [];

  function intern(value: unknown, context: unknown, done: boolean): S {
    const key = stableJson(value) + '|' + stableJson(context);
    const found = byKey.get(key);
    if (found) return found;
    // Clone so the frozen copy is ours, not an object xstate may hand out again.
    const snap: S = Object.freeze({
      id: snaps.length,
      value: deepFreeze(structuredClone(value)) as V,
      context: deepFreeze(structuredClone(context)) as C,
      key,
      done,
    });
    byKey.set(key, snap);
    snaps.push(snap);
    rows.push(new Map());
    return snap;
  }

  function toStep(next: AnyMachineSnapshot, actions: readonly { type: string }[]): Step<V, C> {
    const snap = intern(next.value, next.context, next.status === 'done');
    return Object.freeze({ snap, actions: Object.freeze(actions.map((a) => a.type)) });
  }

  function initialStep(input?: InputFrom<M>): Step<V, C> {
    const k = input === undefined ? '' : stableJson(input);
    let step = initials.get(k);
    if (!step) {
      // Cast: initialTransition's rest-tuple signature cannot be satisfied for a generic M.
      const init = initialTransition as (m: AnyStateMachine, i?: unknown) => [AnyMachineSnapshot, { type: string }[]];
      const [s, actions] = init(machine, input);
      step = toStep(s, actions);
      initials.set(k, step);
    }
    return step;
  }

  return {
    machine,
    initialStep,
    initial: (input?: InputFrom<M>) => initialStep(input).snap,
    next(snap: S, event: EventFromLogic<M>): Step<V, C> {
      const row = rows[snap.id];
      if (snaps[snap.id] !== snap) throw new Error(`snap ${snap.key} does not belong to machine '${machine.id}'`);
      const k = eventKey(event);
      const hit = row.get(k);
      if (hit !== undefined) {
        hits++;
        if (marked[hit] !== mark) {
          marked[hit] = mark;
          touched.push(hit);
        }
        return steps[hit];
      }
      misses++;
      const state = machine.resolveState({ value: snap.value as StateValue, context: snap.context });
      const [next, actions] = transition(machine as AnyStateMachine, state, event);
      const step = toStep(next, actions);
      row.set(k, steps.length);
      marked.push(mark);
      touched.push(steps.length);
      steps.push(step);
      edges++;
      visited.push({ from: snap, event: (event as { type: string }).type, to: step.snap });
      return step;
    },
    snapOf(value: V, context: C): S {
      return intern(value, context, machine.resolveState({ value: value as StateValue, context }).status === 'done');
    },
    stats: () => ({ snaps: snaps.length, edges, hits, misses }),
    visited: () => visited,
    mark() {
      mark++;
      touched = [];
    },
    touched: () => touched.map((i) => visited[i]),
  } as TableOf<M>;
}

/** 'loadBalancer.pending'; parallel regions (none yet) are joined with ','. */
export function stateString(snap: { readonly value: unknown }): string {
  const walk = (v: unknown): string =>
    typeof v === 'string'
      ? v
      : Object.entries(v as Record<string, unknown>)
          .map(([k, sub]) => (sub && typeof sub === 'object' && Object.keys(sub).length === 0 ? k : `${k}.${walk(sub)}`))
          .join(',');
  return walk(snap.value);
}

/** xstate's own matching: 'loadBalancer' matches { loadBalancer: 'pending' }. */
export function matches(snap: { readonly value: unknown }, state: string): boolean {
  return matchesState(state, snap.value as StateValue);
}
