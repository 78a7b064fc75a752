/**
 * The kubelet's timer heap (a persistent leftist heap): timers fire in time order, ties in the
 * order they were scheduled, whatever the interleaving of schedules and pops; every version of
 * the heap stays valid after later operations.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_TIMERS, type Timer, type Timers, peek, pending, pop, schedule } from '../../../model/cluster/timers.ts';

const timer = (at: number, pod = 'default/p', container = 0): Omit<Timer, 'seq'> => ({ at, pod, container, gen: 'uid#0' });
const order = (a: Timer, b: Timer) => a.at - b.at || a.seq - b.seq;

function drainAll(t: Timers): Timer[] {
  const out: Timer[] = [];
  for (let h = t; peek(h); h = pop(h)) out.push(peek(h)!);
  return out;
}

type Op = { kind: 'schedule'; at: number } | { kind: 'pop' };
const ops = fc.array(fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 50 }).map((at): Op => ({ kind: 'schedule', at })), weight: 3 },
  fc.constant<Op>({ kind: 'pop' }),
), { maxLength: 150, size: 'max' });

describe('timers', () => {
  it('pops in time order, ties in scheduling order, under any interleaving (model: a sorted list)', () => {
    fc.assert(fc.property(ops, (script) => {
      let heap = NO_TIMERS;
      let model: Timer[] = [];
      const versions: [Timers, Timer[]][] = [];
      for (const o of script) {
        if (o.kind === 'schedule') {
          heap = schedule(heap, timer(o.at, `p${heap.seq}`));
          model = [...model, { ...timer(o.at, `p${heap.seq - 1}`), seq: heap.seq - 1 }].sort(order);
        } else {
          expect(peek(heap)).toEqual(model[0]);
          heap = pop(heap);
          model = model.slice(1);
        }
        expect(pending(heap)).toEqual(model);
        versions.push([heap, model]);
      }
      // Persistence: each earlier heap still drains to what it held then.
      for (const [h, m] of versions) expect(drainAll(h)).toEqual(m);
    }), { numRuns: 80 });
  });

  it('fires timers due at the same instant in the order they were scheduled', () => {
    let t = NO_TIMERS;
    for (const pod of ['c', 'a', 'b']) t = schedule(t, timer(10, pod));
    t = schedule(t, timer(5, 'early'));
    expect(drainAll(t).map((x) => x.pod)).toEqual(['early', 'c', 'a', 'b']);
  });

  it('lists pending timers without consuming them', () => {
    const t = [30, 10, 20].reduce((h, at) => schedule(h, timer(at)), NO_TIMERS);
    expect(pending(t).map((x) => x.at)).toEqual([10, 20, 30]);
    expect(peek(t)?.at).toBe(10);
  });

  it('leaves the heap it pops from untouched', () => {
    const t = schedule(schedule(NO_TIMERS, timer(2)), timer(1));
    const after = pop(t);
    expect(peek(t)?.at).toBe(1);
    expect(peek(after)?.at).toBe(2);
  });

  it('is empty at the start: nothing to peek, and pop changes nothing', () => {
    expect(peek(NO_TIMERS)).toBeUndefined();
    expect(pop(NO_TIMERS)).toBe(NO_TIMERS);
    expect(pending(NO_TIMERS)).toEqual([]);
  });
});
