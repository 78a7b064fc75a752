/**
 * A new cluster: its nodes and proxies, the `kubernetes` Service in `default` (first usable IP,
 * port https 443 → the API server on the first node at 6443, with its Endpoints; see
 * kubernetes-service.ts) and the
 * `kube-dns` Service in `kube-system` at dnsServiceIP, as kubeadm clusters start (docs/contract.md section 1).
 * The DNS server itself is the model's `resolve`; no CoreDNS pods are simulated.
 */
import type { ClusterConfig } from '../contract/types.generated.ts';
import type { KubeObject } from '../k8s/objects.ts';
import { apply } from './apiserver.ts';
import { canonicalChooser } from './choice.ts';
import { normalizeConfig } from './config.ts';
import { begin, commit } from './draft.ts';
import { PMap } from './pmap.ts';
import { emptyProxy } from './proxy.ts';
import { seedState } from './random.ts';
import type { ClusterState } from './state.ts';
import { kubernetesEndpoints, kubernetesService } from './kubernetes-service.ts';
import { drain } from './timing.ts';
import { NO_TIMERS } from './timers.ts';

export function initialState(input: ClusterConfig = {}): ClusterState {
  const config = normalizeConfig(input);
  const empty = PMap.empty<never>();
  const nodes = PMap.from(config.nodes.map((n) => [n.name, { name: n.name, ip: n.ip, podRange: { base: n.podRange.base, size: n.podRange.size }, pods: 0, lastIP: 0 }] as const));
  const base: ClusterState = {
    config, time: 0, rng: seedState(config.seed), seq: 0, nodes,
    pods: empty, services: empty, endpoints: empty, rcs: empty, ingresses: empty, ingressClasses: empty,
    proxies: PMap.from(config.nodes.map((n) => [n.name, emptyProxy(n.name)] as const)),
    clusterIPs: empty, nodePorts: empty, podIPs: empty, lbAddresses: empty, podIndex: empty, serviceIndex: empty,
    timers: NO_TIMERS, pendingStatus: empty, pendingEndpoints: empty, pendingProxy: empty,
  };
  const d = begin(base, canonicalChooser);
  const system: KubeObject[] = [
    kubernetesService(config),
    kubernetesEndpoints(config),
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      spec: { clusterIP: config.dnsServiceIP, selector: { 'k8s-app': 'kube-dns' },
        ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 }] } },
  ];
  for (const obj of system) {
    const r = apply(d, obj);
    if (!r.ok) throw new Error(`cannot create ${obj.kind} ${obj.metadata.name}: ${r.error.message}`);
  }
  drain(d);
  return commit({ ...d, ctx: { ...d.ctx, rng: base.rng } });
}
