/**
 * The kubelet's schedule (probe runs, ends of grace periods) as a persistent leftist heap:
 * `advance` pops only what falls due, so a quiet second costs O(log n) however many pods run.
 * Entries are never removed early; a stale one (its container restarted, its pod gone) is
 * recognised by its generation and skipped when it fires.
 */

export interface Timer {
  readonly at: number;
  /** Insertion order: ties at the same instant fire in the order they were scheduled. */
  readonly seq: number;
  readonly pod: string;
  /** Container index for a readiness probe run, -1 for the end of the grace period. */
  readonly container: number;
  /** The container's restart count (or pod uid for grace) when scheduled. */
  readonly gen: string;
}

interface HeapNode {
  readonly timer: Timer;
  readonly rank: number;
  readonly left: HeapNode | null;
  readonly right: HeapNode | null;
}

export type Timers = { readonly root: HeapNode | null; readonly seq: number };

export const NO_TIMERS: Timers = Object.freeze({ root: null, seq: 0 });

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

function rank(n: HeapNode | null): number {
  return n ? n.rank : 0;
}

function merge(a: HeapNode | null, b: HeapNode | null): HeapNode | null {
  if (!a) return b;
  if (!b) return a;
  if (before(b.timer, a.timer)) [a, b] = [b, a];
  const right = merge(a.right, b);
  const left = a.left;
  return rank(left) >= rank(right)
    ? { timer: a.timer, left, right, rank: rank(right) + 1 }
    : { timer: a.timer, left: right, right: left, rank: rank(left) + 1 };
}

export function schedule(t: Timers, timer: Omit<Timer, 'seq'>): Timers {
  const node: HeapNode = { timer: { ...timer, seq: t.seq }, rank: 1, left: null, right: null };
  return { root: merge(t.root, node), seq: t.seq + 1 };
}

export function peek(t: Timers): Timer | undefined {
  return t.root?.timer;
}

export function pop(t: Timers): Timers {
  return t.root ? { root: merge(t.root.left, t.root.right), seq: t.seq } : t;
}

/** All pending timers in firing order (for canonical state keys and debugging). */
export function pending(t: Timers): Timer[] {
  const out: Timer[] = [];
  const walk = (n: HeapNode | null) => {
    if (!n) return;
    out.push(n.timer);
    walk(n.left);
    walk(n.right);
  };
  walk(t.root);
  return out.sort((a, b) => (before(a, b) ? -1 : 1));
}
