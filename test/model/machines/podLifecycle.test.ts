import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { podEventKey, podLifecycleMachine, type PodEvent, type RestartPolicy } from '../../../model/machines/podLifecycle.ts';
import { machineTable, stateString } from '../../../model/machines/table.ts';
import { expectAgreement } from './agree.ts';

const table = machineTable(podLifecycleMachine, podEventKey);
const run = (restartPolicy: RestartPolicy | undefined, events: PodEvent[]) => {
  let snap = table.initial(restartPolicy ? { restartPolicy } : undefined);
  let actions: readonly string[] = [];
  for (const e of events) ({ snap, actions } = table.next(snap, e));
  return { state: stateString(snap), actions, done: snap.done };
};
const exit = (code: number): PodEvent => ({ type: 'CONTAINER_EXITED', code });

describe('podLifecycle', () => {
  it('starts Pending with restartPolicy Always by default', () => {
    const snap = table.initial();
    expect(snap.value).toBe('Pending');
    expect(snap.context).toEqual({ restartPolicy: 'Always' });
  });

  it('restarts every exit under Always, staying Running', () => {
    expect(run('Always', [{ type: 'STARTED' }, exit(0)])).toEqual({ state: 'Running', actions: ['restartContainer'], done: false });
    expect(run('Always', [{ type: 'STARTED' }, exit(1)]).actions).toEqual(['restartContainer']);
  });

  it('restarts only non-zero exits under OnFailure', () => {
    expect(run('OnFailure', [{ type: 'STARTED' }, exit(0)]).actions).toEqual(['containerTerminated']);
    expect(run('OnFailure', [{ type: 'STARTED' }, exit(137)]).actions).toEqual(['restartContainer']);
  });

  it('never restarts under Never', () => {
    expect(run('Never', [{ type: 'STARTED' }, exit(1)])).toEqual({ state: 'Running', actions: ['containerTerminated'], done: false });
  });

  it('lets the cluster pick the terminal phase with ALL_TERMINATED', () => {
    expect(run('Never', [{ type: 'STARTED' }, { type: 'ALL_TERMINATED', failed: true }]).state).toBe('Failed');
    expect(run('Never', [{ type: 'STARTED' }, { type: 'ALL_TERMINATED', failed: false }]).state).toBe('Succeeded');
    // Not before the pod ran.
    expect(run('Never', [{ type: 'ALL_TERMINATED', failed: true }]).state).toBe('Pending');
  });

  it.each([
    ['Pending', []],
    ['Running', [{ type: 'STARTED' }]],
    ['Succeeded', [{ type: 'STARTED' }, { type: 'ALL_TERMINATED', failed: false }]],
    ['Failed', [{ type: 'STARTED' }, { type: 'ALL_TERMINATED', failed: true }]],
  ] as [string, PodEvent[]][])('starts the grace period when deleted from %s', (_from, before) => {
    expect(run('Always', [...before, { type: 'DELETE' }])).toEqual({ state: 'Terminating', actions: ['startGracePeriod'], done: false });
  });

  it('does not restart containers that exit during termination, even under Always', () => {
    const r = run('Always', [{ type: 'STARTED' }, { type: 'DELETE' }, exit(1)]);
    expect(r).toEqual({ state: 'Terminating', actions: ['containerTerminated'], done: false });
  });

  it('is Gone (final) after the grace period, and ignores everything then', () => {
    const gone = run('Always', [{ type: 'DELETE' }, { type: 'GRACE_EXPIRED' }]);
    expect(gone).toEqual({ state: 'Gone', actions: [], done: true });
    expect(run('Always', [{ type: 'DELETE' }, { type: 'GRACE_EXPIRED' }, { type: 'DELETE' }, { type: 'STARTED' }])).toEqual(gone);
  });

  it('ignores a second DELETE while Terminating (no second grace period)', () => {
    expect(run('Always', [{ type: 'DELETE' }, { type: 'DELETE' }]).actions).toEqual([]);
  });

  it('agrees with xstate transition() on random event sequences', () => {
    const event: fc.Arbitrary<PodEvent> = fc.oneof(
      fc.constant({ type: 'STARTED' as const }),
      fc.integer({ min: 0, max: 3 }).map((code) => ({ type: 'CONTAINER_EXITED' as const, code })),
      fc.boolean().map((failed) => ({ type: 'ALL_TERMINATED' as const, failed })),
      fc.constant({ type: 'DELETE' as const }),
      fc.constant({ type: 'GRACE_EXPIRED' as const }),
    );
    const input = fc.option(fc.constantFrom<RestartPolicy>('Always', 'OnFailure', 'Never').map((restartPolicy) => ({ restartPolicy })), { nil: undefined });
    fc.assert(fc.property(input, fc.array(event, { maxLength: 30 }), (i, es) => expectAgreement(podLifecycleMachine, table, i, es)));
  });
});
