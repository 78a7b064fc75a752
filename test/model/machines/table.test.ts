import { describe, expect, it } from 'vitest';
import { createTables, podLifecycleMachine, readinessProbeMachine } from '../../../model/machines/index.ts';
import { machineTable, matches, stableJson, stateString } from '../../../model/machines/table.ts';

describe('machineTable', () => {
  it('interns snaps: the same state reached by different paths is the same object', () => {
    const t = machineTable(podLifecycleMachine);
    const running = t.next(t.initial(), { type: 'STARTED' }).snap;
    const afterRestart = t.next(running, { type: 'CONTAINER_EXITED', code: 1 }).snap;
    expect(afterRestart).toBe(running);
    const viaDelete = t.next(t.next(running, { type: 'DELETE' }).snap, { type: 'CONTAINER_EXITED', code: 0 }).snap;
    expect(viaDelete).toBe(t.next(t.initial(), { type: 'DELETE' }).snap);
    expect(t.initial()).toBe(t.initial());
  });

  it('returns the memoized step object on a hit (no recomputation)', () => {
    const t = machineTable(podLifecycleMachine);
    const a = t.next(t.initial(), { type: 'STARTED' });
    const before = t.stats();
    // Key order of the event does not matter for the default stable-JSON key.
    const exited = t.next(a.snap, { code: 0, type: 'CONTAINER_EXITED' } as never);
    expect(t.next(a.snap, { type: 'CONTAINER_EXITED', code: 0 })).toBe(exited);
    expect(t.next(t.initial(), { type: 'STARTED' })).toBe(a);
    expect(t.stats()).toEqual({ snaps: before.snaps, edges: before.edges + 1, hits: before.hits + 2, misses: before.misses + 1 });
  });

  it('mark() starts a list of the transitions taken since, memoized before or not, each once', () => {
    const t = machineTable(podLifecycleMachine);
    const started = t.next(t.initial(), { type: 'STARTED' }).snap;
    t.next(started, { type: 'DELETE' });
    t.mark();
    expect(t.touched()).toEqual([]);
    t.next(t.initial(), { type: 'STARTED' });
    t.next(t.initial(), { type: 'STARTED' });
    const exited = t.next(started, { type: 'CONTAINER_EXITED', code: 0 }).snap;
    expect(t.touched().map((e) => [stateString(e.from), e.event, stateString(e.to)])).toEqual([
      [stateString(t.initial()), 'STARTED', stateString(started)],
      [stateString(started), 'CONTAINER_EXITED', stateString(exited)],
    ]);
    // visited() still lists every transition ever computed.
    expect(t.visited()).toHaveLength(3);
  });

  it('freezes snaps, their values and contexts, and the action lists', () => {
    const t = machineTable(readinessProbeMachine);
    const step = t.next(t.initial({ successThreshold: 1 }), { type: 'PROBE', result: 'success' });
    expect(Object.isFrozen(step)).toBe(true);
    expect(Object.isFrozen(step.snap)).toBe(true);
    expect(Object.isFrozen(step.snap.context)).toBe(true);
    expect(Object.isFrozen(step.actions)).toBe(true);
    expect(step.actions).toEqual(['markReady']);
  });

  it('memoizes initial snaps by input, whatever the key order', () => {
    const t = machineTable(readinessProbeMachine);
    const a = t.initial({ successThreshold: 2, failureThreshold: 5 });
    expect(t.initial({ failureThreshold: 5, successThreshold: 2 })).toBe(a);
    expect(t.initial({ successThreshold: 3, failureThreshold: 5 })).not.toBe(a);
    expect(a.key).toBe('"notReady"|{"failureThreshold":5,"lastResult":"none","run":0,"successThreshold":2}');
  });

  it('interns a (value, context) read back from JSON to the live snap', () => {
    const { service } = createTables();
    const live = service.next(service.initial({ serviceType: 'LoadBalancer', cloud: true }), { type: 'CLOUD_SYNC' }).snap;
    const copy = JSON.parse(JSON.stringify({ value: live.value, context: live.context }));
    expect(service.snapOf(copy.value, copy.context)).toBe(live);
    expect(service.snapOf('deleted', { cloud: true }).done).toBe(true);
  });

  it('rejects a snap from another table (ids are per table)', () => {
    const a = machineTable(podLifecycleMachine);
    const b = machineTable(podLifecycleMachine);
    const foreign = b.next(b.initial(), { type: 'DELETE' }).snap;
    a.initial();
    expect(() => a.next(foreign, { type: 'GRACE_EXPIRED' })).toThrow(/does not belong/);
  });
});

describe('helpers', () => {
  it('stableJson sorts keys and drops undefined', () => {
    expect(stableJson({ b: 1, a: { d: [1, { z: 0, y: 1 }], c: undefined } })).toBe('{"a":{"d":[1,{"y":1,"z":0}]},"b":1}');
  });

  it('stateString and matches read nested values', () => {
    const snap = { value: { loadBalancer: 'pending' } };
    expect(stateString(snap)).toBe('loadBalancer.pending');
    expect(stateString({ value: 'ready' })).toBe('ready');
    expect(matches(snap, 'loadBalancer')).toBe(true);
    expect(matches({ value: 'ready' }, 'notReady')).toBe(false);
  });
});
