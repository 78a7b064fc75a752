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

export function machineCoverage(): MachineCoverage[] {
  return Object.values(tables).map((table) => {
    const def = defined(table.machine);
    const visitedStates = new Set<string>();
    const visitedTransitions = new Set<string>();
    for (const e of table.visited()) {
      visitedStates.add(stateString(e.from));
      visitedStates.add(stateString(e.to));
      visitedTransitions.add(`${stateString(e.from)} --${e.event}--> ${stateString(e.to)}`);
    }
    const unreachable = Object.entries(UNREACHABLE[table.machine.id] ?? {}).map(([transition, reason]) => ({ transition, reason }));
    return {
      machine: table.machine.id,
      states: { all: def.states, visited: def.states.filter((s) => visitedStates.has(s)) },
      transitions: { all: def.transitions, visited: def.transitions.filter((t) => visitedTransitions.has(t)) },
      unreachable,
    };
  });
}

/** Defined transitions neither visited nor declared unreachable: what the runs missed. */
export function missedTransitions(c: MachineCoverage): string[] {
  return c.transitions.all.filter((t) => !c.transitions.visited.includes(t) && !c.unreachable.some((u) => u.transition === t));
}
