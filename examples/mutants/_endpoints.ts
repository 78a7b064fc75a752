/**
 * Shared by the TypeScript mutants whose bug is in the endpoints controller: rewrites the entries
 * of the controller-managed Endpoints (what EndpointSlices would say), rebuilds their subsets the
 * way the controller packs them, and reprograms every proxy that had programmed the old entries,
 * as kube-proxy would on the next sync. Not a mutant itself (the leading underscore).
 */
import type { ClusterState } from '../../model/index.ts';
import { repack } from '../../model/cluster/endpoints-controller.ts';
import type { ServiceRecord, SliceEntry } from '../../model/cluster/state.ts';

type Entries = readonly SliceEntry[];

function same(a: Entries, b: Entries): boolean {
  return a.length === b.length && a.every((x, i) => JSON.stringify(x) === JSON.stringify(b[i]));
}

export function rewriteEndpoints(state: ClusterState, f: (svc: ServiceRecord, entries: Entries) => Entries): ClusterState {
  let endpoints = state.endpoints;
  let proxies = state.proxies;
  for (const [key, rec] of state.endpoints.entries()) {
    const svc = state.services.get(key);
    if (!rec.managed || !svc) continue;
    const entries = f(svc, rec.entries);
    if (same(entries, rec.entries)) continue;
    endpoints = endpoints.set(key, { ...rec, entries, object: { ...rec.object, subsets: repack(svc.object, entries) } });
    for (const [node, proxy] of proxies.entries()) {
      const p = proxy.services.get(key);
      if (p && p.entries === rec.entries) proxies = proxies.set(node, { ...proxy, services: proxy.services.set(key, { ...p, entries }) });
    }
  }
  return endpoints === state.endpoints ? state : { ...state, endpoints, proxies };
}
