/**
 * The endpoints controller (docs/semantics.md B1): for a Service with a selector, the pods it selects in
 * its namespace, each placed by the endpoint-membership machine (ready → addresses, not ready →
 * notReadyAddresses, terminating → out), with named targetPorts resolved per pod, repacked into
 * subsets by identical port sets. Selectorless and ExternalName Services are left alone, so a
 * user's Endpoints of the same name and namespace are what the proxies use.
 */
import { tables } from '../machines/index.ts';
import type { EndpointAddress, EndpointPort, Endpoints, EndpointSubset, Pod, Protocol, Service } from '../k8s/objects.ts';
import type { Draft } from './draft.ts';
import { markProxies } from './pending.ts';
import { selectedPods } from './selection.ts';
import type { EndpointsRecord, MembershipSnap, PodRecord, SliceEntry } from './state.ts';

/**
 * The label the endpoints controller sets on every Endpoints it writes (KK v1.37 endpoints_controller.go
 * syncService, LabelManagedBy = ControllerName): how a reader tells the controller's Endpoints from a user's.
 */
export const MANAGED_BY_LABEL = 'endpoints.kubernetes.io/managed-by';
export const ENDPOINTS_CONTROLLER = 'endpoint-controller';

/** FindPort: a named targetPort is the first container port with that name and the same protocol. */
export function findPort(pod: Pod, targetPort: number | string | undefined, port: number, protocol: Protocol): number | undefined {
  if (targetPort === undefined || targetPort === '' || targetPort === 0) return port;
  if (typeof targetPort === 'number') return targetPort;
  if (/^[0-9]+$/.test(targetPort)) return Number(targetPort);
  for (const c of pod.spec.containers) {
    for (const p of c.ports ?? []) if (p.name === targetPort && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

function entryFor(svc: Service, pod: PodRecord, membership: string): SliceEntry {
  const ports: Record<string, number> = {};
  for (const sp of svc.spec.ports ?? []) {
    const p = findPort(pod.object, sp.targetPort, sp.port, sp.protocol ?? 'TCP');
    if (p !== undefined) ports[sp.name ?? ''] = p;
  }
  const { namespace, name, uid } = pod.object.metadata;
  const hostname = pod.object.spec.hostname && pod.object.spec.subdomain === svc.metadata.name ? pod.object.spec.hostname : undefined;
  return {
    ip: pod.status.ip,
    pod: { namespace: namespace!, name: name! },
    podKey: pod.key,
    uid,
    node: pod.node || undefined,
    hostname,
    ready: membership === 'ready',
    serving: pod.status.ready,
    terminating: pod.deletedAt !== undefined,
    ports,
  };
}

/** Byte-string order of IPs, as the controller sorts addresses ("10.0.0.10" < "10.0.0.9"). */
function byIP(a: EndpointAddress, b: EndpointAddress): number {
  return a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : (a.targetRef?.uid ?? '') < (b.targetRef?.uid ?? '') ? -1 : 1;
}

function address(e: SliceEntry): EndpointAddress {
  const a: EndpointAddress = { ip: e.ip };
  if (e.hostname) a.hostname = e.hostname;
  if (e.node) a.nodeName = e.node;
  if (e.pod) a.targetRef = { kind: 'Pod', namespace: e.pod.namespace, name: e.pod.name, uid: e.uid };
  return a;
}

/** RepackSubsets: ports with identical (address, ready) sets share one subset (B1.5). */
export function repack(svc: Service, entries: readonly SliceEntry[]): EndpointSubset[] {
  const listed = entries.filter((e) => !e.terminating || e.ready);
  const servicePorts = svc.spec.ports ?? [];
  if (servicePorts.length === 0) {
    // Headless without ports: every address, with an empty port list (TestSyncEndpointsHeadlessWithoutPort).
    if (listed.length === 0) return [];
    return [subset(listed, [])];
  }
  const groups = new Map<string, { port: EndpointPort; members: SliceEntry[] }[]>();
  for (const sp of servicePorts) {
    const members = listed.filter((e) => e.ports[sp.name ?? ''] !== undefined);
    // One EndpointPort per distinct resolved number: a named port may resolve differently per pod.
    const byNumber = new Map<number, SliceEntry[]>();
    for (const e of members) byNumber.set(e.ports[sp.name ?? ''], [...(byNumber.get(e.ports[sp.name ?? '']) ?? []), e]);
    for (const [num, es] of byNumber) {
      const port: EndpointPort = { port: num, protocol: sp.protocol ?? 'TCP' };
      if (sp.name) port.name = sp.name;
      const sig = es.map((e) => `${e.ip}/${e.ready}`).sort().join(',');
      groups.set(sig, [...(groups.get(sig) ?? []), { port, members: es }]);
    }
  }
  const subsets = [...groups.values()].map((g) => subset(g[0].members, g.map((x) => x.port)));
  return subsets.sort((a, b) => (JSON.stringify(a.ports) < JSON.stringify(b.ports) ? -1 : 1));
}

function subset(members: readonly SliceEntry[], ports: EndpointPort[]): EndpointSubset {
  const s: EndpointSubset = {};
  const ready = members.filter((e) => e.ready).map(address).sort(byIP);
  const notReady = members.filter((e) => !e.ready).map(address).sort(byIP);
  if (ready.length) s.addresses = ready;
  if (notReady.length) s.notReadyAddresses = notReady;
  s.ports = ports.sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || a.port - b.port);
  return s;
}

/** A user's Endpoints (selectorless Service) as the entries proxies program. */
export function entriesOfEndpoints(ep: Endpoints): SliceEntry[] {
  const out: SliceEntry[] = [];
  for (const s of ep.subsets ?? []) {
    const ports: Record<string, number> = {};
    for (const p of s.ports ?? []) ports[p.name ?? ''] = p.port;
    const add = (a: EndpointAddress, ready: boolean) => {
      const ref = a.targetRef?.kind === 'Pod' && a.targetRef.name ? { namespace: a.targetRef.namespace ?? ep.metadata.namespace!, name: a.targetRef.name } : undefined;
      out.push({ ip: a.ip, pod: ref, podKey: ref && `${ref.namespace}/${ref.name}`, node: a.nodeName, hostname: a.hostname, ready, serving: ready, terminating: false, ports });
    };
    for (const a of s.addresses ?? []) add(a, true);
    for (const a of s.notReadyAddresses ?? []) add(a, false);
  }
  return out;
}

function sameEntries(a: readonly SliceEntry[], b: readonly SliceEntry[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i], y = b[i];
    if (x.ip !== y.ip || x.ready !== y.ready || x.serving !== y.serving || x.terminating !== y.terminating || x.podKey !== y.podKey || x.hostname !== y.hostname || x.node !== y.node) return false;
    const kx = Object.keys(x.ports), ky = Object.keys(y.ports);
    if (kx.length !== ky.length || kx.some((k) => x.ports[k] !== y.ports[k])) return false;
  }
  return true;
}

/**
 * A user's write over a Service that no longer has a selector (or is gone) is simply the user's
 * Endpoints at once: the controller will not rewrite it, and the mirroring controller follows it.
 */
export function releaseUserWrite(d: Draft, svcKey: string): void {
  const rec = d.endpoints.get(svcKey);
  if (rec?.userWrite) unmanage(d, rec);
}

/** No longer managed: what stays is the Endpoints object as the API shows it, and proxies follow it. */
function unmanage(d: Draft, rec: EndpointsRecord): void {
  const object = rec.userWrite ?? rec.object;
  d.endpoints = d.endpoints.set(rec.key, { key: rec.key, object, managed: false, entries: entriesOfEndpoints(object) });
  markProxies(d, rec.key);
}

/** One sync of one Service: what a real controller does when its work queue hands it the key. */
export function syncEndpoints(d: Draft, svcKey: string): void {
  d.pendingEndpoints = d.pendingEndpoints.delete(svcKey);
  const svc = d.services.get(svcKey);
  const existing = d.endpoints.get(svcKey);
  if (!svc) {
    // The Service is gone: its Endpoints go too, whoever wrote them. KK endpoints_controller.go
    // syncService deletes the same-named Endpoints on a missing Service without looking at who
    // created them, so a selectorless Service's manual Endpoints are deleted with it.
    if (existing) {
      d.endpoints = d.endpoints.delete(svcKey);
      markProxies(d, svcKey);
    }
    return;
  }
  const spec = svc.object.spec;
  if (spec.type === 'ExternalName' || !spec.selector) {
    if (existing?.managed) unmanage(d, existing);
    return;
  }
  const ns = svc.object.metadata.namespace!;
  const candidates = new Set(selectedPods(d, ns, spec.selector));
  for (const k of svc.members.keys()) candidates.add(k);
  let members = svc.members;
  const entries: SliceEntry[] = [];
  for (const podKey of [...candidates].sort()) {
    const pod = d.pods.get(podKey);
    const labels = pod?.object.metadata.labels;
    const selected = !!pod && Object.keys(spec.selector).every((k) => labels?.[k] === spec.selector![k]);
    const prev: MembershipSnap = members.get(podKey) ?? tables.membership.initial();
    const snap = tables.membership.next(prev, {
      type: 'EVALUATE',
      selected,
      hasIP: !!pod?.status.ip,
      terminal: pod?.status.phase === 'Succeeded' || pod?.status.phase === 'Failed',
      terminating: pod?.deletedAt !== undefined,
      podReady: !!pod?.status.ready,
      publishNotReady: !!spec.publishNotReadyAddresses,
    }).snap;
    members = snap.value === 'notSelected' ? members.delete(podKey) : members.set(podKey, snap);
    if (snap.value !== 'notSelected' && pod) {
      const e = entryFor(svc.object, pod, snap.value as string);
      // A pod none of whose ports resolve is not an endpoint at all (B1.4).
      if ((spec.ports ?? []).length === 0 || Object.keys(e.ports).length > 0) entries.push(e);
    }
  }
  if (members !== svc.members) d.services = d.services.set(svcKey, { ...svc, members });
  // A user's write is overwritten even when the pods have not changed (syncService compares the stored subsets).
  if (existing?.managed && !existing.userWrite && sameEntries(existing.entries, entries)) return;
  const labels = { ...(svc.object.metadata.labels ?? {}) };
  if (spec.clusterIP === 'None' || !spec.clusterIP) labels['service.kubernetes.io/headless'] = '';
  labels[MANAGED_BY_LABEL] = ENDPOINTS_CONTROLLER;
  const object: Endpoints = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: svc.object.metadata.name, namespace: ns, labels, uid: existing?.object.metadata.uid ?? svc.object.metadata.uid },
    subsets: repack(svc.object, entries),
  };
  const record: EndpointsRecord = { key: svcKey, object, managed: true, entries };
  d.endpoints = d.endpoints.set(svcKey, record);
  markProxies(d, svcKey);
}

