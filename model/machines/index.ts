/**
 * Public surface of the model's XState machines. Machines are stepped purely: through
 * `machineTable` (memoized xstate `transition()`), with actions returned as data.
 */
export { podLifecycleMachine, podEventKey } from './podLifecycle.ts';
export type { PodContext, PodEvent, PodInput, RestartPolicy } from './podLifecycle.ts';
export { readinessProbeMachine, probeEventKey } from './readinessProbe.ts';
export type { ProbeContext, ProbeEvent, ProbeInput, ProbeResult } from './readinessProbe.ts';
export { serviceMachine, serviceEventKey } from './service.ts';
export type { ServiceContext, ServiceEvent, ServiceInput, ServiceType } from './service.ts';
export { endpointMembershipMachine, membershipEventKey } from './endpointMembership.ts';
export type { Membership, MembershipEvent, MembershipFacts } from './endpointMembership.ts';
export { ingressAddressMachine, ingressEventKey } from './ingressAddress.ts';
export type { IngressEvent } from './ingressAddress.ts';
export { machineTable, matches, stableJson, stateString } from './table.ts';
export type { MachineTable, Snap, Step, TableOf } from './table.ts';
export { toMermaid } from './mermaid.ts';

import { endpointMembershipMachine, membershipEventKey } from './endpointMembership.ts';
import { ingressAddressMachine, ingressEventKey } from './ingressAddress.ts';
import { podEventKey, podLifecycleMachine } from './podLifecycle.ts';
import { probeEventKey, readinessProbeMachine } from './readinessProbe.ts';
import { serviceEventKey, serviceMachine } from './service.ts';
import { machineTable, type TableOf } from './table.ts';

/** A fresh set of tables (each is a growing memo; share one set per process or per engine). */
export function createTables() {
  return {
    pod: machineTable(podLifecycleMachine, podEventKey),
    probe: machineTable(readinessProbeMachine, probeEventKey),
    service: machineTable(serviceMachine, serviceEventKey),
    membership: machineTable(endpointMembershipMachine, membershipEventKey),
    ingress: machineTable(ingressAddressMachine, ingressEventKey),
  };
}
export type Tables = ReturnType<typeof createTables>;
export type PodTable = TableOf<typeof podLifecycleMachine>;
export type ProbeTable = TableOf<typeof readinessProbeMachine>;
export type ServiceTable = TableOf<typeof serviceMachine>;
export type MembershipTable = TableOf<typeof endpointMembershipMachine>;
export type IngressTable = TableOf<typeof ingressAddressMachine>;

/** The process-wide tables. Deterministic memo caches: sharing them never changes a result. */
export const tables: Tables = createTables();
