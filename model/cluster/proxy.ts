/**
 * Each node's proxy (docs/semantics.md B6): what it has programmed for each Service, and which endpoints
 * a new connection may use. In sync timing every node programs a change in the step that made
 * it; in async timing each node does so in its own `sync` step, so a node may still send traffic
 * to an endpoint the Endpoints no longer list — the race the spec's async invariants are about.
 */
import type { ServicePort } from '../k8s/objects.ts';
import type { Draft } from './draft.ts';
import { PMap } from './pmap.ts';
import type { ClusterState, ProgrammedService, ProxyRecord, SliceEntry } from './state.ts';

export function emptyProxy(node: string): ProxyRecord {
  return { node, services: PMap.empty(), affinity: PMap.empty() };
}

/** Programs one Service on one node from the current Service and Endpoints objects. */
export function syncProxy(d: Draft, node: string, svcKey: string): void {
  const pendingForNode = d.pendingProxy.get(node);
  if (pendingForNode) {
    const rest = pendingForNode.delete(svcKey);
    d.pendingProxy = rest.size === 0 ? d.pendingProxy.delete(node) : d.pendingProxy.set(node, rest);
  }
  const proxy = d.proxies.get(node);
  if (!proxy) return;
  const svc = d.services.get(svcKey);
  let services: PMap<ProgrammedService>;
  if (!svc) {
    services = proxy.services.delete(svcKey);
  } else {
    const entries = d.endpoints.get(svcKey)?.entries ?? [];
    const old = proxy.services.get(svcKey);
    if (old && old.service === svc.object && old.entries === entries) return;
    services = proxy.services.set(svcKey, { key: svcKey, service: svc.object, entries });
  }
  d.proxies = d.proxies.set(node, { ...proxy, services, affinity: keepProgrammedAffinity(proxy.affinity, svcKey, services.get(svcKey)) });
}

/**
 * ClientIP affinity lives in each endpoint chain's `recent` list (pkg/proxy/iptables/proxier.go
 * writeServiceToEndpointRules, `--set` in the endpoint chain): an endpoint that is no longer
 * programmed loses its chain and its list, so its clients' affinity ends, even if it comes back.
 */
function keepProgrammedAffinity(affinity: ProxyRecord['affinity'], svcKey: string, p: ProgrammedService | undefined): ProxyRecord['affinity'] {
  let out = affinity;
  for (const [k, a] of affinity.entries()) {
    if (!k.startsWith(`${svcKey}|`)) continue;
    const [portText, protocol] = k.slice(svcKey.length + 1).split('|')[0].split('/');
    const sp = p && servicePortFor(p, Number(portText), protocol);
    const still = p?.service.spec.sessionAffinity === 'ClientIP' && sp && usableEndpoints(p, sp).some((u) => `${u.entry.ip}:${u.port}` === a.endpoint);
    if (!still) out = out.delete(k);
  }
  return out;
}

/** Every pending (node, Service) pair of one node: what one `sync proxy` step does. */
export function syncNodeProxy(d: Draft, node: string): void {
  for (const svcKey of [...(d.pendingProxy.get(node)?.keys() ?? [])].sort()) syncProxy(d, node, svcKey);
  d.pendingProxy = d.pendingProxy.delete(node);
}

/**
 * The endpoints a new connection to this service port may use: the ready ones with a resolved
 * port; only when there are none, the serving-but-terminating ones (ProxyTerminatingEndpoints).
 * Not-ready, non-terminating endpoints are never used.
 */
export function usableEndpoints(p: ProgrammedService, port: ServicePort, onNode?: string): { entry: SliceEntry; port: number }[] {
  const name = port.name ?? '';
  const withPort = p.entries.filter((e) => e.ports[name] !== undefined && (onNode === undefined || e.node === onNode));
  // `ready` is EndpointSlice's: publishNotReadyAddresses || (serving && !terminating).
  let usable = withPort.filter((e) => e.ready);
  if (usable.length === 0) usable = withPort.filter((e) => e.terminating && e.serving);
  return usable.map((entry) => ({ entry, port: entry.ports[name] }));
}

/** The service port a (port, protocol) addresses on the ClusterIP. */
export function servicePortFor(p: ProgrammedService, port: number, protocol: string): ServicePort | undefined {
  return p.service.spec.ports?.find((sp) => sp.port === port && (sp.protocol ?? 'TCP') === protocol);
}

export function nodePortFor(p: ProgrammedService, nodePort: number, protocol: string): ServicePort | undefined {
  return p.service.spec.ports?.find((sp) => sp.nodePort === nodePort && (sp.protocol ?? 'TCP') === protocol);
}

export function programmed(s: ClusterState | Draft, node: string, svcKey: string): ProgrammedService | undefined {
  return s.proxies.get(node)?.services.get(svcKey);
}
