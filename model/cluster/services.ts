/**
 * The API server's Service storage (docs/semantics.md B2, B3): defaulting, the update-time patching of
 * server-set fields (patchAllocatedValues, dropTypeDependentFields), validation, ClusterIP and
 * nodePort allocation, release on delete; then the Service machine says when a cloud would
 * provision a load balancer address.
 */
import { initIPFamilyFields } from './ip-families.ts';
import { tables } from '../machines/index.ts';
import type { ApiError, FieldError } from '../k8s/field-errors.ts';
import { invalid } from '../k8s/field-errors.ts';
import type { Service, ServicePort } from '../k8s/objects.ts';
import { allocateClusterIP, allocateLoadBalancerIP, allocateNodePort, releaseClusterIP, releaseLoadBalancerIP, releaseNodePort } from './allocation.ts';
import type { Draft } from './draft.ts';
import { markEndpoints, markProxies } from './pending.ts';
import { releaseUserWrite } from './endpoints-controller.ts';
import { sameData, sameWrite } from '../k8s/same-write.ts';
import { PMap } from './pmap.ts';
import { indexService, unindexService } from './selection.ts';
import type { ServiceRecord } from './state.ts';

const needsNodePorts = (t: string | undefined) => t === 'NodePort' || t === 'LoadBalancer';
/**
 * Whether the API server allocates (and so refills on update) nodePorts: a NodePort Service, or a
 * LoadBalancer unless allocateLoadBalancerNodePorts is false (KK v1.37 pkg/registry/core/service/storage
 * storage.go needsNodePort; patchAllocatedValues refills only when the old and new Service both do).
 */
const allocatesNodePorts = (spec: Service['spec']) => spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
const needsHealthCheck = (s: Service) => s.spec.type === 'LoadBalancer' && s.spec.externalTrafficPolicy === 'Local';

/**
 * Server-set values an update may omit are carried over (storage.go patchAllocatedValues), and
 * fields the new type does not use are dropped when the user left them as they were (strategy.go
 * dropTypeDependentFields, which runs first).
 */
