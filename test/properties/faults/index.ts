/** Every fault of every area (see wrap.ts). */
import { apiFaults } from './api.faults.ts';
import { discoveryFaults } from './discovery.faults.ts';
import { edgeFaults } from './edge.faults.ts';
import { endpointsFaults } from './endpoints.faults.ts';
import { policiesFaults } from './policies.faults.ts';
import { proxyFaults } from './proxy.faults.ts';
import { readinessFaults } from './readiness.faults.ts';
import { replicationFaults } from './replication.faults.ts';
import { serviceApiFaults } from './service-api.faults.ts';
import { serviceFaults } from './service.faults.ts';
import { trafficFaults } from './traffic.faults.ts';
import type { Fault } from './wrap.ts';

export type { Fault } from './wrap.ts';

export const allFaults: readonly Fault[] = [
  ...serviceFaults,
  ...serviceApiFaults,
  ...endpointsFaults,
  ...trafficFaults,
  ...readinessFaults,
  ...proxyFaults,
  ...replicationFaults,
  ...apiFaults,
  ...discoveryFaults,
  ...edgeFaults,
  ...policiesFaults,
];
