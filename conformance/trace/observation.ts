// Observation entries (docs/contract.md section 3) from real Kubernetes objects, so the spec's invariants
// read a recording exactly as they read the model. Only what the objects say goes in, never a
// clock reading: pods carry no startedAt and no probe counters, Services no `created`.
//
// - Pod: phase from status.phase; ready from the Ready condition; terminating from
//   metadata.deletionTimestamp; ip from status.podIP (else podIPs[0]); containers from
//   spec.containers and sidecars (init containers with restartPolicy Always; named targetPorts
//   resolve against them too, docs/semantics.md B1.4) joined by name with their statuses (ready, restarts);
//   controller from the ownerReference with controller: true.
// - Service: the model's own serviceView, plus the legacy annotation
//   `service.alpha.kubernetes.io/tolerate-unready-endpoints: "true"`, which the endpoints
//   controller honours exactly as spec.publishNotReadyAddresses, so it sets that flag.
// - Endpoints: the model's endpointsView; for a Service with a selector, marked userWritten when the
//   object says a user wrote it last: no label endpoints.kubernetes.io/managed-by=endpoint-controller
//   (the controller sets it on every write, v1.37 endpoints_controller.go syncService) and a last
//   managedFields entry whose manager is not kube-controller-manager. An object that says neither
//   (recordings from before managedFields) counts as the controller's.
// - EndpointSlices (discovery.k8s.io/v1) are folded into an Endpoints view of their Service
//   (label kubernetes.io/service-name), and only when the recording holds no Endpoints object of
//   that name: clusters and recordings that no longer carry Endpoints are still checked. Each slice
//   becomes one subset. An endpoint goes to addresses when conditions.ready is true or absent (the
//   API's "unknown means ready"), else to notReadyAddresses, except that a terminating endpoint
//   that is not ready is dropped: the EndpointSlice controller keeps terminating pods (docs/semantics.md
//   B1.8) where the Endpoints controller removes them, and the invariants speak Endpoints. Only
//   one address family is folded: IPv4 when the Service has any IPv4 slice, else IPv6 (pods show
//   one IP); FQDN slices are skipped.
import { endpointsView, serviceView } from '../../model/index.ts';
import type { EndpointSubsetView, EndpointsView, NodeView, PodView, ServiceView } from '../../model/index.ts';
import type { EndpointSubset, Service } from '../../model/k8s/objects.ts';
import { isObj, meta } from './event.ts';
import { ENDPOINTS_CONTROLLER, MANAGED_BY_LABEL } from '../../model/cluster/endpoints-controller.ts';

type Obj = Record<string, unknown>;

const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const TOLERATE_UNREADY = 'service.alpha.kubernetes.io/tolerate-unready-endpoints';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

function labelsOf(m: Obj): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(m.labels))) if (typeof v === 'string') out[k] = v;
  return out;
}

export function podViewOf(o: Obj): PodView {
  const m = meta(o);
  const spec = obj(o.spec);
  const st = obj(o.status);
  const ready = arr(st.conditions).some((c) => isObj(c) && c.type === 'Ready' && c.status === 'True');
  const statuses = new Map<string, Obj>();
  for (const s of [...arr(st.containerStatuses), ...arr(st.initContainerStatuses)]) if (isObj(s) && typeof s.name === 'string') statuses.set(s.name, s);
  // sidecars (init containers with restartPolicy Always) serve ports and count for readiness like containers
  const sidecars = arr(spec.initContainers).filter((c) => isObj(c) && c.restartPolicy === 'Always');
  const containers = [...arr(spec.containers), ...sidecars].filter(isObj).map((c) => {
    const name = str(c.name) ?? '';
    const cs = statuses.get(name);
    const v: PodView['containers'][number] = { name, ready: cs?.ready === true, restartCount: typeof cs?.restartCount === 'number' ? cs.restartCount : 0 };
    const ports = arr(c.ports).filter(isObj);
    if (ports.length) {
      v.ports = ports.map((p) => {
        const cp = { containerPort: Number(p.containerPort), protocol: (str(p.protocol) ?? 'TCP') as 'TCP' };
        return typeof p.name === 'string' && p.name ? { name: p.name, ...cp } : cp;
      });
    }
    // envFrom names come from ConfigMaps and Secrets a recording does not show: only env's.
    const envNames = arr(c.env).filter(isObj).map((e) => str(e.name)).filter((n): n is string => !!n);
    if (envNames.length) v.envNames = [...new Set(envNames)];
    return v;
  });
  const firstIP = arr(st.podIPs).find(isObj);
  const v: PodView = {
    namespace: str(m.namespace) ?? '',
    name: str(m.name) ?? '',
    uid: str(m.uid) ?? '',
    labels: labelsOf(m),
    node: str(spec.nodeName) ?? '',
    ip: str(st.podIP) ?? str(firstIP?.ip) ?? '',
    phase: (str(st.phase) ?? 'Pending') as PodView['phase'],
    ready,
    terminating: typeof m.deletionTimestamp === 'string',
    containers,
  };
  if (spec.hostNetwork === true) v.hostNetwork = true;
  const owner = arr(m.ownerReferences).filter(isObj).find((o) => o.controller === true);
  if (typeof owner?.kind === 'string' && typeof owner.name === 'string') v.controller = { kind: owner.kind, name: owner.name };
  return v;
}