export function patchFromOld(svc: Service, old: Service): Service {
  const spec = { ...svc.spec };
  const oldSpec = old.spec;
  const external = spec.type === 'ExternalName';
  if (!external && oldSpec.type !== 'ExternalName' && !spec.clusterIP && oldSpec.clusterIP) {
    spec.clusterIP = oldSpec.clusterIP;
    spec.clusterIPs = oldSpec.clusterIPs;
  }
  if (external && (!spec.clusterIP || spec.clusterIP === oldSpec.clusterIP)) {
    // any → ExternalName: the IP the user left alone is wiped and released (B2).
    delete spec.clusterIP;
    delete spec.clusterIPs;
    delete spec.ipFamilies;
    delete spec.ipFamilyPolicy;
  }
  if (allocatesNodePorts(spec) && allocatesNodePorts(oldSpec)) {
    spec.ports = refillNodePorts(spec.ports, oldSpec.ports ?? []);
  } else if (!needsNodePorts(spec.type) && needsNodePorts(oldSpec.type) && addsNoNodePort(spec.ports ?? [], oldSpec.ports ?? [])) {
    // Leaving NodePort/LoadBalancer without asking for a nodePort the old object did not hold:
    // every nodePort is wiped, to be released (strategy.go sameNodePorts: old ⊇ new).
    spec.ports = spec.ports?.map(withoutNodePort);
  }
  if (needsHealthCheck(svc) && needsHealthCheck(old) && !spec.healthCheckNodePort) spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  if (!needsHealthCheck(svc) && needsHealthCheck(old) && spec.healthCheckNodePort === oldSpec.healthCheckNodePort) delete spec.healthCheckNodePort;
  if (oldSpec.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    // Fields only a LoadBalancer has: dropped when unchanged, else validation refuses them.
    if (spec.allocateLoadBalancerNodePorts != null && spec.allocateLoadBalancerNodePorts === oldSpec.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if ((spec.loadBalancerClass ?? null) === (oldSpec.loadBalancerClass ?? null)) delete spec.loadBalancerClass;
  }
  return { ...svc, spec, metadata: { ...svc.metadata, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp }, status: old.status };
}

/**
 * A port that omits its nodePort gets the one its name had, unless another port of the request
 * asks for that very nodePort (patchAllocatedValues' `used` set): so a nodePort can move from
 * one port to another in a single update, and the port it left gets a new one.
 */
function refillNodePorts(ports: ServicePort[] | undefined, oldPorts: readonly ServicePort[]): ServicePort[] | undefined {
  if (!ports) return ports;
  const requested = new Set(ports.map((p) => p.nodePort).filter((n): n is number => !!n));
  const used = new Set(oldPorts.map((p) => p.nodePort).filter((n): n is number => !!n && requested.has(n)));
  const oldByName = new Map(oldPorts.map((p) => [p.name ?? '', p.nodePort]));
  return ports.map((p) => {
    if (p.nodePort) return p;
    const refill = oldByName.get(p.name ?? '');
    return refill && !used.has(refill) ? { ...p, nodePort: refill } : p;
  });
}

function addsNoNodePort(ports: readonly ServicePort[], oldPorts: readonly ServicePort[]): boolean {
  const held = new Set(oldPorts.map((p) => p.nodePort).filter((n) => !!n));
  return ports.every((p) => !p.nodePort || held.has(p.nodePort));
}

function withoutNodePort(p: ServicePort): ServicePort {
  const { nodePort: _drop, ...rest } = p;
  return rest;
}

type Outcome = { ok: true; service: Service } | { ok: false; error: ApiError };

function fail(svc: Service, errors: FieldError[], internal?: string): Outcome {
  if (internal) return { ok: false, error: { reason: 'InternalError', message: `Internal error occurred: ${internal}` } };
  return { ok: false, error: invalid('Service', svc.metadata.name!, errors) };
}

/** Allocates what a validated Service needs, keeping what the old one had (B2, B3). */
export function allocateService(d: Draft, key: string, svc: Service, old: Service | undefined): Outcome {
  const spec = { ...svc.spec };
  const familyErrors = initIPFamilyFields(spec, old?.spec);
  if (familyErrors.length) return fail(svc, familyErrors);
  if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None' && !(old && spec.clusterIP && spec.clusterIP === old.spec.clusterIP)) {
    const r = allocateClusterIP(d, key, spec.clusterIP || undefined);
    if (!r.ok) return fail(svc, r.field ? [r.field] : [], r.internal);
    spec.clusterIP = r.value;
  }
  if (spec.type !== 'ExternalName') spec.clusterIPs = [spec.clusterIP!];
  const oldPortNodePorts = new Set((old?.spec.ports ?? []).map((p) => p.nodePort).filter((n): n is number => !!n));
  const assigned = assignNodePorts(d, key, spec, old);
  if (!assigned.ok) return fail(svc, assigned.errors, assigned.internal);
  // Release what the old object held and the new one does not (on commit, as the registry does).
  if (old) {
    const held = new Set((spec.ports ?? []).map((p) => p.nodePort).filter((n): n is number => !!n));
    if (spec.healthCheckNodePort) held.add(spec.healthCheckNodePort);
    for (const n of oldPortNodePorts) if (!held.has(n)) releaseNodePort(d, n, key);
    if (old.spec.healthCheckNodePort && !held.has(old.spec.healthCheckNodePort)) releaseNodePort(d, old.spec.healthCheckNodePort, key);
    if (old.spec.clusterIP && old.spec.clusterIP !== spec.clusterIP) releaseClusterIP(d, old.spec.clusterIP, key);
  }
  return { ok: true, service: { ...svc, spec } };
}

type Assigned = { ok: true } | { ok: false; errors: FieldError[]; internal?: string };

/**
 * nodePorts and the healthCheckNodePort (storage/alloc.go): on create, ports with the same port
 * number (TCP and UDP of one port) share one nodePort (initNodePorts); on update, a requested
 * nodePort the Service already held is kept, a new one is reserved, an omitted one is allocated
 * afresh (updateNodePorts) — so one nodePort may serve two ports there only with different
 * protocols, which validation checks. A LoadBalancer with allocateLoadBalancerNodePorts false
 * gets only the nodePorts it asks for (shouldAllocateNodePorts). `spec` is filled in place.
 */
