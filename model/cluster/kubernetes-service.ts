/**
 * The API server's own controller for the `kubernetes` Service
 * (kubernetes/kubernetes pkg/controlplane/controller/kubernetesservice/controller.go): it runs
 * every EndpointInterval (DefaultEndpointReconcilerInterval, 10 s, from the API server's start)
 * and creates the Service in `default` when it is missing, on the first address of the service
 * range, then reconciles its Endpoints (the API server's address, port https 6443). A user may
 * delete either; they come back at the next tick, or not while another Service holds the address.
 */
import type { KubeObject } from '../k8s/objects.ts';
import { apply } from './apiserver.ts';
import type { Config } from './config.ts';
import type { Draft } from './draft.ts';
import { objectKey } from './state.ts';

/** Seconds between two runs of the controller; runs fall on multiples of it (model time 0 is the API server's start). */
export const KUBERNETES_SERVICE_INTERVAL = 10;

export function kubernetesService(config: Config): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { clusterIP: config.kubernetesServiceIP, ports: [{ name: 'https', port: 443, targetPort: 6443, protocol: 'TCP' }] },
  };
}

export function kubernetesEndpoints(config: Config): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default' },
    subsets: config.nodes.length ? [{ addresses: [{ ip: config.nodes[0].ip }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }] : [],
  };
}

/** One run of the controller: what is missing is created; a refusal (the address is taken) is left for the next run. */
export function reconcileKubernetesService(d: Draft): void {
  const key = objectKey('default', 'kubernetes');
  if (!d.services.has(key)) apply(d, kubernetesService(d.config));
  if (d.services.has(key) && !d.endpoints.has(key)) apply(d, kubernetesEndpoints(d.config));
}

/** The controller's runs in (from, to]. */
export function kubernetesServiceTicks(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = (Math.floor(from / KUBERNETES_SERVICE_INTERVAL) + 1) * KUBERNETES_SERVICE_INTERVAL; t <= to; t += KUBERNETES_SERVICE_INTERVAL) out.push(t);
  return out;
}
