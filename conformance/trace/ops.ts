// What operation a recorded event stands for, in the contract's terms (docs/contract.md section 2), so the
// invariants that read `op` mean the same on a recording as on the model:
//   ADDED/MODIFIED → {op: 'apply', object}; DELETED → {op: 'delete', kind, namespace, name};
//   an Endpoints object the endpoints controller wrote → {op: 'sync', controller: 'endpoints'}.
// The recording shows the object as stored, not the request, so for a Service `object` is the
// stored spec without the fields the server fills in and a user normally leaves out: clusterIP(s),
// healthCheckNodePort, status, and every nodePort the user did not demonstrably ask for. A nodePort
// counts as asked for when the object's kubectl.kubernetes.io/last-applied-configuration requests
// that very value for the port's name, or a manager owns it in metadata.managedFields (a request
// that sets a nodePort makes its manager the owner; a nodePort the API server allocated because the
// request left it out has no owner: managedFields are computed from the request, before allocation).
// Without this, service/node-port/stable could never tell kubernetes/kubernetes#103532 (nodePorts
// reallocated on an update that did not ask for new ones) from an update that asked.
// Who wrote an object is read from metadata.managedFields: the newest entry's manager; a tie or no
// managedFields at all counts as a user write, the reading that can never raise a false alarm.
import type { Operation } from '../../model/index.ts';
import { isObj, meta, type TraceEvent } from './event.ts';

type Obj = Record<string, unknown>;

export const ENDPOINTS_CONTROLLER = 'kube-controller-manager';
export const SLICE_CONTROLLER = 'endpointslice-controller.k8s.io';

/** The manager of the newest managedFields entry, undefined when there is none or a tie. */
export function lastWriter(o: Obj): string | undefined {
  const mf = meta(o).managedFields;
  if (!Array.isArray(mf)) return undefined;
  let best: string | undefined, who: string | undefined, tie = false;
  for (const f of mf) {
    if (!isObj(f) || typeof f.time !== 'string') continue;
    if (best === undefined || f.time > best) { best = f.time; who = String(f.manager ?? ''); tie = false; }
    else if (f.time === best && f.manager !== who) tie = true;
  }
  return tie ? undefined : who;
}

export function writtenByController(ev: TraceEvent): boolean {
  const o = ev.object;
  if (o.kind === 'Endpoints') return lastWriter(o) === ENDPOINTS_CONTROLLER;
  if (o.kind === 'EndpointSlice') return (meta(o).labels as Obj | undefined)?.['endpointslice.kubernetes.io/managed-by'] === SLICE_CONTROLLER;
  return false;
}

const portName = (p: Obj): string => (typeof p.name === 'string' ? p.name : '');

/** nodePorts (by port name) the user asked for, per last-applied-configuration and managedFields. */
export function askedNodePorts(o: Obj): Map<string, number> {
  const asked = new Map<string, number>();
  const ports = ((isObj(o.spec) && Array.isArray(o.spec.ports)) ? o.spec.ports : []).filter(isObj);
  const stored = new Map(ports.map((p) => [portName(p), p.nodePort]));
  const m = meta(o);
  const ann = isObj(m.annotations) ? m.annotations['kubectl.kubernetes.io/last-applied-configuration'] : undefined;
  if (typeof ann === 'string') {
    try {
      const applied: unknown = JSON.parse(ann);
      const aps = isObj(applied) && isObj(applied.spec) && Array.isArray(applied.spec.ports) ? applied.spec.ports : [];
      for (const p of aps) {
        if (isObj(p) && typeof p.nodePort === 'number' && p.nodePort !== 0 && stored.get(portName(p)) === p.nodePort) asked.set(portName(p), p.nodePort);
      }
    } catch { /* an unreadable annotation asks for nothing */ }
  }
  for (const f of Array.isArray(m.managedFields) ? m.managedFields : []) {
    if (!isObj(f) || !isObj(f.fieldsV1)) continue;
    const spec = f.fieldsV1['f:spec'];
    const owned = isObj(spec) && isObj(spec['f:ports']) ? spec['f:ports'] : {};
    for (const [k, v] of Object.entries(owned)) {
      if (!k.startsWith('k:') || !isObj(v) || !('f:nodePort' in v)) continue;
      try {
        const key = JSON.parse(k.slice(2)) as Obj;
        const p = ports.find((q) => q.port === key.port && (q.protocol ?? 'TCP') === (key.protocol ?? 'TCP'));
        if (p && typeof p.nodePort === 'number') asked.set(portName(p), p.nodePort);
      } catch { /* not a list key */ }
    }
  }
  return asked;
}

/** The Service a user would have sent: the stored one without server-set fields (see the file comment). */
export function requestedService(o: Obj): Obj {
  const spec = isObj(o.spec) ? { ...o.spec } : {};
  delete spec.clusterIP;
  delete spec.clusterIPs;
  delete spec.healthCheckNodePort;
  if (Array.isArray(spec.ports)) {
    const asked = askedNodePorts(o);
    spec.ports = spec.ports.filter(isObj).map((p) => {
      const { nodePort, ...rest } = p;
      return asked.get(portName(p)) === nodePort ? p : rest;
    });
  }
  const m = meta(o);
  return { apiVersion: o.apiVersion, kind: 'Service', metadata: { namespace: m.namespace, name: m.name }, spec };
}

export function operationOf(ev: TraceEvent): Operation {
  const o = ev.object;
  const m = meta(o);
  const kind = String(o.kind);
  const namespace = typeof m.namespace === 'string' ? m.namespace : '';
  const name = typeof m.name === 'string' ? m.name : '';
  if (ev.type === 'DELETED') return { op: 'delete', kind, namespace, name } as Operation;
  if ((kind === 'Endpoints' || kind === 'EndpointSlice') && writtenByController(ev)) {
    return { op: 'sync', controller: 'endpoints', target: `${namespace}/${kind === 'Endpoints' ? name : String((m.labels as Obj)['kubernetes.io/service-name'])}` } as Operation;
  }
  const object = kind === 'Service' ? requestedService(o) : { kind: kind === 'EndpointSlice' ? 'Endpoints' : kind, metadata: { namespace, name } };
  return { op: 'apply', object } as unknown as Operation;
}
