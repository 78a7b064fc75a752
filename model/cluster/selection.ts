/**
 * Label selection with indexes, so finding the pods a Service selects (and the Services a pod
 * change affects) costs in proportion to the matches, not to the cluster. Selection is
 * equality-based (labels.SelectorFromSet): nil selects nothing. A Service never reaches here with
 * `{}`: defaulting drops an empty selector, as storage does upstream (model/k8s/defaults.ts).
 */
import type { Draft } from './draft.ts';
import { PMap } from './pmap.ts';
import type { ClusterState } from './state.ts';

const SEP = '\u0000';

function labelKey(ns: string, k: string, v: string): string {
  return `${ns}${SEP}${k}=${v}`;
}

export function selects(selector: Record<string, string> | null | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  for (const k in selector) if (labels?.[k] !== selector[k]) return false;
  return true;
}

/** Whether two label sets are the same (a missing set is an empty one). */
export function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  let n = 0;
  for (const k in a) {
    if (a[k] !== b?.[k]) return false;
    n++;
  }
  for (const _ in b) n--;
  return n === 0;
}

function addTo(index: PMap<PMap<true>>, key: string, member: string): PMap<PMap<true>> {
  return index.set(key, (index.get(key) ?? PMap.empty<true>()).set(member, true));
}

function removeFrom(index: PMap<PMap<true>>, key: string, member: string): PMap<PMap<true>> {
  const set = index.get(key);
  if (!set) return index;
  const next = set.delete(member);
  return next.size === 0 ? index.delete(key) : index.set(key, next);
}

/** What the indexes read of a pod's metadata. */
export interface IndexedMeta {
  readonly labels?: Record<string, string>;
  readonly ownerReferences?: unknown;
}

/** The uid of the pod's controller: its ownerReference with `controller: true` (the first, as ClaimPods reads it). */
export function controllerUid(meta: IndexedMeta | undefined): string | undefined {
  const refs = meta?.ownerReferences as { uid?: string; controller?: boolean }[] | undefined;
  return refs?.find((o) => o.controller)?.uid;
}

/**
 * The podIndex entry of the pods whose controller has this uid. Why: a ReplicationController
 * finds the pods it controls (to release or garbage-collect them) on every pod change in its
 * namespace; scanning the namespace made each such step O(pods) — 200x slower at 10,000 pods in
 * bench/step.bench.ts. A label key cannot contain NUL, so this key cannot clash with a label's.
 */
export function controllerIndexKey(ns: string, uid: string): string {
  return `${ns}${SEP}${SEP}controller=${uid}`;
}

export function indexPod(d: Draft, ns: string, podKey: string, meta: IndexedMeta | undefined): void {
  const labels = meta?.labels;
  d.podIndex = addTo(d.podIndex, ns, podKey);
  for (const k in labels ?? {}) d.podIndex = addTo(d.podIndex, labelKey(ns, k, labels![k]), podKey);
  const owner = controllerUid(meta);
  if (owner !== undefined) d.podIndex = addTo(d.podIndex, controllerIndexKey(ns, owner), podKey);
}

export function unindexPod(d: Draft, ns: string, podKey: string, meta: IndexedMeta | undefined): void {
  const labels = meta?.labels;
  d.podIndex = removeFrom(d.podIndex, ns, podKey);
  for (const k in labels ?? {}) d.podIndex = removeFrom(d.podIndex, labelKey(ns, k, labels![k]), podKey);
  const owner = controllerUid(meta);
  if (owner !== undefined) d.podIndex = removeFrom(d.podIndex, controllerIndexKey(ns, owner), podKey);
}

function serviceIndexKey(ns: string, selector: Record<string, string>): string {
  const keys = Object.keys(selector).sort();
  return keys.length === 0 ? `${ns}${SEP}{}` : labelKey(ns, keys[0], selector[keys[0]]);
}

export function indexService(d: Draft, ns: string, svcKey: string, selector: Record<string, string> | null | undefined): void {
  if (selector) d.serviceIndex = addTo(d.serviceIndex, serviceIndexKey(ns, selector), svcKey);
}

export function unindexService(d: Draft, ns: string, svcKey: string, selector: Record<string, string> | null | undefined): void {
  if (selector) d.serviceIndex = removeFrom(d.serviceIndex, serviceIndexKey(ns, selector), svcKey);
}

/** Pod keys in `ns` whose labels match `selector` (smallest index set first, then filtered). */
export function selectedPods(s: Pick<ClusterState, 'podIndex' | 'pods'>, ns: string, selector: Record<string, string> | null | undefined): string[] {
  if (!selector) return [];
  const keys = Object.keys(selector);
  let smallest = s.podIndex.get(ns);
  for (const k of keys) {
    const set = s.podIndex.get(labelKey(ns, k, selector[k]));
    if (!set) return [];
    if (!smallest || set.size < smallest.size) smallest = set;
  }
  if (!smallest) return [];
  const out: string[] = [];
  for (const podKey of smallest.keys()) {
    if (keys.length <= 1 || selects(selector, s.pods.get(podKey)?.object.metadata.labels)) out.push(podKey);
  }
  return out;
}

/** Services in `ns` whose selector could match a pod with any of these label sets. */
export function candidateServices(s: Pick<ClusterState, 'serviceIndex'>, ns: string, ...labelSets: (Record<string, string> | undefined)[]): Set<string> {
  const out = new Set<string>();
  for (const k of s.serviceIndex.get(`${ns}${SEP}{}`)?.keys() ?? []) out.add(k);
  for (const labels of labelSets) {
    for (const k in labels ?? {}) {
      for (const svc of s.serviceIndex.get(labelKey(ns, k, labels![k]))?.keys() ?? []) out.add(svc);
    }
  }
  return out;
}
