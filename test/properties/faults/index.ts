/** Every fault of every area (see wrap.ts). */
import { endpointsFaults } from './endpoints.faults.ts';
import { serviceFaults } from './service.faults.ts';
import type { Fault } from './wrap.ts';

export type { Fault } from './wrap.ts';

export const allFaults: readonly Fault[] = [...serviceFaults, ...endpointsFaults];
