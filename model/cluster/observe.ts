/**
 * The observation (docs/contract.md section 3): the normalised view invariants see. Built from what the
 * API shows (pod status as last written, Endpoints as stored) and what each proxy has programmed;
 * never from kubelet or controller internals, so it means the same for an adapter or a trace.
 */
import type { ContainerView, EndpointAddressView, EndpointsView, Observation, PodView, ProxyServiceView, ProxyView, ServiceView } from '../contract/types.generated.ts';
import type { Config } from './config.ts';
import { ndotsOf, resolvConf } from './dns.ts';
import { probeHandler } from './kubelet.ts';
import type { EndpointAddress, Service, ServicePort } from '../k8s/objects.ts';
import { reachableEndpoints } from './traffic-policy.ts';
import { Interner } from './interner.ts';
import type { PMap } from './pmap.ts';
import type { ClusterState, IngressRecord, PodApiStatus, PodRecord, ProxyRecord } from './state.ts';

function podView(p: PodRecord, config: Config): PodView {
  const m = p.object.metadata;
  const v: PodView = {
    namespace: m.namespace!,
    name: m.name!,
    uid: m.uid ?? '',
    labels: { ...(m.labels ?? {}) },
    node: p.node,
    ip: p.status.ip,
    phase: p.status.phase,
    ready: p.status.ready,
    terminating: p.deletedAt !== undefined,
    containers: p.status.containers.map((c, i) => containerView(p, c, i)),
  };
  if (p.object.spec.hostNetwork) v.hostNetwork = true;
  if (!p.statusManaged) v.dns = podDnsView(p, config);
  const owner = (m.ownerReferences as { kind?: string; name?: string; controller?: boolean }[] | undefined)?.find((o) => o.controller);
  if (owner?.kind && owner.name) v.controller = { kind: owner.kind, name: owner.name };
  return v;
}

/** The resolv.conf the kubelet writes for a pod it runs (status-managed pods have no kubelet). */
function podDnsView(p: PodRecord, config: Config): NonNullable<PodView['dns']> {
  const conf = resolvConf(p.object, p.object.metadata.namespace!, config.clusterDomain, config.dnsServiceIP);
  const v: NonNullable<PodView['dns']> = { policy: p.object.spec.dnsPolicy ?? 'ClusterFirst', nameservers: conf.nameservers, searches: conf.searches, ndots: ndotsOf(conf) };
  if (p.object.spec.dnsConfig) v.dnsConfig = true;
  return v;
}

function containerView(p: PodRecord, c: PodApiStatus['containers'][number], i: number): ContainerView {
  const spec = p.object.spec.containers[i];
  const v: ContainerView = { ...c };
  if (spec?.ports?.length) {
    v.ports = spec.ports.map((x) => (x.name ? { name: x.name, containerPort: x.containerPort, protocol: x.protocol ?? 'TCP' } : { containerPort: x.containerPort, protocol: x.protocol ?? 'TCP' }));
  }
  // The model does not read envFrom (no ConfigMaps or Secrets), so only env names override.
  const own = (spec?.env ?? []).map((e) => e.name);
  if (own.length) v.envNames = [...new Set(own)];
  const rt = p.containers[i];
  if (rt?.running) v.startedAt = rt.startedAt;
  const probe = spec?.readinessProbe;
  const handler = probeHandler(probe);
  if (probe && handler) {
    v.probe = {
      handler,
      initialDelaySeconds: probe.initialDelaySeconds ?? 0,
      periodSeconds: probe.periodSeconds ?? 10,
      successThreshold: probe.successThreshold ?? 1,
      failureThreshold: probe.failureThreshold ?? 3,
    };
    if (rt?.readiness) {
      v.probe.lastResult = rt.readiness.context.lastResult;
      v.probe.run = rt.readiness.context.run;
    }
  }
  return v;
}

