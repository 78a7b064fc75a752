/**
 * Bookkeeping of work the cluster owes: a pod whose status the kubelet must write, a Service
 * the endpoints controller must sync, a (node, Service) pair a proxy must program. In sync
 * timing the step drains it before returning; in async timing it is what `sync` steps pick from.
 */
import type { Draft } from './draft.ts';
import { PMap } from './pmap.ts';
import { candidateServices, selects } from './selection.ts';

export function markStatus(d: Draft, podKey: string): void {
  d.pendingStatus = d.pendingStatus.set(podKey, true);
}

export function markEndpoints(d: Draft, svcKey: string): void {
  d.pendingEndpoints = d.pendingEndpoints.set(svcKey, true);
}

export function markProxies(d: Draft, svcKey: string): void {
  for (const node of d.proxies.keys()) {
    d.pendingProxy = d.pendingProxy.set(node, (d.pendingProxy.get(node) ?? PMap.empty<true>()).set(svcKey, true));
  }
}

/** The Services whose Endpoints a change to this pod's API-visible state can affect. */
export function markPodServices(d: Draft, ns: string, ...labelSets: (Record<string, string> | undefined)[]): void {
  d.touched.add(ns);
  for (const svcKey of candidateServices(d, ns, ...labelSets)) {
    const svc = d.services.get(svcKey);
    if (svc && labelSets.some((l) => selects(svc.object.spec.selector, l))) markEndpoints(d, svcKey);
  }
}
