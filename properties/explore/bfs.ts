/**
 * Breadth-first search over any transition system, with states deduplicated by a canonical key:
 * the first time a state is reached is by a shortest path, so the first violation found at the
 * smallest depth has the shortest trace (as TLC's BFS). Only the frontier's states are held;
 * every visited state keeps a parent link (index and label) so any trace can be rebuilt.
 */

export interface Transition<S, L> {
  readonly label: L;
  readonly state: S;
}

export interface BfsSystem<S, L> {
  readonly initial: S;
  successors(state: S): Iterable<Transition<S, L>>;
  key(state: S): string;
}

export interface BfsBounds {
  readonly depth: number;
  readonly maxStates?: number;
  /** Wall-clock budget; checked between states, never read by the model. */
  readonly deadlineMs?: number;
}

export interface BfsResult<L> {
  readonly states: number;
  readonly transitions: number;
  /** Trace length fully explored: every state reachable in at most this many steps was visited and checked. */
  readonly depthCompleted: number;
  /** Why the search ended: no new states (exhaustive), the depth bound, or the state or time bound. */
  readonly stoppedBy: 'exhausted' | 'depth' | 'states' | 'time' | 'visitor';
  readonly trace: (index: number) => L[];
}

/** Called on every transition; return 'stop' to end the search (e.g. all properties decided). */
export type Visitor<S, L> = (from: S, t: Transition<S, L>, fromIndex: number, toIndex: number, isNew: boolean, depth: number) => void | 'stop';

export function bfs<S, L>(sys: BfsSystem<S, L>, bounds: BfsBounds, visit?: Visitor<S, L>, onLevel?: (depth: number, states: number, frontier: number) => void): BfsResult<L> {
  const index = new Map<string, number>();
  const parent: number[] = [-1];
  const labels: (L | undefined)[] = [undefined];
  index.set(sys.key(sys.initial), 0);
  let frontier: { state: S; index: number }[] = [{ state: sys.initial, index: 0 }];
  let transitions = 0;
  let depthCompleted = 0;
  let stoppedBy: BfsResult<L>['stoppedBy'] = 'exhausted';
  const clock = () => (bounds.deadlineMs === undefined ? 0 : performance.now());
  outer: for (let depth = 0; frontier.length > 0; depth++) {
    if (depth >= bounds.depth) {
      stoppedBy = 'depth';
      break;
    }
    const next: { state: S; index: number }[] = [];
    for (const { state, index: from } of frontier) {
      if (bounds.deadlineMs !== undefined && clock() > bounds.deadlineMs) {
        stoppedBy = 'time';
        break outer;
      }
      for (const t of sys.successors(state)) {
        transitions++;
        const k = sys.key(t.state);
        let to = index.get(k);
        const isNew = to === undefined;
        if (to === undefined) {
          to = parent.length;
          index.set(k, to);
          parent.push(from);
          labels.push(t.label);
          next.push({ state: t.state, index: to });
        }
        if (visit?.(state, t, from, to, isNew, depth + 1) === 'stop') {
          stoppedBy = 'visitor';
          break outer;
        }
        if (bounds.maxStates !== undefined && parent.length >= bounds.maxStates) {
          stoppedBy = 'states';
          break outer;
        }
      }
    }
    depthCompleted = depth + 1;
    frontier = next;
    onLevel?.(depth + 1, parent.length, frontier.length);
  }
  const trace = (i: number): L[] => {
    const out: L[] = [];
    for (let j = i; j > 0; j = parent[j]) out.push(labels[j] as L);
    return out.reverse();
  };
  return { states: parent.length, transitions, depthCompleted, stoppedBy, trace };
}
