/**
 * Which states and transitions of each XState machine the runs visited: the machines' own
 * definitions (machine.root) against what their transition tables computed in this process.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { stateString, tables } from '../../model/index.ts';

export interface MachineCoverage {
  readonly machine: string;
  readonly states: { readonly all: readonly string[]; readonly visited: readonly string[] };
  readonly transitions: { readonly all: readonly string[]; readonly visited: readonly string[] };
  /** Transitions the machine defines that no cluster can take, each with the reason. */
  readonly unreachable: readonly { readonly transition: string; readonly reason: string }[];
}

/**
 * Transitions a machine defines (its guards are evaluated the same way from every state) that no
 * run can take, with the reason. Everything else must be visited by the default `check`.
 */
export const UNREACHABLE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  endpointMembership: {
    'terminatingServing --EVALUATE--> notReady':
      "terminatingServing needs deletionTimestamp set and notReady needs it unset, and a pod's deletionTimestamp is never cleared once set (apimachinery: it may only be set, or moved earlier, by a delete)",
  },
};

/** Leaf states as dotted paths, and `from --EVENT--> to` for each defined transition. */
function defined(machine: AnyStateMachine): { states: string[]; transitions: string[] } {
  const states: string[] = [];
  const transitions: string[] = [];
  const path = (n: AnyStateNode) => n.path.join('.');
  const leaves = (n: AnyStateNode): AnyStateNode[] => {
    const kids = Object.values(n.states) as AnyStateNode[];
    if (kids.length === 0) return [n];
    return kids.flatMap(leaves);
  };
  // Entering a compound state enters its initial child, down to a leaf: the only leaf a transition can reach.
  const entered = (n: AnyStateNode): AnyStateNode => {
    const initial = n.initial?.target?.[0] as AnyStateNode | undefined;
    return initial ? entered(initial) : n;
  };
  const walk = (n: AnyStateNode) => {
    const kids = Object.values(n.states) as AnyStateNode[];
    if (kids.length === 0 && n.path.length > 0) states.push(path(n));
    for (const k of kids) walk(k);
    if (n.path.length === 0) return;
    for (const [event, list] of n.transitions.entries()) {
      for (const t of list) {
        const targets = (t.target ?? [n]) as AnyStateNode[];
        for (const from of leaves(n)) for (const to of targets.map(entered)) transitions.push(`${path(from)} --${event}--> ${path(to)}`);
      }
    }
  };
  walk(machine.root);
  // A transient state (eventless only) is never a resting state: it cannot be visited.
  const resting = states.filter((s) => !(machine.root.states[s] as AnyStateNode | undefined)?.always?.length);
  return { states: resting, transitions: [...new Set(transitions)].filter((t) => resting.some((s) => t.startsWith(`${s} `))) };
}

/** What runs visited, per machine: leaf states and `from --EVENT--> to` transitions, sorted (plain data: it crosses threads and shard files). */
export type Visited = Readonly<Record<string, { readonly states: readonly string[]; readonly transitions: readonly string[] }>>;

type Edge = { readonly from: { readonly value: unknown }; readonly event: string; readonly to: { readonly value: unknown } };

function visitedOf(edgesOf: (table: (typeof tables)[keyof typeof tables]) => readonly Edge[]): Visited {
  const out: Record<string, { states: string[]; transitions: string[] }> = {};
  for (const table of Object.values(tables)) {
    const states = new Set<string>();
    const transitions = new Set<string>();
    for (const e of edgesOf(table)) {
      states.add(stateString(e.from));
      states.add(stateString(e.to));
      transitions.add(`${stateString(e.from)} --${e.event}--> ${stateString(e.to)}`);
    }
    out[table.machine.id] = { states: [...states].sort(), transitions: [...transitions].sort() };
  }
  return out;
}

/** Everything the tables of this thread computed so far. */
export const visitedNow = (): Visited => visitedOf((t) => t.visited());

/** Starts counting what the next runs visit on their own (a slice of a check: its coverage travels with it). */
export function markVisits(): void {
  for (const table of Object.values(tables)) table.mark();
}

/** What the runs since markVisits() visited, memoized before or not. */
export const visitsSinceMark = (): Visited => visitedOf((t) => t.touched());

export function unionVisited(parts: readonly Visited[]): Visited {
  const out: Record<string, { states: string[]; transitions: string[] }> = {};
  for (const table of Object.values(tables)) {
    const id = table.machine.id;
    out[id] = {
      states: [...new Set(parts.flatMap((p) => p[id]?.states ?? []))].sort(),
      transitions: [...new Set(parts.flatMap((p) => p[id]?.transitions ?? []))].sort(),
    };
  }
  return out;
}

export function coverageOf(visited: Visited): MachineCoverage[] {
  return Object.values(tables).map((table) => {
    const def = defined(table.machine);
    const states = new Set(visited[table.machine.id]?.states ?? []);
    const transitions = new Set(visited[table.machine.id]?.transitions ?? []);
    const unreachable = Object.entries(UNREACHABLE[table.machine.id] ?? {}).map(([transition, reason]) => ({ transition, reason }));
    return {
      machine: table.machine.id,
      states: { all: def.states, visited: def.states.filter((s) => states.has(s)) },
      transitions: { all: def.transitions, visited: def.transitions.filter((t) => transitions.has(t)) },
      unreachable,
    };
  });
}

/** The coverage of every run this thread made. */
export const machineCoverage = (): MachineCoverage[] => coverageOf(visitedNow());

/** The parts of a `from --EVENT--> to` transition. */
export function transitionParts(t: string): { from: string; event: string; to: string } {
  const m = /^(.*) --(.*)--> (.*)$/.exec(t)!;
  return { from: m[1], event: m[2], to: m[3] };
}

/** Defined transitions neither visited nor declared unreachable: what the runs missed. */
export function missedTransitions(c: MachineCoverage): string[] {
  return c.transitions.all.filter((t) => !c.transitions.visited.includes(t) && !c.unreachable.some((u) => u.transition === t));
}
