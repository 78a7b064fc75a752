/**
 * An Ingress's status address (docs/semantics.md A3.4): `<pending>` until a controller that serves
 * its class assigns one; an Ingress naming no existing class never gets an address.
 * SYNC carries whether some controller serves the Ingress now.
 */
import { setup } from 'xstate';

export type IngressEvent = { type: 'SYNC'; served: boolean } | { type: 'DELETE' };

export const ingressAddressMachine = setup({
  types: {} as { events: IngressEvent },
  guards: {
    served: ({ event }) => event.type === 'SYNC' && event.served,
    notServed: ({ event }) => event.type === 'SYNC' && !event.served,
  },
  actions: { assignAddress: () => {}, clearAddress: () => {} },
}).createMachine({
  id: 'ingressAddress',
  initial: 'pending',
  states: {
    pending: {
      on: { SYNC: { guard: 'served', target: 'addressed', actions: 'assignAddress' }, DELETE: 'deleted' },
    },
    addressed: {
      // status.loadBalancer.ingress is emptied whenever the address goes (controller gone, or delete).
      exit: 'clearAddress',
      on: { SYNC: { guard: 'notServed', target: 'pending' }, DELETE: 'deleted' },
    },
    deleted: { type: 'final' },
  },
});

export function ingressEventKey(e: IngressEvent): string {
  return e.type === 'SYNC' ? (e.served ? 'S1' : 'S0') : 'D';
}