export function serviceView(s: Service): ServiceView {
  const spec = s.spec;
  const v: ServiceView = {
    namespace: s.metadata.namespace!,
    name: s.metadata.name!,
    uid: s.metadata.uid ?? '',
    type: spec.type ?? 'ClusterIP',
    clusterIP: spec.clusterIP ?? '',
    ports: (spec.ports ?? []).map((p) => {
      const pv: ServiceView['ports'][number] = { port: p.port, targetPort: p.targetPort ?? p.port, protocol: p.protocol ?? 'TCP' };
      if (p.name) pv.name = p.name;
      if (p.nodePort) pv.nodePort = p.nodePort;
      return pv;
    }),
    sessionAffinity: spec.sessionAffinity ?? 'None',
    externalTrafficPolicy: spec.externalTrafficPolicy ?? '',
    publishNotReadyAddresses: spec.publishNotReadyAddresses ?? false,
    loadBalancerIngress: (s.status?.loadBalancer?.ingress ?? []).map((i) => ({ ...i })),
  };
  if (spec.selector) v.selector = { ...spec.selector };
  if (spec.healthCheckNodePort) v.healthCheckNodePort = spec.healthCheckNodePort;
  if (spec.externalName) v.externalName = spec.externalName;
  if (v.type === 'LoadBalancer') v.allocateLoadBalancerNodePorts = spec.allocateLoadBalancerNodePorts !== false;
  if (spec.loadBalancerClass) v.loadBalancerClass = spec.loadBalancerClass;
  if (spec.internalTrafficPolicy) v.internalTrafficPolicy = spec.internalTrafficPolicy;
  if (spec.externalIPs?.length) v.externalIPs = [...spec.externalIPs];
  if (spec.loadBalancerSourceRanges?.length) v.loadBalancerSourceRanges = [...spec.loadBalancerSourceRanges];
  return v;
}

function addressView(a: EndpointAddress): EndpointAddressView {
  const v: EndpointAddressView = { ip: a.ip };
  if (a.targetRef?.kind === 'Pod' && a.targetRef.name) v.pod = { namespace: a.targetRef.namespace ?? '', name: a.targetRef.name };
  if (a.hostname) v.hostname = a.hostname;
  return v;
}

export function endpointsView(namespace: string, name: string, subsets: import('../k8s/objects.ts').EndpointSubset[] | undefined, userWritten = false): EndpointsView {
  const view: EndpointsView = {
    namespace,
    name,
    subsets: (subsets ?? []).map((s) => ({
      addresses: (s.addresses ?? []).map(addressView),
      notReadyAddresses: (s.notReadyAddresses ?? []).map(addressView),
      ports: (s.ports ?? []).map((p) => {
        const pv: EndpointsView['subsets'][number]['ports'][number] = { port: p.port, protocol: p.protocol ?? 'TCP' };
        if (p.name) pv.name = p.name;
        return pv;
      }),
    })),
  };
  if (userWritten) view.userWritten = true;
  return view;
}

function proxyView(node: string, proxy: ProxyRecord): ProxyView {
  return {
    node,
    services: proxy.services.sortedEntries().flatMap(([, p]) =>
      (p.service.spec.ports ?? []).map((sp) => ({
        namespace: p.service.metadata.namespace!,
        name: p.service.metadata.name!,
        port: sp.port,
        protocol: sp.protocol ?? 'TCP',
        endpoints: reachableEndpoints(p, sp, node).map((u) => ({ ip: u.entry.ip, port: u.port })),
        ...affinityView(proxy, p.key, p.service, sp),
      })),
    ),
  };
}

