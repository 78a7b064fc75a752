/**
 * The explorer's breadth-first search, level by level (TLC's, with fingerprints and parent links:
 * visited.ts, frontier.ts). A level is a range of state numbers; it is cut into ranges that any
 * thread may expand (expand-range.ts), and this thread merges their results strictly in range
 * order: a transition's successor is new or not, gets its number, and decides an invariant in
 * the same order as one thread taking the states one by one. So the states, their numbers, the
 * first violation of each invariant (at the smallest depth: the shortest trace), the counts and
 * where a bound stops the search are the same however many threads expanded the ranges.
 */
import type { Violation } from '../engine/checker.ts';
import type { BfsResult } from './bfs.ts';
import { type RangeResult, type RangeTask, expandRange } from './expand-range.ts';
import type { Exploration } from './exploration.ts';
import { Frontier } from './frontier.ts';
import { Visited } from './visited.ts';

export interface SearchBounds {
  readonly depth: number;
  readonly maxStates?: number;
  /** Wall-clock budget; checked between ranges, never read by the model. */
  readonly deadlineMs?: number;
}

export type StoppedBy = BfsResult['stoppedBy'];

/** States in one range for one thread: the time bound is checked between ranges. */
const RANGE = 256;
/**
 * States in one range at most for several threads. Ranges are large: a thread's consecutive states
 * are siblings and cousins that share parents and the model's memoised views of them, and each
 * range a thread takes elsewhere costs it re-executed paths and views built again.
 */
const MAX_RANGE = 4096;

export class LevelSearch<S> {
  readonly tree: Frontier<S>;
  private readonly visited: Visited;
  /** The first violation of each invariant, in merge order: the state it was reached from and how. */
  readonly found = new Map<string, { readonly from: number; readonly violation: Violation }>();
  /** Per judged invariant: transitions on which its precondition held (until its first violation). */
  readonly exercised: number[];
  transitions = 0;
  replayed = 0;
  depthCompleted = 0;
  stoppedBy: StoppedBy = 'exhausted';
  /** The current level: state numbers [levelStart, levelEnd) at `depth`. */
  private depth = 0;
  private levelStart = 0;
  private levelEnd = 1;
  /** The first state of the level not yet handed out. */
  private cursor = 0;
  private stopped = false;

  constructor(
    private readonly x: Exploration<S>,
    private readonly bounds: SearchBounds,
    shared: boolean,
  ) {
    this.visited = new Visited(x.exactKey !== undefined);
    const f = x.fingerprint(x.initial);
    this.visited.add(f.hi, f.lo, x.exactKey?.(x.initial));
    this.tree = new Frontier<S>(x.initial, x.replay, shared);
    this.exercised = x.judged.map(() => 0);
  }

  /** Starts the next level; false when the search is over (no new states, a bound, a stop). */
  startLevel(): boolean {
    if (this.stopped || this.levelEnd <= this.levelStart) return false;
    if (this.depth >= this.bounds.depth) {
      this.stop('depth');
      return false;
    }
    this.cursor = this.levelStart;
    return true;
  }

  /**
   * The next range of the level to expand, with the invariants already decided; none when the
   * level is all handed out. For several threads the size follows what is left (guided
   * scheduling): half of what is left per thread, so large ranges first, then smaller ones, and
   * no thread waits long at the end of a level for another to finish a large range.
   */
  nextRange(lanes: number): RangeTask | undefined {
    const left = this.levelEnd - this.cursor;
    if (left <= 0) return undefined;
    const size = lanes <= 1 ? RANGE : Math.max(1, Math.min(MAX_RANGE, Math.ceil(left / (lanes * 2))));
    const start = this.cursor;
    this.cursor = Math.min(start + size, this.levelEnd);
    return { start, end: this.cursor, depth: this.depth, decided: [...this.found.keys()] };
  }

  /** True when the time budget is spent (checked before each range). */
  timeUp(): boolean {
    if (this.bounds.deadlineMs === undefined || performance.now() <= this.bounds.deadlineMs) return false;
    this.stop('time');
    return true;
  }

  /** Merges a range's result (ranges strictly in order); false once the search has stopped. */
  absorb(task: RangeTask, r: RangeResult): boolean {
    if (this.stopped) return false;
    const decidedBefore = new Set(this.found.keys());
    const judged = this.x.judged.length;
    let v = 0;
    for (let k = 0; k < r.count; k++) {
      const e = k * 4;
      this.transitions++;
      // A state seen before keeps its first (shortest) path.
      if (this.visited.add(r.edges[e + 2], r.edges[e + 3], r.keys?.[k])) this.tree.add(r.edges[e], r.edges[e + 1]);
      // Every invariant decided: nothing left to learn from more states.
      if (judged > 0 && this.found.size === judged) return this.finishRange(r, decidedBefore, 'visitor');
      for (; v < r.violations.length && r.violations[v].at === k; v++) {
        const { from, violation } = r.violations[v];
        if (!this.found.has(violation.invariant.id)) this.found.set(violation.invariant.id, { from, violation });
      }
      if (this.bounds.maxStates !== undefined && this.tree.size >= this.bounds.maxStates) {
        // Cut short: what the range counted after this transition is not the plain search's; count again up to it.
        const counted = k + 1 < r.count ? expandRange(this.x, this.x.frontierOver(this.tree.links), { ...task, limit: k + 1 }) : r;
        return this.finishRange({ ...r, exercised: counted.exercised }, decidedBefore, 'states');
      }
    }
    this.finishRange(r, decidedBefore);
    if (task.end === this.levelEnd) this.endLevel();
    return true;
  }

  private finishRange(r: RangeResult, decidedBefore: ReadonlySet<string>, stop?: StoppedBy): boolean {
    this.replayed += r.replayed;
    // An invariant violated in an earlier range is no longer judged by the plain search.
    this.x.judged.forEach((inv, i) => {
      if (!decidedBefore.has(inv.id)) this.exercised[i] += r.exercised[i];
    });
    if (stop) this.stop(stop);
    return stop === undefined;
  }

  private endLevel(): void {
    // Nothing more to hand out until startLevel (which applies the depth bound).
    this.cursor = Infinity;
    this.depth++;
    this.depthCompleted = this.depth;
    this.levelStart = this.levelEnd;
    this.levelEnd = this.tree.size;
  }

  private stop(by: StoppedBy): void {
    this.stopped = true;
    this.stoppedBy = by;
  }

  /** Progress after a level: depth completed, states, frontier. */
  get progress(): { depth: number; states: number; frontier: number } {
    return { depth: this.depthCompleted, states: this.tree.size, frontier: this.levelEnd - this.levelStart };
  }

  get states(): number {
    return this.tree.size;
  }

  /** Bytes the search holds for its states: visited set plus parent links. */
  get bytes(): number {
    return this.visited.bytes + this.tree.bytes;
  }

  get fingerprints() {
    return this.visited.fingerprints;
  }
}
