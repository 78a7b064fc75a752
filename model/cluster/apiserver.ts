/**
 * `apply` and `delete`: the API server's front door. Every kind goes through the same steps —
 * shape check, defaulting, update patching, validation (model/k8s/validation), storage — and a
 * refusal returns the API server's reason and wording. The step discards the draft on refusal,
 * so a refused request changes nothing.
 */
import type { ApiError } from '../k8s/field-errors.ts';
import { notFound } from '../k8s/field-errors.ts';
import type { AnyObject, Endpoints, Ingress, IngressClass, KubeObject, Node, Pod, ReplicationController, Service } from '../k8s/objects.ts';
import { KINDS, type Kind } from '../k8s/objects.ts';
import { type AdmissionResult, defaultAndValidate } from '../k8s/validation/index.ts';
import type { Draft } from './draft.ts';
import { newUid, nextSeq } from './draft.ts';
import { entriesOfEndpoints } from './endpoints-controller.ts';
import { storeIngress, storeIngressClass, deleteIngress, deleteIngressClass } from './ingresses.ts';
import { addNode, deleteNode } from './nodes.ts';
import { markEndpoints, markProxies } from './pending.ts';
import { createPod, deletePod, updatePod } from './pods.ts';
import { ownedPods, reconcileNamespaces } from './replication.ts';
import { allocateService, deleteService, patchFromOld, storeService } from './services.ts';
import { ownedAfterWrite } from './service-ownership.ts';
import { objectKey } from './state.ts';
import { timestamp } from './time.ts';

export type ApplyOutcome = { ok: true; object: KubeObject } | { ok: false; error: ApiError };

function kindOf(obj: { kind?: unknown; apiVersion?: unknown }): Kind | ApiError {
  const kind = String(obj.kind ?? '');
  const info = (KINDS as Record<string, { apiVersion: string }>)[kind];
  if (!info || (obj.apiVersion !== undefined && obj.apiVersion !== info.apiVersion)) {
    return { reason: 'BadRequest', message: `no matches for kind "${kind}" in version "${String(obj.apiVersion ?? '')}"` };
  }
  return kind as Kind;
}

function existingObject(d: Draft, kind: Kind, key: string): AnyObject | undefined {
  switch (kind) {
    case 'Pod': return d.pods.get(key)?.object;
    case 'Service': return d.services.get(key)?.object;
    case 'Endpoints': {
      const rec = d.endpoints.get(key);
      return rec?.userWrite ?? rec?.object;
    }
    case 'ReplicationController': return d.rcs.get(key);
    case 'Node': { const n = d.nodes.get(key); return n ? nodeObject(n.name, n.ip) : undefined; }
    case 'Ingress': return d.ingresses.get(key)?.object;
    case 'IngressClass': return d.ingressClasses.get(key);
  }
}

export function nodeObject(name: string, ip: string): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { addresses: [{ type: 'InternalIP', address: ip }] } };
}

export function storageKey(kind: Kind, namespace: string | undefined, name: string): string {
  return KINDS[kind].namespaced ? objectKey(namespace, name) : name;
}

/**
 * Admission (defaulting, update patching, validation) depends only on the manifest's content and
 * the stored object it replaces (immutable here): its outcome is memoised on the manifest's JSON
 * text and the old object's identity, so the same operation applied in many states (as the
 * explorer does) is admitted once. The manifest is copied before admission, so nothing stored
 * ever aliases what the caller passed. The cache is bounded and holds no state of its own.
 */
const admissions = new Map<string, WeakMap<object, AdmissionResult>>();
const ADMISSION_CACHE_LIMIT = 20_000;
const NO_OLD = {};

function admit(withNs: KubeObject, old: AnyObject | undefined): AdmissionResult {
  const text = JSON.stringify(withNs);
  let byOld = admissions.get(text);
  if (!byOld) {
    if (admissions.size >= ADMISSION_CACHE_LIMIT) admissions.clear();
    admissions.set(text, (byOld = new WeakMap()));
  }
  const hit = byOld.get(old ?? NO_OLD);
  if (hit) return hit;
  const patch = withNs.kind === 'Service' && old ? (s: Service) => patchFromOld(s, old as Service) : undefined;
  let result: AdmissionResult;
  try {
    result = defaultAndValidate(JSON.parse(text), old, patch as ((d: never) => KubeObject) | undefined);
  } catch (e) {
    // A field of the wrong JSON type: the API server cannot even decode the body (a 400, not a 422).
    const message = `the ${withNs.kind} could not be decoded: a field has the wrong type (${e instanceof Error ? e.message : String(e)})`;
    result = { ok: false, errors: [], error: { reason: 'BadRequest', message } };
  }
  byOld.set(old ?? NO_OLD, result);
  return result;
}