/** ClientIP affinity as the proxy holds it: its timeout, and per client the endpoint it last reached and when. */
function affinityView(proxy: ProxyRecord, svcKey: string, svc: Service, sp: ServicePort): Pick<ProxyServiceView, 'affinity'> {
  if (svc.spec.sessionAffinity !== 'ClientIP') return {};
  const prefix = `${svcKey}|${sp.port}/${sp.protocol ?? 'TCP'}|`;
  const clients = proxy.affinity
    .sortedEntries()
    .filter(([k]) => k.startsWith(prefix))
    .map(([k, a]) => {
      const at = a.endpoint.lastIndexOf(':');
      return { client: k.slice(prefix.length), ip: a.endpoint.slice(0, at), port: Number(a.endpoint.slice(at + 1)), lastSeen: a.at };
    });
  return { affinity: { timeoutSeconds: svc.spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? 10800, clients } };
}

function ingressView(r: IngressRecord): Observation['ingresses'][number] {
  const v: Observation['ingresses'][number] = { namespace: r.object.metadata.namespace!, name: r.object.metadata.name! };
  if (r.object.spec.ingressClassName) v.className = r.object.spec.ingressClassName;
  if (r.address) v.address = r.address;
  return v;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    // for…in over a view (plain objects and arrays): no array of values per object.
    for (const k in v) deepFreeze(v[k]);
  }
  return v;
}

/**
 * Views are memoised by the identity of what they are made from: a persistent map that did not
 * change gives the very same (frozen) list, a record that did not change the very same view.
 * So an observation costs in proportion to what the step changed, and consumers may skip work
 * for sections that are identical to the previous observation's. New views and lists are then
 * interned by content (interner.ts): records that another path rebuilt alike share one view.
 */
const listCache = new WeakMap<object, readonly unknown[]>();
const viewCache = new WeakMap<object, unknown>();
/**
 * Views held per generation: a search meets few distinct ones (readiness-race-wide: 68 views and
 * lists among 520,456 interned), while a long check or conform run keeps meeting new ones (uids)
 * it never meets again, so this bounds what they hold. Dropping one only costs sharing.
 */
const INTERNED = 1 << 14;
// Views are JSON data (CEL, the protocol and reports read them as JSON): their text is their content.
const views = new Interner<object>(INTERNED);
// A list is its entries: the interned views' numbers, in order.
const lists = new Interner<readonly unknown[]>(INTERNED);
const viewNumbers = new WeakMap<object, number>();
let viewsNumbered = 0;

function internedView<V>(v: V): V {
  const text = JSON.stringify(v);
  const kept = views.intern(text, v as object);
  if (kept === (v as object)) {
    deepFreeze(v);
    viewNumbers.set(kept, ++viewsNumbered);
  }
  return kept as V;
}

function section<R extends object, V>(map: PMap<R>, make: (r: R, key: string) => V): V[] {
  const hit = listCache.get(map);
  if (hit) return hit as V[];
  let entries = '';
  const built = map.sortedEntries().map(([k, r]) => {
    let v = viewCache.get(r) as V | undefined;
    if (v === undefined) {
      v = internedView(make(r, k));
      viewCache.set(r, v);
    }
    entries += `${viewNumbers.get(v as object)},`;
    return v;
  });
  const list = lists.intern(entries, built) as V[];
  if (list === built) Object.freeze(list);
  listCache.set(map, list);
  return list;
}

export function observe(s: ClusterState): Observation {
  return {
    time: s.time,
    nodes: section(s.nodes, (n) => ({ name: n.name, ip: n.ip })),
    pods: section(s.pods, (p) => podView(p, s.config)),
    services: section(s.services, (r) => ({ ...serviceView(r.object), created: r.createdAt })),
    endpoints: section(s.endpoints, (e) => endpointsView(e.object.metadata.namespace!, e.object.metadata.name!, (e.userWrite ?? e.object).subsets, !!e.userWrite)),
    ingresses: section(s.ingresses, ingressView),
    proxies: section(s.proxies, (p, node) => proxyView(node, p)),
    replicationControllers: section(s.rcs, (rc) => ({
      namespace: rc.metadata.namespace!,
      name: rc.metadata.name!,
      replicas: rc.spec.replicas ?? 1,
      selector: { ...(rc.spec.selector ?? {}) },
    })),
  };
}
