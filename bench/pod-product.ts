/**
 * N independent pods, each Pending → Running → Terminating → Gone, as one XState product machine
 * (a parallel machine, one region per pod), and the searches of its state space the benches set
 * side by side: @xstate/graph's getShortestPaths, and svcspec's explorer (properties/explore/bfs.ts,
 * fingerprints, states re-executed from parent links) stepping either
 *   - the product machine through its derived transition table (model/machines/table.ts: each
 *     (state, event) computed once with xstate's transition(), as @xstate/graph computes it), or
 *   - each pod's region machine through its own table, the product formed by the search, as the
 *     model composes its machines (one snap per pod in the cluster state).
 * All three must find the same 4^N states; a search that finds another number throws.
 */
import { getShortestPaths } from '@xstate/graph';
import { type AnyStateMachine, createMachine } from 'xstate';
import { machineTable } from '../model/machines/table.ts';
import { bfs } from '../properties/explore/bfs.ts';
import { fingerprintText } from '../properties/explore/fingerprint.ts';

const POD_EVENTS = ['START', 'EXIT', 'DELETE', 'GRACE'] as const;

function podRegion(i: number) {
  return {
    initial: 'Pending',
    states: {
      Pending: { on: { [`START_${i}`]: 'Running', [`DELETE_${i}`]: 'Terminating' } },
      Running: { on: { [`EXIT_${i}`]: 'Running', [`DELETE_${i}`]: 'Terminating' } },
      Terminating: { on: { [`GRACE_${i}`]: 'Gone' } },
      Gone: {},
    },
  };
}

export interface PodProduct {
  readonly machine: AnyStateMachine;
  /** Each pod's region as a machine of its own (the same states and events). */
  readonly regions: readonly AnyStateMachine[];
  /** Every event, pod by pod: `${e}_${i}`. */
  readonly events: readonly { readonly type: string }[];
}

export function podProduct(n: number): PodProduct {
  const pods = Array.from({ length: n }, (_, i) => i);
  return {
    machine: createMachine({ type: 'parallel', states: Object.fromEntries(pods.map((i) => [`pod${i}`, podRegion(i)])) }),
    regions: pods.map((i) => createMachine(podRegion(i))),
    events: pods.flatMap((i) => POD_EVENTS.map((e) => ({ type: `${e}_${i}` }))),
  };
}

export interface Traversal {
  readonly states: number;
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
}

function timed(search: () => number): Traversal {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const states = search();
  const wallSeconds = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { states, wallSeconds, cpuSeconds: (c.user + c.system) / 1e6 };
}

/** @xstate/graph: one shortest path per reachable state. */
export function xstateGraphTraversal(p: PodProduct): Traversal {
  return timed(() => getShortestPaths(p.machine, { events: p.events as { type: string }[] }).length);
}

/** svcspec's explorer over the product machine's own transition table (a fresh table: nothing memoised before). */
export function exploreProductTable(p: PodProduct): Traversal {
  return timed(() => {
    const table = machineTable(p.machine);
    type Snap = ReturnType<typeof table.initial>;
    const next = (s: Snap, a: number) => table.next(s, p.events[a] as never).snap;
    const r = bfs<Snap, number>(
      {
        initial: table.initial(),
        fingerprint: (s) => fingerprintText(s.key),
        *successors(s) {
          for (let a = 0; a < p.events.length; a++) yield { action: a, label: a, state: next(s, a) };
        },
        replay: next,
      },
      { depth: 1000 },
    );
    return r.states;
  });
}

/** svcspec's explorer over the pods' region tables, the product state an array of snaps. */
export function exploreRegionTables(p: PodProduct): Traversal {
  return timed(() => {
    const tables = p.regions.map((m) => machineTable(m));
    type Snap = ReturnType<(typeof tables)[number]['initial']>;
    const next = (s: readonly Snap[], a: number): Snap[] => {
      const pod = Math.floor(a / POD_EVENTS.length);
      const out = s.slice();
      out[pod] = tables[pod].next(s[pod], p.events[a] as never).snap;
      return out;
    };
    const r = bfs<readonly Snap[], number>(
      {
        initial: tables.map((t) => t.initial()),
        fingerprint: (s) => fingerprintText(s.map((x) => x.id).join(',')),
        *successors(s) {
          for (let a = 0; a < p.events.length; a++) yield { action: a, label: a, state: next(s, a) };
        },
        replay: next,
      },
      { depth: 1000 },
    );
    return r.states;
  });
}

/** The three searches on the N-pod product, checked to agree on the number of states. */
export function podProductSearches(n: number): { xstateGraph: Traversal; productTable: Traversal; regionTables: Traversal } {
  const p = podProduct(n);
  const out = { xstateGraph: xstateGraphTraversal(p), productTable: exploreProductTable(p), regionTables: exploreRegionTables(p) };
  const counts = new Set(Object.values(out).map((t) => t.states));
  if (counts.size !== 1 || !counts.has(4 ** n)) throw new Error(`pod product (${n} pods): the searches found ${[...counts].join(' / ')} states, not ${4 ** n}`);
  return out;
}
