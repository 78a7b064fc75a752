// kubectl `get -o json` Lists (kind "List", items with kinds), API server Lists ("PodList", items
// without kind) and bare arrays of objects (sonobuoy snapshots) — each item becomes an ADDED event.
import {
  Emitter, TRC, TraceError, isObj, itemKindOf, watchTime,
  type ReadOptions, type SourcePos, type TraceEvent, type TraceStats,
} from './event.ts';
import { units, type ListCtx, type Unit } from './json-splitter.ts';
import { parseAt } from './json-parse.ts';

type Obj = Record<string, unknown>;

/** Items of the Lists in a stream; shared with the watch reader, which accepts Lists too. */
export class ListItems {
  private cur: ListCtx | undefined;
  private head: Obj = {};
  // Items without kind wait for the List's kind when it is printed after them (kubectl sorts keys).
  private pending: { obj: Obj; pos: SourcePos }[] = [];

  constructor(private em: Emitter, private opts: ReadOptions,
    private asEvent?: (o: Obj, pos: SourcePos) => TraceEvent | undefined) {}

  item(u: Extract<Unit, { k: 'item' }>): TraceEvent | undefined {
    if (u.list !== this.cur) this.begin(u.list);
    const obj = parseAt(u.text, u.pos);
    if (!isObj(obj)) throw TraceError.at(u.pos, TRC.BAD_ITEM, 'List item is not an object');
    if (this.asEvent && 'type' in obj && 'object' in obj) return this.asEvent(obj, u.pos); // an array of watch events
    if (obj.kind === undefined) {
      const k = itemKindOf(this.head.kind) ?? this.opts.kind;
      if (k === undefined || this.pending.length > 0) { this.pending.push({ obj, pos: u.pos }); return undefined; }
      this.fill(obj, k, this.head);
    } else if (this.pending.length > 0) {
      this.pending.push({ obj, pos: u.pos }); // keep the order of the items
      return undefined;
    }
    return this.added(obj, u.pos);
  }

  /** End of a List: emits the items that waited for its kind. */
  end(u: Extract<Unit, { k: 'listEnd' }>): TraceEvent[] {
    if (u.list !== this.cur) this.begin(u.list);
    const shell = parseAt(u.text, u.pos);
    const list = isObj(shell) ? shell : {};
    const k = itemKindOf(list.kind) ?? this.opts.kind;
    const out: TraceEvent[] = [];
    for (const { obj, pos } of this.pending) {
      if (obj.kind === undefined) {
        if (k === undefined) {
          throw TraceError.at(pos, TRC.NO_KIND, `List item has no kind and the List (kind ${JSON.stringify(list.kind ?? null)}`
            + ` at ${u.pos.line}:${u.pos.column}) does not tell it; pass the kind option`);
        }
        this.fill(obj, k, list);
      }
      const ev = this.added(obj, pos);
      if (ev) out.push(ev);
    }
    this.pending = [];
    this.cur = undefined;
    return out;
  }

  private begin(l: ListCtx): void {
    this.cur = l;
    this.head = {};
    if (l.headText !== undefined) {
      try { const h: unknown = JSON.parse(l.headText + ']}'); if (isObj(h)) this.head = h; } catch { /* invalid head: end() reports it */ }
    }
  }

  private fill(obj: Obj, kind: string, list: Obj): void {
    obj.kind = kind;
    if (obj.apiVersion === undefined && typeof list.apiVersion === 'string') obj.apiVersion = list.apiVersion;
  }

  private added(obj: Obj, pos: SourcePos): TraceEvent | undefined {
    return this.em.event('ADDED', obj, pos, watchTime('ADDED', obj));
  }
}

/** A List, a bare array, or a single object, as ADDED events (the initial state of a trace). */
export async function* readList(chunks: AsyncIterable<string | Buffer> | string, file: string,
  opts: ReadOptions = {}): AsyncGenerator<TraceEvent, TraceStats> {
  const em = new Emitter(opts);
  const items = new ListItems(em, opts);
  for await (const batch of units(chunks, file)) {
    for (const u of batch) {
      if (u.k === 'item') { const ev = items.item(u); if (ev) yield ev; }
      else if (u.k === 'listEnd') yield* items.end(u);
      else {
        const o = u.parsed ?? parseAt(u.text, u.pos);
        if (isObj(o) && 'type' in o && 'object' in o) {
          throw TraceError.at(u.pos, TRC.BAD_ITEM, 'this is a watch event, not a List: read it as a watch stream');
        }
        if (!isObj(o)) throw TraceError.at(u.pos, TRC.BAD_ITEM, 'expected a List or an object');
        const ev = em.event('ADDED', o, u.pos, watchTime('ADDED', o));
        if (ev) yield ev;
      }
    }
  }
  return em.stats;
}