export function serviceViewOf(o: Obj): ServiceView {
  const m = meta(o);
  const spec = obj(o.spec);
  const svc = { ...o, metadata: { ...m, namespace: str(m.namespace) ?? '' }, spec: { ...spec, ports: arr(spec.ports).filter(isObj) } } as unknown as Service;
  if (!isObj(spec.selector)) delete (svc.spec as Obj).selector;
  const v = serviceView(svc);
  if (obj(m.annotations)[TOLERATE_UNREADY] === 'true') v.publishNotReadyAddresses = true;
  return v;
}

export function endpointsViewOf(o: Obj, selectorService = false): EndpointsView {
  const m = meta(o);
  const subsets = arr(o.subsets).filter(isObj) as EndpointSubset[];
  return endpointsView(str(m.namespace) ?? '', str(m.name) ?? '', subsets, selectorService && userWroteLast(m));
}


function userWroteLast(m: Obj): boolean {
  if (labelsOf(m)[MANAGED_BY_LABEL] === ENDPOINTS_CONTROLLER) return false;
  // The latest entry by time (RFC 3339 strings order as times); the list's own order means nothing.
  let last: Obj | undefined;
  for (const f of arr(m.managedFields).filter(isObj)) if (!last || String(f.time ?? '') >= String(last.time ?? '')) last = f;
  return last !== undefined && typeof last.manager === 'string' && last.manager !== 'kube-controller-manager';
}

/** The Service an EndpointSlice belongs to, or undefined when it names none. */
export function sliceService(o: Obj): string | undefined {
  return str(obj(meta(o).labels)[SERVICE_NAME_LABEL]);
}

export interface SliceSubset {
  readonly family: 'IPv4' | 'IPv6';
  readonly subset: EndpointSubsetView;
}

/** One EndpointSlice as the subset it contributes (undefined for FQDN slices). */
export function sliceSubset(o: Obj): SliceSubset | undefined {
  const family = o.addressType;
  if (family !== 'IPv4' && family !== 'IPv6') return undefined;
  const ns = str(meta(o).namespace) ?? '';
  const subset: EndpointSubsetView = { addresses: [], notReadyAddresses: [], ports: [] };
  for (const p of arr(o.ports).filter(isObj)) {
    const pv: EndpointSubsetView['ports'][number] = { port: Number(p.port), protocol: (str(p.protocol) ?? 'TCP') as 'TCP' };
    if (typeof p.name === 'string' && p.name) pv.name = p.name;
    subset.ports.push(pv);
  }
  for (const e of arr(o.endpoints).filter(isObj)) {
    const cond = obj(e.conditions);
    const ready = cond.ready !== false;
    if (!ready && cond.terminating === true) continue;
    const ref = obj(e.targetRef);
    const hostname = str(e.hostname);
    for (const ip of arr(e.addresses)) {
      if (typeof ip !== 'string') continue;
      const a: EndpointSubsetView['addresses'][number] = { ip };
      if (ref.kind === 'Pod' && typeof ref.name === 'string') a.pod = { namespace: str(ref.namespace) ?? ns, name: ref.name };
      if (hostname) a.hostname = hostname;
      (ready ? subset.addresses : subset.notReadyAddresses).push(a);
    }
  }
  return { family, subset };
}

/** The Endpoints view of a Service made of its slices' subsets (slice-name order). */
export function foldSlices(namespace: string, name: string, slices: Iterable<SliceSubset>): EndpointsView {
  const all = [...slices];
  const family = all.some((s) => s.family === 'IPv4') ? 'IPv4' : 'IPv6';
  const subsets = all.filter((s) => s.family === family && (s.subset.addresses.length || s.subset.notReadyAddresses.length)).map((s) => s.subset);
  return { namespace, name, subsets };
}

export function nodeViewOf(o: Obj): NodeView {
  const addrs = arr(obj(o.status).addresses).filter(isObj);
  const internal = addrs.find((a) => a.type === 'InternalIP') ?? addrs[0];
  return { name: str(meta(o).name) ?? '', ip: str(internal?.address) ?? '' };
}