function assignNodePorts(d: Draft, key: string, spec: Service['spec'], old: Service | undefined): Assigned {
  const errors: FieldError[] = [];
  let internal: string | undefined;
  const claimed = new Set<number>();
  const oldPortNodePorts = new Set((old?.spec.ports ?? []).map((p) => p.nodePort).filter((n): n is number => !!n));
  // One reservation per nodePort per request: the allocator refuses a port it already holds.
  const claim = (n: number, field: string): number | undefined => {
    if (claimed.has(n) || d.nodePorts.get(String(n)) === key) {
      errors.push({ type: 'Invalid', field, value: n, detail: 'provided port is already allocated' });
      return undefined;
    }
    const r = allocateNodePort(d, key, n, field);
    if (!r.ok) {
      if (r.field) errors.push(r.field);
      else internal = r.internal;
      return undefined;
    }
    claimed.add(n);
    return n;
  };
  const next = (field: string): number | undefined => {
    const r = allocateNodePort(d, key, undefined, field);
    if (!r.ok) {
      internal = r.internal;
      return undefined;
    }
    claimed.add(r.value);
    return r.value;
  };
  const auto = spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
  if (needsNodePorts(spec.type)) {
    const ports = (spec.ports ?? []).map((p) => ({ ...p }));
    const byPortNumber = new Map<number, number>();
    ports.forEach((p, i) => {
      const field = `spec.ports[${i}].nodePort`;
      if (!p.nodePort && !auto) return;
      if (old) {
        if (!p.nodePort) p.nodePort = next(field);
        else if (!oldPortNodePorts.has(p.nodePort) && !claimed.has(p.nodePort)) p.nodePort = claim(p.nodePort, field);
        return;
      }
      const shared = byPortNumber.get(p.port);
      if (shared === undefined) {
        const wanted = ports.find((q) => q.port === p.port && q.nodePort)?.nodePort;
        p.nodePort = wanted ? claim(wanted, field) : next(field);
        if (p.nodePort) byPortNumber.set(p.port, p.nodePort);
      } else if (p.nodePort !== shared) {
        p.nodePort = p.nodePort ? claim(p.nodePort, field) : shared;
      }
    });
    spec.ports = ports;
  }
  if (needsHealthCheck({ spec } as Service)) {
    const keep = old && needsHealthCheck(old) && spec.healthCheckNodePort === old.spec.healthCheckNodePort;
    if (!keep) spec.healthCheckNodePort = spec.healthCheckNodePort ? claim(spec.healthCheckNodePort, 'spec.healthCheckNodePort') : next('spec.healthCheckNodePort');
  }
  return errors.length || internal ? { ok: false, errors, internal } : { ok: true };
}

/** Stores a created or updated Service and drives its machine (LoadBalancer provisioning). */
export function storeService(d: Draft, key: string, svc: Service, old: ServiceRecord | undefined, seq: number, owned: readonly string[]): Service {
  const type = svc.spec.type ?? 'ClusterIP';
  let machine = old ? old.machine : tables.service.initial({ cloud: d.config.cloudLoadBalancer, serviceType: type });
  const actions: string[] = [];
  if (old) {
    const s = tables.service.next(machine, { type: 'SET_TYPE', serviceType: type });
    machine = s.snap;
    actions.push(...s.actions);
  }
  const sync = tables.service.next(machine, { type: 'CLOUD_SYNC', classed: !!svc.spec.loadBalancerClass });
  machine = sync.snap;
  actions.push(...sync.actions);
  let status = svc.status ?? old?.object.status ?? {};
  const oldLB = old?.object.status?.loadBalancer?.ingress?.[0]?.ip;
  if (actions.includes('clearLoadBalancerStatus')) {
    releaseLoadBalancerIP(d, oldLB, key);
    status = { loadBalancer: {} };
  }
  if (actions.includes('assignLoadBalancerAddress')) {
    const ip = allocateLoadBalancerIP(d, key);
    status = { loadBalancer: ip ? { ingress: [{ ip }] } : {} };
  }
  if (type === 'LoadBalancer' && !status.loadBalancer) status = { loadBalancer: {} };
  const stored: Service = { ...svc, status };
  const ns = svc.metadata.namespace!;
  if (old) unindexService(d, ns, key, old.object.spec.selector);
  indexService(d, ns, key, svc.spec.selector);
  const record: ServiceRecord = { key, object: stored, machine, members: old?.members ?? PMap.empty(), seq: old?.seq ?? seq, createdAt: old?.createdAt ?? d.time, owned };
  d.services = d.services.set(key, record);
  // A write that changes nothing, not even who owns which field, makes no watch event: no
  // controller syncs on it.
  if (old && sameWrite(old.object, stored) && sameData(old.owned, owned)) return stored;
  if (!svc.spec.selector || type === 'ExternalName') releaseUserWrite(d, key);
  markEndpoints(d, key);
  markProxies(d, key);
  return stored;
}

export function deleteService(d: Draft, rec: ServiceRecord): void {
  const spec = rec.object.spec;
  const { actions } = tables.service.next(rec.machine, { type: 'DELETE' });
  if (actions.includes('releaseAllocations')) {
    releaseClusterIP(d, spec.clusterIP, rec.key);
    for (const p of spec.ports ?? []) releaseNodePort(d, p.nodePort, rec.key);
    releaseNodePort(d, spec.healthCheckNodePort, rec.key);
  }
  releaseLoadBalancerIP(d, rec.object.status?.loadBalancer?.ingress?.[0]?.ip, rec.key);
  unindexService(d, rec.object.metadata.namespace!, rec.key, spec.selector);
  d.services = d.services.delete(rec.key);
  releaseUserWrite(d, rec.key);
  markEndpoints(d, rec.key);
  markProxies(d, rec.key);
}
