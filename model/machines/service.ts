/**
 * The Service object's lifecycle by spec.type, including LoadBalancer provisioning
 * (docs/semantics.md B3): status.loadBalancer is written only by a cloud controller (without one the
 * Service stays pending and works as a NodePort), and is cleared when the type changes away
 * from LoadBalancer; a Service naming a loadBalancerClass is left pending, since the cloud's
 * controller serves only Services without one. Allocation of IPs and nodePorts is the cluster's job; this machine only
 * says when ('releaseAllocations' on delete).
 *
 * Initial state from input: the machine starts in a transient 'new' state whose eventless
 * transitions read `serviceType` from the xstate.init event (xstate puts `input` on it), so
 * `initialTransition(machine, { serviceType: 'LoadBalancer' })` rests directly in
 * loadBalancer.pending. 'new' is never a resting state.
 */
import { setup } from 'xstate';

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
export interface ServiceContext { readonly cloud: boolean }
export interface ServiceInput { readonly cloud?: boolean; readonly serviceType?: ServiceType }
export type ServiceEvent =
  | { type: 'SET_TYPE'; serviceType: ServiceType }
  /** A cloud controller's sync; `classed` when the Service names a spec.loadBalancerClass. */
  | { type: 'CLOUD_SYNC'; classed?: boolean }
  | { type: 'DELETE' };

const stateOf = { ClusterIP: 'clusterIP', NodePort: 'nodePort', LoadBalancer: 'loadBalancer', ExternalName: 'externalName' } as const;
const TYPES = Object.keys(stateOf) as ServiceType[];

/** SET_TYPE to every other type; setting the current type again is a no-op (no exit/entry). */
function typeChanges(current: ServiceType | null) {
  return TYPES.filter((t) => t !== current).map((t) => ({
    guard: { type: 'isType', params: { serviceType: t } } as const,
    target: stateOf[t],
  }));
}
// Per state, not a root-level `on`: xstate's pure transition() still runs root handlers on a
// snapshot whose status is 'done', so a root DELETE would fire again in 'deleted'.
const live = (current: ServiceType) => ({
  SET_TYPE: typeChanges(current),
  DELETE: { target: 'deleted', actions: 'releaseAllocations' } as const,
});

export const serviceMachine = setup({
  types: {} as { context: ServiceContext; input: ServiceInput | undefined; events: ServiceEvent },
  guards: {
    // k8s.io/cloud-provider controllers/service wantsLoadBalancer: the cloud's own controller
    // serves only LoadBalancers without a loadBalancerClass; a classed one waits for its class's controller.
    cloudOwnsIt: ({ context, event }) => context.cloud && !(event.type === 'CLOUD_SYNC' && event.classed),
    // Reads SET_TYPE, or the init event's input while in 'new' (default ClusterIP, as the API does).
    isType: ({ event }, params: { serviceType: ServiceType }) => {
      const e = event as ServiceEvent | { type: 'xstate.init'; input?: ServiceInput };
      const t = e.type === 'SET_TYPE' ? e.serviceType : e.type === 'xstate.init' ? (e.input?.serviceType ?? 'ClusterIP') : null;
      return t === params.serviceType;
    },
  },
  actions: {
    assignLoadBalancerAddress: () => {},
    clearLoadBalancerStatus: () => {},
    releaseAllocations: () => {},
  },
}).createMachine({
  id: 'service',
  context: ({ input }) => ({ cloud: input?.cloud ?? false }),
  initial: 'new',
  states: {
    new: { always: typeChanges(null) },
    clusterIP: { on: live('ClusterIP') },
    nodePort: { on: live('NodePort') },
    loadBalancer: {
      initial: 'pending',
      // Status is cleared whenever the Service stops being a LoadBalancer (type change or delete).
      exit: 'clearLoadBalancerStatus',
      on: live('LoadBalancer'),
      states: {
        // EXTERNAL-IP <pending>: works as a NodePort until a cloud controller writes status.
        pending: { on: { CLOUD_SYNC: { guard: 'cloudOwnsIt', target: 'provisioned', actions: 'assignLoadBalancerAddress' } } },
        provisioned: {},
      },
    },
    externalName: { on: live('ExternalName') },
    deleted: { type: 'final' },
  },
});

export function serviceEventKey(e: ServiceEvent): string {
  if (e.type === 'CLOUD_SYNC') return e.classed ? 'CLOUD_SYNC/classed' : 'CLOUD_SYNC';
  return e.type === 'SET_TYPE' ? e.serviceType : e.type;
}
