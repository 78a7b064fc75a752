/**
 * A pod's membership in one Service's Endpoints (docs/semantics.md B1.2, B1.3, B1.8, B6).
 * The endpoints controller re-evaluates the pod from scratch on every sync, so one EVALUATE
 * event with the facts it reads drives the same guarded transitions from every state: the
 * result depends on the facts only, never on the previous membership.
 *
 * terminatingServing models the EndpointSlice endpoint with serving=true, terminating=true:
 * gone from v1 Endpoints (deletionTimestamp set, no publishNotReadyAddresses) but usable by
 * kube-proxy when the Service has no ready endpoint (ProxyTerminatingEndpoints).
 */
import { setup } from 'xstate';

export interface MembershipFacts {
  /** Same namespace and the Service's selector matches the pod's labels. */
  readonly selected: boolean;
  /** status.podIP (of the Service's IP family) is set. */
  readonly hasIP: boolean;
  /** Phase Succeeded or Failed. */
  readonly terminal: boolean;
  /** metadata.deletionTimestamp is set. */
  readonly terminating: boolean;
  /** The pod's Ready condition is True. */
  readonly podReady: boolean;
  /** service.spec.publishNotReadyAddresses. */
  readonly publishNotReady: boolean;
}
export type MembershipEvent = { type: 'EVALUATE' } & MembershipFacts;

/** Order matters: first match wins, exactly the order of ShouldPodBeInEndpoints + addEndpointSubset. */
const evaluate = [
  { guard: 'ineligible', target: 'notSelected' },
  { guard: 'publishNotReady', target: 'ready' },
  { guard: 'terminatingServing', target: 'terminatingServing' },
  { guard: 'terminating', target: 'notSelected' },
  { guard: 'podReady', target: 'ready' },
  { target: 'notReady' },
] as const;

export const endpointMembershipMachine = setup({
  types: {} as { events: MembershipEvent },
  guards: {
    // Not selected, no IP, or terminal phase: out even with publishNotReadyAddresses (evicted pods).
    ineligible: ({ event }) => !event.selected || !event.hasIP || event.terminal,
    // publishNotReadyAddresses puts every eligible pod in addresses, terminating or not ready.
    publishNotReady: ({ event }) => event.publishNotReady,
    terminatingServing: ({ event }) => event.terminating && event.podReady,
    terminating: ({ event }) => event.terminating,
    podReady: ({ event }) => event.podReady,
  },
}).createMachine({
  id: 'endpointMembership',
  initial: 'notSelected',
  states: {
    notSelected: { on: { EVALUATE: [...evaluate] } },
    /** In notReadyAddresses. */
    notReady: { on: { EVALUATE: [...evaluate] } },
    /** In addresses. */
    ready: { on: { EVALUATE: [...evaluate] } },
    terminatingServing: { on: { EVALUATE: [...evaluate] } },
  },
});

/** Six booleans as a bitmask, mapped to one of 64 preallocated strings (no allocation per step). */
const MASK_KEYS = Array.from({ length: 64 }, (_, n) => n.toString(2).padStart(6, '0'));
export function membershipEventKey(e: MembershipEvent): string {
  return MASK_KEYS[
    (+e.selected << 5) | (+e.hasIP << 4) | (+e.terminal << 3) | (+e.terminating << 2) | (+e.podReady << 1) | +e.publishNotReady
  ]!;
}

/** The machine's state values. */
export type Membership = 'notSelected' | 'notReady' | 'ready' | 'terminatingServing';
