/**
 * Breadth-first search over any transition system, TLC-style: the visited set holds 64-bit
 * fingerprints only (fingerprint-set.ts) and the frontier holds no states (frontier.ts: a parent
 * number and an action code per state, states re-executed when expanded). The first time a state
 * is reached is by a shortest path, so the first violation found at the smallest depth has the
 * shortest trace (as TLC's BFS); the parent links rebuild it.
 *
 * This is the search over any system, one state at a time, with a visitor (the benches, the
 * agreement with @xstate/graph); the explorer's own search (level-search.ts) keeps the same
 * visited set and frontier but cuts each level in ranges that other threads may expand.
 */
import type { FingerprintSet } from './fingerprint-set.ts';
import { Frontier } from './frontier.ts';
import { Visited } from './visited.ts';

export interface Transition<S, L> {
  /** A code `replay` re-executes to reach `state` again from the same source state. */
  readonly action: number;
  readonly label: L;
  readonly state: S;
}

export interface BfsSystem<S, L> {
  readonly initial: S;
  successors(state: S): Iterable<Transition<S, L>>;
  /** The successor `action` names: the same state `successors` gave with that code. */
  replay(state: S, action: number): S;
  /** Writes the state's 64-bit fingerprint (two unsigned 32-bit halves). */
  fingerprint(state: S): { readonly hi: number; readonly lo: number };
  /** When given, states are told apart by this exact text instead (no collisions, far more memory). */
  exactKey?(state: S): string;
}

export interface BfsBounds {
  readonly depth: number;
  readonly maxStates?: number;
  /** Wall-clock budget; checked between states, never read by the model. */
  readonly deadlineMs?: number;
}

export interface BfsResult {
  readonly states: number;
  readonly transitions: number;
  /** Trace length fully explored: every state reachable in at most this many steps was visited and checked. */
  readonly depthCompleted: number;
  /** Why the search ended: no new states (exhaustive), the depth bound, or the state or time bound. */
  readonly stoppedBy: 'exhausted' | 'depth' | 'states' | 'time' | 'visitor';
  /** The actions from the initial state to the state numbered `index`. */
  readonly path: (index: number) => number[];
  /** Bytes the search held for its states: visited set plus frontier and parent links. */
  readonly bytes: number;
  /** Steps re-executed to re-materialise frontier states. */
  readonly replayed: number;
  /** The fingerprint set, for collision estimates (absent with exact keys). */
  readonly fingerprints?: FingerprintSet;
}

/** Called on every transition (`toIndex` is -1 for a state seen before); return 'stop' to end the search (e.g. all properties decided). */
export type Visitor<S, L> = (from: S, t: Transition<S, L>, fromIndex: number, toIndex: number, isNew: boolean, depth: number) => void | 'stop';

export function bfs<S, L>(sys: BfsSystem<S, L>, bounds: BfsBounds, visit?: Visitor<S, L>, onLevel?: (depth: number, states: number, frontier: number) => void): BfsResult {
  const visited = new Visited(sys.exactKey !== undefined);
  const add = (s: S): boolean => {
    if (sys.exactKey) return visited.add(0, 0, sys.exactKey(s));
    const f = sys.fingerprint(s);
    return visited.add(f.hi, f.lo);
  };
  add(sys.initial);
  const tree = new Frontier<S>(sys.initial, (s, a) => sys.replay(s, a));
  // The frontier is the range [levelStart, levelEnd) of state numbers.
  let levelStart = 0;
  let levelEnd = 1;
  let transitions = 0;
  let depthCompleted = 0;
  let stoppedBy: BfsResult['stoppedBy'] = 'exhausted';
  const clock = () => (bounds.deadlineMs === undefined ? 0 : performance.now());
  outer: for (let depth = 0; levelEnd > levelStart; depth++) {
    if (depth >= bounds.depth) {
      stoppedBy = 'depth';
      break;
    }
    for (let from = levelStart; from < levelEnd; from++) {
      if (bounds.deadlineMs !== undefined && clock() > bounds.deadlineMs) {
        stoppedBy = 'time';
        break outer;
      }
      const state = tree.state(from, depth);
      for (const t of sys.successors(state)) {
        transitions++;
        const isNew = add(t.state);
        // A state seen before keeps its first (shortest) path; its number is not needed again.
        const to = isNew ? tree.add(from, t.action) : -1;
        if (visit?.(state, t, from, to, isNew, depth + 1) === 'stop') {
          stoppedBy = 'visitor';
          break outer;
        }
        if (bounds.maxStates !== undefined && tree.size >= bounds.maxStates) {
          stoppedBy = 'states';
          break outer;
        }
      }
    }
    depthCompleted = depth + 1;
    levelStart = levelEnd;
    levelEnd = tree.size;
    onLevel?.(depth + 1, tree.size, levelEnd - levelStart);
  }
  return {
    states: tree.size,
    transitions,
    depthCompleted,
    stoppedBy,
    path: (i) => tree.path(i),
    bytes: visited.bytes + tree.bytes,
    replayed: tree.replayed,
    fingerprints: visited.fingerprints,
  };
}
