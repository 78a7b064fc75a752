/**
 * The API server's Service storage (SEMANTICS B2, B3): defaulting, the update-time patching of
 * server-set fields (patchAllocatedValues, dropTypeDependentFields), validation, ClusterIP and
 * nodePort allocation, release on delete; then the Service machine says when a cloud would
 * provision a load balancer address.
 */
import { tables } from '../machines/index.ts';
import type { ApiError, FieldError } from '../k8s/field-errors.ts';
import { invalid } from '../k8s/field-errors.ts';
import type { Service, ServicePort } from '../k8s/objects.ts';
import { allocateClusterIP, allocateLoadBalancerIP, allocateNodePort, releaseClusterIP, releaseLoadBalancerIP, releaseNodePort } from './allocation.ts';
import type { Draft } from './draft.ts';
import { markEndpoints, markProxies } from './pending.ts';
import { PMap } from './pmap.ts';
import { indexService, unindexService } from './selection.ts';
import type { ServiceRecord } from './state.ts';

const needsNodePorts = (t: string | undefined) => t === 'NodePort' || t === 'LoadBalancer';
const needsHealthCheck = (s: Service) => s.spec.type === 'LoadBalancer' && s.spec.externalTrafficPolicy === 'Local';

/** Server-set values an update may omit are carried over, by port name (patchAllocatedValues). */
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
  const oldByName = new Map((oldSpec.ports ?? []).map((p) => [p.name ?? '', p]));
  if (needsNodePorts(spec.type) && needsNodePorts(oldSpec.type)) {
    spec.ports = spec.ports?.map((p) => (p.nodePort ? p : { ...p, nodePort: oldByName.get(p.name ?? '')?.nodePort }));
  } else if (!needsNodePorts(spec.type) && needsNodePorts(oldSpec.type)) {
    // Leaving NodePort/LoadBalancer: nodePorts the user did not change are dropped (dropTypeDependentFields).
    spec.ports = spec.ports?.map((p) => (p.nodePort && p.nodePort === oldByName.get(p.name ?? '')?.nodePort ? withoutNodePort(p) : p));
  }
  if (needsHealthCheck(svc) && needsHealthCheck(old) && !spec.healthCheckNodePort) spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  if (!needsHealthCheck(svc) && needsHealthCheck(old) && spec.healthCheckNodePort === oldSpec.healthCheckNodePort) delete spec.healthCheckNodePort;
  return { ...svc, spec, metadata: { ...svc.metadata, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp }, status: old.status };
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
  const errors: FieldError[] = [];
  if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None' && !(old && spec.clusterIP && spec.clusterIP === old.spec.clusterIP)) {
    const r = allocateClusterIP(d, key, spec.clusterIP || undefined);
    if (!r.ok) return fail(svc, r.field ? [r.field] : [], r.internal);
    spec.clusterIP = r.value;
  }
  if (spec.type !== 'ExternalName') {
    spec.clusterIPs = [spec.clusterIP!];
    if (spec.clusterIP !== 'None' || spec.ipFamilies === undefined) spec.ipFamilies = ['IPv4'];
    spec.ipFamilyPolicy = spec.ipFamilyPolicy ?? 'SingleStack';
  }
  const oldNodePorts = new Set((old?.spec.ports ?? []).map((p) => p.nodePort).filter((n): n is number => !!n));
  if (old?.spec.healthCheckNodePort) oldNodePorts.add(old.spec.healthCheckNodePort);
  const used = new Map<number, number>(); // nodePort → service port number that holds it in this request
  let internalError: string | undefined;
  const take = (requested: number | undefined, portNumber: number, field: string): number | undefined => {
    if (requested && used.has(requested)) {
      if (used.get(requested) === portNumber) return requested; // TCP and UDP of one port share a nodePort (B3).
      errors.push({ type: 'Invalid', field, value: requested, detail: 'provided port is already allocated' });
      return undefined;
    }
    if (requested && oldNodePorts.has(requested)) {
      used.set(requested, portNumber);
      return requested;
    }
    const r = allocateNodePort(d, key, requested, field);
    if (!r.ok) {
      if (r.field) errors.push(r.field);
      else internalError = r.internal;
      return undefined;
    }
    used.set(r.value, portNumber);
    return r.value;
  };
  const autoNodePorts = spec.type === 'NodePort' || (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
  if (needsNodePorts(spec.type)) {
    const ports = (spec.ports ?? []).map((p) => ({ ...p }));
    ports.forEach((p, i) => {
      if (p.nodePort) p.nodePort = take(p.nodePort, p.port, `spec.ports[${i}].nodePort`);
    });
    ports.forEach((p, i) => {
      if (p.nodePort || !autoNodePorts) return;
      const sibling = ports.find((q) => q !== p && q.port === p.port && q.nodePort);
      p.nodePort = sibling?.nodePort ?? take(undefined, p.port, `spec.ports[${i}].nodePort`);
    });
    spec.ports = ports;
  }
  if (needsHealthCheck(svc)) spec.healthCheckNodePort = take(spec.healthCheckNodePort, -1, 'spec.healthCheckNodePort');
  if (errors.length || internalError) return fail(svc, errors, internalError);
  // Release what the old object held and the new one does not (on commit, as the registry does).
  if (old) {
    for (const n of oldNodePorts) if (!used.has(n)) releaseNodePort(d, n, key);
    if (old.spec.clusterIP && old.spec.clusterIP !== spec.clusterIP) releaseClusterIP(d, old.spec.clusterIP, key);
  }
  return { ok: true, service: { ...svc, spec } };
}

/** Stores a created or updated Service and drives its machine (LoadBalancer provisioning). */
export function storeService(d: Draft, key: string, svc: Service, old: ServiceRecord | undefined, seq: number): Service {
  const type = svc.spec.type ?? 'ClusterIP';
  let machine = old ? old.machine : tables.service.initial({ cloud: d.config.cloudLoadBalancer, serviceType: type });
  const actions: string[] = [];
  if (old) {
    const s = tables.service.next(machine, { type: 'SET_TYPE', serviceType: type });
    machine = s.snap;
    actions.push(...s.actions);
  }
  const sync = tables.service.next(machine, { type: 'CLOUD_SYNC' });
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
  const record: ServiceRecord = { key, object: stored, machine, members: old?.members ?? PMap.empty(), seq: old?.seq ?? seq, createdAt: old?.createdAt ?? d.time };
  d.services = d.services.set(key, record);
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
  markEndpoints(d, rec.key);
  markProxies(d, rec.key);
}
