/**
 * The search tree, compactly: states are numbered in the order breadth-first search finds them,
 * and each keeps only its parent's number and the action that reached it from there (two
 * Uint32Arrays, 8 bytes a state). No state is held. Since numbers follow BFS order, a level is a
 * range of numbers, and so is the frontier: the next level is whatever was added while the
 * current one was expanded.
 *
 * A frontier state is re-materialised by re-executing its path from the initial state (the model
 * is pure: the same steps give the same state). Consecutive states of a level are siblings or
 * cousins, so the states along the path last used are kept (one per level, at most `depth`) and
 * only the part of the path that differs is re-executed: about one step per state expanded.
 * The same parent links rebuild any trace.
 *
 * With `--workers` the links live in SharedArrayBuffers: worker threads re-materialise states of
 * the level they expand through a view of the same links (`Frontier.over`). A level's links are
 * written before it is expanded and never change after, and a grown array is a new buffer (the
 * old one keeps every link it had), so readers need no locks.
 */

/** The parent and action arrays, as another thread receives them. */
export interface FrontierLinks {
  readonly parents: Uint32Array;
  readonly actions: Uint32Array;
}

function allocate(length: number, shared: boolean): Uint32Array {
  return new Uint32Array(shared ? new SharedArrayBuffer(length * 4) : new ArrayBuffer(length * 4));
}

export class Frontier<S> {
  private parents: Uint32Array;
  private actions: Uint32Array;
  private count = 1;
  /** The states along the last materialised path: pathStates[d] is the state numbered pathIds[d] at depth d. */
  private readonly pathIds: number[];
  private readonly pathStates: S[];
  /** Steps re-executed to re-materialise states (reported: the price of not keeping them). */
  replayed = 0;

  constructor(
    initial: S,
    private readonly replay: (state: S, action: number) => S,
    private readonly shared = false,
  ) {
    this.parents = allocate(1 << 8, shared);
    this.actions = allocate(1 << 8, shared);
    this.pathIds = [0];
    this.pathStates = [initial];
  }

  /** A view of another thread's links, to re-materialise the states they number (it adds none). */
  static over<S>(links: FrontierLinks, initial: S, replay: (state: S, action: number) => S): Frontier<S> {
    const f = new Frontier(initial, replay);
    f.look(links);
    return f;
  }

  /** The links as they are now (shared buffers when constructed `shared`). */
  get links(): FrontierLinks {
    return { parents: this.parents, actions: this.actions };
  }

  /** Reads these links from now on (a view whose owner grew its arrays); the path last used stays valid. */
  look(links: FrontierLinks): void {
    this.parents = links.parents;
    this.actions = links.actions;
  }

  /** States numbered so far (the initial state is 0). */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the parent and action arrays. */
  get bytes(): number {
    return this.parents.byteLength + this.actions.byteLength;
  }

  /** Numbers a new state reached from `parent` by `action`; returns its number. */
  add(parent: number, action: number): number {
    if (this.count === this.parents.length) {
      const grow = (a: Uint32Array) => {
        const b = allocate(a.length * 2, this.shared);
        b.set(a);
        return b;
      };
      this.parents = grow(this.parents);
      this.actions = grow(this.actions);
    }
    this.parents[this.count] = parent;
    this.actions[this.count] = action >>> 0;
    return this.count++;
  }

  /** The state numbered `id`, at `depth`, re-executed from the nearest state on the last path. */
  state(id: number, depth: number): S {
    const path: number[] = [];
    let d = depth;
    for (let x = id; this.pathIds[d] !== x; x = this.parents[x], d--) path.push(x);
    let s = this.pathStates[d];
    for (let i = path.length - 1; i >= 0; i--) {
      const x = path[i];
      s = this.replay(s, this.actions[x]);
      this.replayed++;
      d++;
      this.pathIds[d] = x;
      this.pathStates[d] = s;
    }
    // Deeper entries belong to another branch now: drop them so they are not mistaken for ancestors.
    this.pathIds.length = depth + 1;
    this.pathStates.length = depth + 1;
    return s;
  }

  /** The actions from the initial state to `id`, in order. */
  path(id: number): number[] {
    const out: number[] = [];
    for (let x = id; x > 0; x = this.parents[x]) out.push(this.actions[x]);
    return out.reverse();
  }
}
