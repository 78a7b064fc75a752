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

/**
 * A relabelled pod whose endpoint is otherwise unchanged: only the Services that gained or lost it
 * sync, not those selecting it before and after (k8s.io/endpointslice v0.37.2
 * util/controller_utils.go GetServicesToUpdateOnPodChange, determineNeededServiceUpdates: the
 * symmetric difference; both the endpoints and EndpointSlice controllers call it) (F30).
 */
export function markRelabelledPodServices(d: Draft, ns: string, old: Record<string, string> | undefined, next: Record<string, string> | undefined): void {
  d.touched.add(ns);
  for (const svcKey of candidateServices(d, ns, old, next)) {
    const selector = d.services.get(svcKey)?.object.spec.selector;
    if (selects(selector, old) !== selects(selector, next)) markEndpoints(d, svcKey);
  }
}
