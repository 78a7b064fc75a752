import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { probeEventKey, readinessProbeMachine, type ProbeEvent, type ProbeInput } from '../../../model/machines/readinessProbe.ts';
import { machineTable } from '../../../model/machines/table.ts';
import { expectAgreement } from './agree.ts';

const table = machineTable(readinessProbeMachine, probeEventKey);
const S: ProbeEvent = { type: 'PROBE', result: 'success' };
const F: ProbeEvent = { type: 'PROBE', result: 'failure' };
const R: ProbeEvent = { type: 'RESTART' };

/** The readiness (state value) after each event, and all actions emitted. */
function trace(input: ProbeInput, events: ProbeEvent[]) {
  let snap = table.initial(input);
  const states: string[] = [];
  const actions: string[] = [];
  for (const e of events) {
    const step = table.next(snap, e);
    snap = step.snap;
    states.push(snap.value as string);
    actions.push(...step.actions);
  }
  return { states, actions, snap };
}

describe('readinessProbe', () => {
  it('is not ready before the first success (initial result Failure), with default thresholds S1/F3', () => {
    const snap = table.initial();
    expect(snap.value).toBe('notReady');
    expect(snap.context).toEqual({ successThreshold: 1, failureThreshold: 3, lastResult: 'none', run: 0 });
    expect(trace({}, [F, F, F, F]).states).toEqual(['notReady', 'notReady', 'notReady', 'notReady']);
  });

  // KK worker_test.go TestFailureThreshold (S1/F3).
  it('stays ready through failureThreshold-1 failures and flips on the last one', () => {
    const t = trace({ successThreshold: 1, failureThreshold: 3 }, [S, S, S, F, F, F]);
    expect(t.states).toEqual(['ready', 'ready', 'ready', 'ready', 'ready', 'notReady']);
    expect(t.actions).toEqual(['markReady', 'markNotReady']);
  });

  it('restarts the failure run after an intervening success', () => {
    expect(trace({ failureThreshold: 3 }, [S, F, F, S, F, F]).states.at(-1)).toBe('ready');
  });

  // KK worker_test.go TestSuccessThreshold (S3/F1).
  it('needs successThreshold consecutive successes, and one failure with F1 un-readies', () => {
    const t = trace({ successThreshold: 3, failureThreshold: 1 }, [S, S, S, F]);
    expect(t.states).toEqual(['notReady', 'notReady', 'ready', 'notReady']);
  });

  it('resets readiness on RESTART (new container) but keeps the consecutive-run counter (upstream quirk)', () => {
    const t = trace({ successThreshold: 3, failureThreshold: 1 }, [S, S, S, R]);
    expect(t.states.at(-1)).toBe('notReady');
    expect(t.snap.context).toMatchObject({ lastResult: 'success', run: 3 });
    // One success after the restart suffices, though successThreshold is 3.
    expect(table.next(t.snap, S).snap.value).toBe('ready');
  });

  it('caps the run at max(thresholds) so the set of contexts stays finite', () => {
    expect(trace({ successThreshold: 2, failureThreshold: 4 }, Array(10).fill(F)).snap.context.run).toBe(4);
    expect(trace({ successThreshold: 2, failureThreshold: 4 }, Array(10).fill(S)).snap.context.run).toBe(4);
  });

  // Why: the explorer enumerates snaps; an uncapped counter would make this loop forever.
  it('has a small finite set of reachable snaps (breadth-first over all events)', () => {
    const t = machineTable(readinessProbeMachine, probeEventKey);
    const seen = new Set([t.initial({ successThreshold: 3, failureThreshold: 3 })]);
    for (const snap of seen) for (const e of [S, F, R]) seen.add(t.next(snap, e).snap);
    // 2 readiness values x (none | success 1..3 | failure 1..3) at most.
    expect(seen.size).toBeLessThanOrEqual(14);
    expect(t.stats().snaps).toBe(seen.size);
  });

  const event = fc.constantFrom(S, F, R);
  const input = fc.record({ successThreshold: fc.integer({ min: 1, max: 4 }), failureThreshold: fc.integer({ min: 1, max: 4 }) });

  it('never emits a restart: readiness only marks ready / not ready', () => {
    fc.assert(
      fc.property(input, fc.array(event, { maxLength: 30 }), (i, es) => {
        for (const a of trace(i, es).actions) expect(['markReady', 'markNotReady']).toContain(a);
      }),
    );
  });

  it('agrees with xstate transition() on random event sequences', () => {
    fc.assert(fc.property(fc.option(input, { nil: undefined }), fc.array(event, { maxLength: 30 }), (i, es) => expectAgreement(readinessProbeMachine, table, i, es)));
  });
});
