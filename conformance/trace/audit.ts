// Kubernetes audit logs: audit.k8s.io Event JSON lines (log backend), also one event per file,
// pretty-printed events, or EventList batches (webhook backend).
//
// What each audit level can tell:
// - RequestResponse: responseObject is the object as stored -> detail 'full'.
// - Request: requestObject is what the client sent -> detail 'request'. It lacks every server-set
//   field: uid, resourceVersion, creationTimestamp, generated name, allocated clusterIP/nodePort,
//   defaults, and (for create) status. For patch it is the patch document, so it is not used.
// - Metadata: only verb + objectRef -> detail 'metadata-only', object = {kind, apiVersion,
//   metadata:{namespace, name[, uid, resourceVersion]}}. Such an event says THAT an object was
//   created/changed/deleted, never WHAT it holds: no selector, ports, clusterIP, type, pod IP,
//   readiness, endpoint addresses. A checker can replay existence (which objects are live), not
//   Service semantics; a create whose name the server generated cannot even be identified (skipped).
// Other decisions: only stage ResponseComplete counts (each request logs up to 3 stages); failed
// requests (code outside 2xx) are skipped and counted; get/list/watch are skipped; deletecollection
// is skipped (which objects went is not recorded); subresource status counts as MODIFIED of the
// parent, other subresources (exec, binding, eviction, ...) are skipped.
import {
  Emitter, TRC, TraceError, isObj, meta,
  type EventType, type ReadOptions, type SourcePos, type TraceEvent, type TraceStats,
} from './event.ts';
import { parseAt } from './json-parse.ts';
import { units } from './json-splitter.ts';

type Obj = Record<string, unknown>;

export const KIND_BY_RESOURCE: Readonly<Record<string, string>> = {
  pods: 'Pod', services: 'Service', endpoints: 'Endpoints', endpointslices: 'EndpointSlice',
  nodes: 'Node', namespaces: 'Namespace', replicationcontrollers: 'ReplicationController',
  ingresses: 'Ingress', ingressclasses: 'IngressClass',
};

const READ_ONLY = new Set(['get', 'list', 'watch']);

/** One parsed audit Event as a TraceEvent; undefined when it is not an object change (counted). */
export function auditEvent(o: unknown, pos: SourcePos, em: Emitter): TraceEvent | undefined {
  if (!isObj(o) || o.kind !== 'Event' || typeof o.verb !== 'string' || typeof o.stage !== 'string'
    || (o.apiVersion !== undefined && !String(o.apiVersion).startsWith('audit.k8s.io/'))) {
    throw TraceError.at(pos, TRC.BAD_AUDIT, 'not an audit.k8s.io Event (needs kind "Event", verb and stage)');
  }
  const skip = (why: string): undefined => {
    em.stats.skippedAudit[why] = (em.stats.skippedAudit[why] ?? 0) + 1;
    return undefined;
  };
  const ref = isObj(o.objectRef) ? o.objectRef : undefined;
  const verb = o.verb;
  if (!ref || typeof ref.resource !== 'string') return skip('nonResource');
  if (o.stage !== 'ResponseComplete') return skip('stage');
  if (READ_ONLY.has(verb)) return skip('readOnly');
  const code = isObj(o.responseStatus) ? o.responseStatus.code : undefined;
  if (typeof code !== 'number' || code < 200 || code >= 300) return skip('failed');
  if (verb === 'deletecollection') return skip('deletecollection');
  if (!['create', 'update', 'patch', 'delete'].includes(verb)) return skip('otherVerb');
  const sub = ref.subresource;
  if (sub !== undefined && !(sub === 'status' && (verb === 'update' || verb === 'patch'))) return skip('subresource');

  const kind = KIND_BY_RESOURCE[ref.resource];
  if (!kind) {
    em.skip(typeof ref.apiGroup === 'string' && ref.apiGroup ? `${ref.resource}.${ref.apiGroup}` : ref.resource, pos);
    return undefined;
  }
  const resp = o.responseObject, req = o.requestObject;
  let object: Obj, detail: TraceEvent['detail'];
  if (isObj(resp) && resp.kind === kind) {
    object = resp; detail = 'full';
  } else if (isObj(req) && (verb === 'create' || verb === 'update') && (req.kind === kind || req.kind === undefined)) {
    object = req; detail = 'request';
  } else {
    object = {}; detail = 'metadata-only';
    const api = typeof ref.apiGroup === 'string' && ref.apiGroup ? `${ref.apiGroup}/${String(ref.apiVersion)}` : ref.apiVersion;
    if (typeof api === 'string') object.apiVersion = api;
    const m: Obj = {};
    for (const k of ['namespace', 'name', 'uid', 'resourceVersion']) if (typeof ref[k] === 'string') m[k] = ref[k];
    object.metadata = m;
  }
  object.kind = kind;
  // request bodies often leave out what the URL says
  const m = meta(object);
  if (object.metadata !== m) object.metadata = m;
  if (m.namespace === undefined && typeof ref.namespace === 'string') m.namespace = ref.namespace;
  if (m.name === undefined && typeof ref.name === 'string') m.name = ref.name;
  if (typeof m.name !== 'string') return skip('unnamed');

  let type: EventType;
  if (verb === 'delete') {
    // graceful deletion or finalizers: the object is still there, only marked (202, or a body that says so)
    const pending = detail === 'full' && typeof m.deletionTimestamp === 'string'
      && ((Array.isArray(m.finalizers) && m.finalizers.length > 0) || Number(m.deletionGracePeriodSeconds) > 0);
    type = code === 202 || pending ? 'MODIFIED' : 'DELETED';
  } else {
    type = verb === 'create' || code === 201 ? 'ADDED' : 'MODIFIED'; // update/apply-patch can create (201)
  }
  const time = [o.stageTimestamp, o.requestReceivedTimestamp, o.timestamp].find((t) => typeof t === 'string') as string | undefined;
  return em.event(type, object, pos, time, detail);
}

export async function* readAudit(chunks: AsyncIterable<string | Buffer> | string, file: string,
  opts: ReadOptions = {}): AsyncGenerator<TraceEvent, TraceStats> {
  const em = new Emitter(opts);
  for await (const batch of units(chunks, file)) {
    for (const u of batch) {
      const o = u.k === 'value' && u.parsed !== undefined ? u.parsed : parseAt(u.text, u.pos);
      if (u.k === 'listEnd') {
        if (isObj(o) && o.kind !== undefined && o.kind !== 'EventList') {
          throw TraceError.at(u.pos, TRC.BAD_AUDIT, `expected an audit EventList, found ${JSON.stringify(o.kind)}`);
        }
        continue;
      }
      if (u.k === 'item' && isObj(o) && o.kind === undefined) o.kind = 'Event'; // EventList items may omit it
      const ev = auditEvent(o, u.pos, em);
      if (ev) yield ev;
    }
  }
  return em.stats;
}
