// `kubectl get pods,services,endpoints,endpointslices -A --watch --output-watch-events -o json`:
// {"type","object"} values, pretty-printed one after another or one per line. Lists in the same
// stream (an initial `kubectl get -o json` concatenated in front) become ADDED events.
import {
  EVENT_TYPES, Emitter, TRC, TraceError, isObj, watchTime,
  type EventType, type ReadOptions, type SourcePos, type TraceEvent, type TraceStats,
} from './event.ts';
import { parseAt } from './json-parse.ts';
import { units } from './json-splitter.ts';
import { ListItems } from './list.ts';

/** One parsed {"type","object"} value as a TraceEvent (undefined when its kind is skipped). */
export function watchEvent(o: unknown, pos: SourcePos, em: Emitter): TraceEvent | undefined {
  if (!isObj(o)) throw TraceError.at(pos, TRC.BAD_EVENT, 'watch event is not an object');
  const type = o.type, obj = o.object;
  if (type === undefined && 'kind' in o) {
    throw TraceError.at(pos, TRC.BARE_OBJECT,
      `${String(o.kind)} object without an event type: record with kubectl get --watch --output-watch-events -o json`);
  }
  if (typeof type !== 'string' || !EVENT_TYPES.has(type)) {
    throw TraceError.at(pos, TRC.BAD_EVENT, `unknown watch event type ${JSON.stringify(type ?? null)}`);
  }
  if (!isObj(obj)) throw TraceError.at(pos, TRC.BAD_EVENT, `${type} event has no object`);
  return em.event(type as EventType, obj, pos, watchTime(type as EventType, obj));
}

export async function* readWatch(chunks: AsyncIterable<string | Buffer> | string, file: string,
  opts: ReadOptions = {}): AsyncGenerator<TraceEvent, TraceStats> {
  const em = new Emitter(opts);
  const items = new ListItems(em, opts, (o, pos) => watchEvent(o, pos, em));
  for await (const batch of units(chunks, file)) {
    for (const u of batch) {
      if (u.k === 'value') { const ev = watchEvent(u.parsed ?? parseAt(u.text, u.pos), u.pos, em); if (ev) yield ev; }
      else if (u.k === 'item') { const ev = items.item(u); if (ev) yield ev; }
      else yield* items.end(u);
    }
  }
  return em.stats;
}