export function apply(d: Draft, manifest: KubeObject): ApplyOutcome {
  const kind = kindOf(manifest);
  if (typeof kind !== 'string') return { ok: false, error: kind };
  const meta = manifest.metadata ?? {};
  const namespaced = KINDS[kind].namespaced;
  const withNs = { ...manifest, apiVersion: KINDS[kind].apiVersion, metadata: { ...meta, ...(namespaced ? { namespace: meta.namespace ?? 'default' } : {}) } };
  const key = storageKey(kind, withNs.metadata.namespace, String(meta.name ?? ''));
  const old = meta.name ? existingObject(d, kind, key) : undefined;
  const checked = admit(withNs, old);
  if (!checked.ok) return { ok: false, error: checked.error };
  const seq = nextSeq(d);
  const object = stamp(d, checked.object as KubeObject, old, seq);
  switch (kind) {
    case 'Service': {
      const rec = d.services.get(key);
      const r = allocateService(d, key, object as Service, rec?.object);
      if (!r.ok) return r;
      const owned = ownedAfterWrite((withNs as Service).spec, rec?.object.spec, rec?.owned ?? []);
      return { ok: true, object: storeService(d, key, r.service, rec, seq, owned) };
    }
    case 'Pod': {
      const rec = d.pods.get(key);
      const stored = rec ? updatePod(d, rec, object as Pod) : createPod(d, key, object as Pod, seq);
      return { ok: true, object: { ...stored.object, status: (object as Pod).status } };
    }
    case 'Endpoints': {
      const ep = object as Endpoints;
      const existing = d.endpoints.get(key);
      const spec = d.services.get(key)?.object.spec;
      if (existing?.managed && spec?.selector && spec.type !== 'ExternalName') {
        // Kept as written until the controller's next sync of the Service, which no Endpoints
        // write triggers (KK v1.37 NewEndpointController: the Endpoints informer has a DeleteFunc alone).
        d.endpoints = d.endpoints.set(key, { ...existing, userWrite: ep });
        return { ok: true, object: ep };
      }
      d.endpoints = d.endpoints.set(key, { key, object: ep, managed: false, entries: entriesOfEndpoints(ep) });
      markProxies(d, key);
      return { ok: true, object: ep };
    }
    case 'ReplicationController': {
      const rc = object as ReplicationController;
      d.rcs = d.rcs.set(key, rc);
      // Every RC of the namespace: the new one may contest another's orphans (replication.ts).
      reconcileNamespaces(d, [rc.metadata.namespace!]);
      return { ok: true, object: rc };
    }
    case 'Node': return { ok: true, object: addNode(d, object as Node) };
    case 'Ingress': return { ok: true, object: storeIngress(d, key, object as Ingress) };
    case 'IngressClass': return { ok: true, object: storeIngressClass(d, key, object as IngressClass) };
  }
}

/** Server-set metadata: uid and creationTimestamp on create (kept on update), a resourceVersion each write. */
function stamp(d: Draft, obj: KubeObject, old: AnyObject | undefined, seq: number): KubeObject {
  const metadata = {
    ...obj.metadata,
    uid: old?.metadata.uid ?? newUid(d),
    creationTimestamp: old?.metadata.creationTimestamp ?? timestamp(d.time),
    resourceVersion: String(seq),
  };
  return { ...obj, metadata };
}

export function remove(d: Draft, kind: string, namespace: string | undefined, name: string): ApiError | undefined {
  const k = kindOf({ kind });
  if (typeof k !== 'string') return k;
  const key = storageKey(k, namespace ?? 'default', name);
  const missing = notFound(KINDS[k].resource, name);
  switch (k) {
    case 'Pod': {
      const pod = d.pods.get(key);
      if (!pod) return missing;
      deletePod(d, pod);
      return undefined;
    }
    case 'Service': {
      const svc = d.services.get(key);
      if (!svc) return missing;
      deleteService(d, svc);
      return undefined;
    }
    case 'Endpoints': {
      if (!d.endpoints.has(key)) return missing;
      d.endpoints = d.endpoints.delete(key);
      if (d.services.get(key)?.object.spec.selector) markEndpoints(d, key);
      markProxies(d, key);
      return undefined;
    }
    case 'ReplicationController': {
      const rc = d.rcs.get(key);
      if (!rc) return missing;
      d.rcs = d.rcs.delete(key);
      // kubectl's default cascade: the garbage collector deletes the pods the RC owned.
      for (const podKey of ownedPods(d, rc)) deletePod(d, d.pods.get(podKey)!);
      return undefined;
    }
    case 'Node': return d.nodes.has(key) ? deleteNode(d, key) : missing;
    case 'Ingress': return d.ingresses.has(key) ? deleteIngress(d, key) : missing;
    case 'IngressClass': return d.ingressClasses.has(key) ? deleteIngressClass(d, key) : missing;
  }
}
