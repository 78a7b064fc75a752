/**
 * table.next vs xstate's pure transition(), per machine. Not run by npm test.
 *   npx tsx bench/machines.bench.ts
 * Each task steps one machine through a fixed pseudo-random event sequence (same for both).
 */
import { Bench } from 'tinybench';
import { initialTransition, transition, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import {
  endpointMembershipMachine,
  ingressAddressMachine,
  membershipEventKey,
  podEventKey,
  podLifecycleMachine,
  probeEventKey,
  readinessProbeMachine,
  serviceEventKey,
  serviceMachine,
  ingressEventKey,
  type MembershipEvent,
} from '../model/machines/index.ts';
import { machineTable, type MachineTable } from '../model/machines/table.ts';

let seed = 42;
const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
const seq = <E>(pick: () => E, n = 1024): E[] => Array.from({ length: n }, pick);

const bool = () => rand(2) === 1;
const cases: { name: string; machine: AnyStateMachine; input?: unknown; key: (e: never) => string; events: unknown[] }[] = [
  {
    name: 'readinessProbe',
    machine: readinessProbeMachine,
    input: { successThreshold: 2, failureThreshold: 3 },
    key: probeEventKey,
    events: seq(() => [{ type: 'PROBE', result: 'success' }, { type: 'PROBE', result: 'failure' }, { type: 'RESTART' }][rand(5) === 0 ? 2 : rand(2)]),
  },
  {
    name: 'endpointMembership',
    machine: endpointMembershipMachine,
    key: membershipEventKey,
    events: seq((): MembershipEvent => ({
      type: 'EVALUATE', selected: bool(), hasIP: bool(), terminal: bool(), terminating: bool(), podReady: bool(), publishNotReady: bool(),
    })),
  },
  {
    name: 'service',
    machine: serviceMachine,
    input: { cloud: true, serviceType: 'LoadBalancer' },
    key: serviceEventKey,
    // No DELETE: a final state would make the rest of the sequence trivial.
    events: seq(() => (rand(2) ? { type: 'CLOUD_SYNC' } : { type: 'SET_TYPE', serviceType: ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'][rand(4)] })),
  },
  {
    name: 'podLifecycle',
    machine: podLifecycleMachine,
    input: { restartPolicy: 'OnFailure' },
    key: podEventKey,
    events: seq(() => [{ type: 'STARTED' }, { type: 'CONTAINER_EXITED', code: rand(2) }, { type: 'ALL_TERMINATED', failed: bool() }][rand(3)]),
  },
  { name: 'ingressAddress', machine: ingressAddressMachine, key: ingressEventKey, events: seq(() => ({ type: 'SYNC', served: bool() })) },
];

const bench = new Bench({ name: 'machines', time: 500 });
const init = initialTransition as (m: AnyStateMachine, i?: unknown) => [AnyMachineSnapshot, unknown[]];
for (const c of cases) {
  let i = 0;
  let state = init(c.machine, c.input)[0];
  bench.add(`${c.name}: xstate transition()`, () => {
    state = transition(c.machine, state, c.events[i++ & 1023] as never)[0];
  });
  for (const [label, t] of [
    ['table.next (custom key)', machineTable(c.machine, c.key as never)],
    ['table.next (stable JSON key)', machineTable(c.machine)],
  ] as [string, MachineTable<unknown, unknown, unknown>][]) {
    let snap = t.initial(c.input);
    let j = 0;
    for (const e of c.events) snap = t.next(snap, e).snap; // warm the table: measure hits
    bench.add(`${c.name}: ${label}`, () => {
      snap = t.next(snap, c.events[j++ & 1023]).snap;
    });
  }
}

await bench.run();
console.table(
  bench.tasks.map((t) => {
    const r = t.result as { state?: string; throughput?: { mean: number } };
    return { task: t.name, 'ops/s': r.throughput ? Math.round(r.throughput.mean).toLocaleString('en-US') : r.state };
  }),
);
