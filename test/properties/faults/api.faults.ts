/** Faults of the API server itself. */
import { type Fault, type Pod, type Svc, upsertSorted, stateful } from './wrap.ts';

type Stub = { readonly kind: 'Pod' | 'Service'; readonly namespace: string; readonly name: string };
type Manifest = { kind?: string; metadata?: { namespace?: string; name?: string; labels?: Record<string, string> } };

export const apiFaults: Fault[] = [
  {
    invariant: 'api/refusal-changes-nothing',
    scope: 'small',
    timing: 'sync',
    description: 'write before validate: a refused create of a Pod or Service has already been persisted (a Pending pod, a Service without address)',
    wrap: (sys) =>
      stateful<readonly Stub[]>(sys, {
        init: [],
        remember: (stubs, op, result, before) => {
          if (op.op !== 'apply' || result.ok) return stubs;
          const m = op.object as Manifest;
          const kind = m.kind;
          const namespace = m.metadata?.namespace ?? 'default';
          const name = m.metadata?.name;
          if ((kind !== 'Pod' && kind !== 'Service') || !name) return stubs;
          const exists = (kind === 'Pod' ? before.pods : before.services).some((x) => x.namespace === namespace && x.name === name) || stubs.some((x) => x.kind === kind && x.namespace === namespace && x.name === name);
          return exists ? stubs : [...stubs, { kind, namespace, name }];
        },
        observe: (obs, stubs) => {
          for (const s of stubs) {
            if (s.kind === 'Pod' && !obs.pods.some((p) => p.namespace === s.namespace && p.name === s.name)) {
              const pod: Pod = { namespace: s.namespace, name: s.name, uid: `stub-${s.namespace}-${s.name}`, labels: {}, node: '', ip: '', phase: 'Pending', ready: false, terminating: false, containers: [] };
              obs.pods = upsertSorted(obs.pods, pod);
            }
            if (s.kind === 'Service' && !obs.services.some((x) => x.namespace === s.namespace && x.name === s.name)) {
              const svc: Svc = { namespace: s.namespace, name: s.name, uid: `stub-${s.namespace}-${s.name}`, type: 'ClusterIP', clusterIP: '', ports: [], sessionAffinity: 'None', externalTrafficPolicy: '', publishNotReadyAddresses: false, loadBalancerIngress: [] };
              obs.services = upsertSorted(obs.services, svc);
            }
          }
        },
      }),
  },
];
