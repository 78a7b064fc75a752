// Several recordings of one cluster (one watch per kind, as `kubectl get --watch` records one
// resource type at a time, or a List snapshot and a watch) read as one stream, in recorded-time
// order. Each file keeps its own order; an event without a time keeps its file's last time, so it
// stays where its file put it. Ties go to the file named first. One file passes through as is.
import type { TraceEvent } from './event.ts';
import { timeOf } from './check.ts';

export async function* mergeByTime(streams: readonly AsyncIterator<TraceEvent>[]): AsyncGenerator<TraceEvent> {
  if (streams.length === 1) {
    for (let r = await streams[0]!.next(); !r.done; r = await streams[0]!.next()) yield r.value;
    return;
  }
  const heads: (TraceEvent | undefined)[] = [];
  const times: number[] = [];
  for (const s of streams) {
    const r = await s.next();
    heads.push(r.done ? undefined : r.value);
    times.push(-Infinity);
  }
  for (;;) {
    let best = -1, bestT = Infinity;
    for (let i = 0; i < heads.length; i++) {
      const h = heads[i];
      if (!h) continue;
      const t = timeOf(h) ?? times[i]!;
      if (best < 0 || t < bestT) { best = i; bestT = t; }
    }
    if (best < 0) return;
    const ev = heads[best]!;
    times[best] = Math.max(times[best]!, timeOf(ev) ?? -Infinity);
    const r = await streams[best]!.next();
    heads[best] = r.done ? undefined : r.value;
    yield ev;
  }
}
