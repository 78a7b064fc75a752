/**
 * The explorer's breadth-first search agrees with @xstate/graph: on single XState machines, for
 * the same events, both find the same reachable states and the same shortest path length to each.
 */
import { getShortestPaths } from '@xstate/graph';
import type { AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { endpointMembershipMachine, machineTable, podLifecycleMachine, readinessProbeMachine, serviceMachine, stableJson } from '../../model/machines/index.ts';
import { bfs } from '../../properties/explore/bfs.ts';
import { fingerprintText } from '../../properties/explore/fingerprint.ts';

const key = (value: unknown, context: unknown) => `${stableJson(value)}|${stableJson(context)}`;

function ours(machine: AnyStateMachine, events: readonly { type: string }[], input?: unknown): Map<string, number> {
  const table = machineTable(machine);
  const depthOf = new Map<string, number>();
  type Snap = ReturnType<typeof table.initial>;
  const r = bfs<Snap, string>(
    {
      initial: table.initial(input as never),
      fingerprint: (s) => fingerprintText(s.key),
      *successors(s) {
        for (let i = 0; i < events.length; i++) yield { action: i, label: events[i].type, state: table.next(s, events[i] as never).snap };
      },
      replay: (s, i) => table.next(s, events[i] as never).snap,
    },
    { depth: 100 },
    (_from, t, _fi, _ti, isNew, depth) => {
      if (isNew) depthOf.set(key(t.state.value, t.state.context), depth);
    },
  );
  depthOf.set(key(table.initial(input as never).value, table.initial(input as never).context), 0);
  expect(r.stoppedBy).toBe('exhausted');
  return depthOf;
}

function theirs(machine: AnyStateMachine, events: readonly { type: string }[], input?: unknown): Map<string, number> {
  const paths = getShortestPaths(machine, { events: events as never, input: input as never });
  return new Map(paths.map((p) => [key(p.state.value, p.state.context), p.steps.length - 1]));
}

const cases: [string, AnyStateMachine, { type: string }[], unknown][] = [
  ['readiness probe (thresholds 3/3)', readinessProbeMachine, [{ type: 'PROBE', result: 'success' }, { type: 'PROBE', result: 'failure' }, { type: 'RESTART' }] as never, { successThreshold: 3, failureThreshold: 3 }],
  ['pod lifecycle (OnFailure)', podLifecycleMachine, [{ type: 'STARTED' }, { type: 'CONTAINER_EXITED', code: 0 }, { type: 'CONTAINER_EXITED', code: 1 }, { type: 'ALL_TERMINATED', failed: false }, { type: 'ALL_TERMINATED', failed: true }, { type: 'DELETE' }, { type: 'GRACE_EXPIRED' }] as never, { restartPolicy: 'OnFailure' }],
  ['service with a cloud', serviceMachine, [{ type: 'SET_TYPE', serviceType: 'ClusterIP' }, { type: 'SET_TYPE', serviceType: 'NodePort' }, { type: 'SET_TYPE', serviceType: 'LoadBalancer' }, { type: 'SET_TYPE', serviceType: 'ExternalName' }, { type: 'CLOUD_SYNC' }, { type: 'CLOUD_SYNC', classed: true }, { type: 'DELETE' }] as never, { cloud: true }],
  ['endpoint membership', endpointMembershipMachine, [
    { type: 'EVALUATE', selected: true, hasIP: true, terminal: false, terminating: false, podReady: true, publishNotReady: false },
    { type: 'EVALUATE', selected: true, hasIP: true, terminal: false, terminating: false, podReady: false, publishNotReady: false },
    { type: 'EVALUATE', selected: true, hasIP: true, terminal: false, terminating: true, podReady: true, publishNotReady: false },
    { type: 'EVALUATE', selected: false, hasIP: true, terminal: false, terminating: false, podReady: true, publishNotReady: false },
  ] as never, undefined],
];

describe('explore agrees with @xstate/graph on single machines', () => {
  for (const [name, machine, events, input] of cases) {
    it(`finds the same states at the same shortest depth: ${name}`, () => {
      const a = ours(machine, events, input);
      const b = theirs(machine, events, input);
      expect([...a.entries()].sort()).toEqual([...b.entries()].sort());
      expect(a.size).toBeGreaterThan(1);
    });
  }
});
