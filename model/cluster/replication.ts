/**
 * The ReplicationController manager (the seed's kubia RC): keeps `replicas` active pods matching
 * its selector in its namespace, creating `<rc>-<5 characters>` pods from the template and
 * deleting surplus ones. Readiness does not count: an unready pod is not replaced.
 */
import { defaultPod } from '../k8s/defaults.ts';
import type { Pod, ReplicationController } from '../k8s/objects.ts';
import type { Draft } from './draft.ts';
import { allocate, newUid, nextSeq } from './draft.ts';
import { createPod, deletePod } from './pods.ts';
import { controllerIndexKey, indexPod, selectedPods, selects, unindexPod } from './selection.ts';
import { type PodRecord, objectKey } from './state.ts';
import { timestamp } from './time.ts';

/** The alphabet of Kubernetes' generated name suffixes (apimachinery util/rand: no vowels, no 0/1/3). */
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const SUFFIXES = ALPHABET.length ** 5;

function suffix(n: number): string {
  let s = '';
  for (let i = 0; i < 5; i++) {
    s += ALPHABET[n % ALPHABET.length];
    n = Math.floor(n / ALPHABET.length);
  }
  return s;
}

/** The offset `suffix` maps to `<rc>-<suffix>` (NaN for any other name): for Chooser.prefer. */
function suffixOffset(rc: string, name: string | number): number {
  if (typeof name !== 'string' || name.length !== rc.length + 6 || !name.startsWith(`${rc}-`)) return NaN;
  let n = 0;
  for (let i = 4; i >= 0; i--) {
    const digit = ALPHABET.indexOf(name[rc.length + 1 + i]);
    if (digit < 0) return NaN;
    n = n * ALPHABET.length + digit;
  }
  return n;
}

/** KK pkg/controller/controller_utils.go IsPodActive: neither ended nor being deleted. */
function isActive(p: PodRecord): boolean {
  return p.deletedAt === undefined && p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed';
}

/**
 * The pods an RC manages: the active ones its selector matches whose controller is this RC or
 * none. KK pkg/controller/replicaset/replica_set.go syncReplicaSet filters the active pods
 * (FilterActivePods) before pkg/controller/controller_ref_manager.go ClaimPods releases a
 * controlled pod whose labels no longer match and adopts a matching orphan: an ended or
 * terminating pod is neither adopted nor released. The RC reconciles whenever its namespace's
 * pods change, so both have happened by the time anything reads this set.
 */
function active(d: Draft, rc: ReplicationController): string[] {
  return selectedPods(d, rc.metadata.namespace!, rc.spec.selector).filter((k) => {
    const pod = d.pods.get(k)!;
    const refs = (pod.object.metadata.ownerReferences as { uid?: string; controller?: boolean }[] | undefined) ?? [];
    const controller = refs.find((o) => o.controller);
    return (!controller || controller.uid === rc.metadata.uid) && isActive(pod);
  });
}

type OwnerRef = { apiVersion?: string; kind?: string; name?: string; uid?: string; controller?: boolean };

/** The pods whose controller reference names this RC (what the garbage collector follows), from the index. */
function controlled(d: Draft, rc: ReplicationController): string[] {
  return d.podIndex.get(controllerIndexKey(rc.metadata.namespace!, rc.metadata.uid!))?.keys() ?? [];
}

/** Replaces a pod's ownerReferences, keeping the controller index in step. */
function setOwnerReferences(d: Draft, podKey: string, ownerReferences: OwnerRef[]): void {
  const pod = d.pods.get(podKey)!;
  const ns = pod.object.metadata.namespace!;
  const metadata = { ...pod.object.metadata, ownerReferences };
  unindexPod(d, ns, podKey, pod.object.metadata);
  indexPod(d, ns, podKey, metadata);
  d.pods = d.pods.set(podKey, { ...pod, object: { ...pod.object, metadata } });
}

/** ClaimPods releases a pod it controls that its selector no longer matches (the seed's relabelled pod). */
function releaseUnmatched(d: Draft, rc: ReplicationController): void {
  for (const k of controlled(d, rc)) {
    const pod = d.pods.get(k)!;
    if (!isActive(pod) || selects(rc.spec.selector, pod.object.metadata.labels)) continue;
    setOwnerReferences(d, k, ((pod.object.metadata.ownerReferences as OwnerRef[]) ?? []).filter((o) => o.uid !== rc.metadata.uid));
  }
}

/** ClaimPods: an orphan the selector matches is adopted — it gets this RC as its controller. */
function adoptOrphans(d: Draft, rc: ReplicationController): void {
  for (const k of active(d, rc)) {
    const pod = d.pods.get(k)!;
    const refs = (pod.object.metadata.ownerReferences as { controller?: boolean }[] | undefined) ?? [];
    if (refs.some((o) => o.controller)) continue;
    setOwnerReferences(d, k, [...refs, { apiVersion: 'v1', kind: 'ReplicationController', name: rc.metadata.name, uid: rc.metadata.uid, controller: true }]);
  }
}

export function reconcileReplicationController(d: Draft, rc: ReplicationController): void {
  const ns = rc.metadata.namespace!;
  const want = rc.spec.replicas ?? 1;
  releaseUnmatched(d, rc);
  adoptOrphans(d, rc);
  const pods = active(d, rc);
  for (let i = pods.length; i < want; i++) {
    const o = allocate(d, 'podName', SUFFIXES, (n) => !d.pods.has(objectKey(ns, `${rc.metadata.name}-${suffix(n)}`)), {
      subject: objectKey(ns, rc.metadata.name!),
      offsetOf: (v) => suffixOffset(rc.metadata.name!, v),
    });
    if (o < 0) return;
    const name = `${rc.metadata.name}-${suffix(o)}`;
    const tmpl = rc.spec.template!;
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...(tmpl.metadata ?? {}),
        name,
        namespace: ns,
        uid: newUid(d),
        creationTimestamp: timestamp(d.time),
        ownerReferences: [{ apiVersion: 'v1', kind: 'ReplicationController', name: rc.metadata.name, uid: rc.metadata.uid, controller: true }],
      },
      spec: structuredClone(tmpl.spec),
    };
    // The controller POSTs the pod, so the API server defaults it like any other (SetDefaults_Pod:
    // templates lack e.g. enableServiceLinks); otherwise a later update of the pod with its own
    // stored spec — `kubectl label` — would be refused as a spec change.
    createPod(d, objectKey(ns, name), defaultPod(pod), nextSeq(d));
  }
  if (pods.length > want) {
    // Scale down, ranked as the controller ranks (KK pkg/controller/controller_utils.go
    // ActivePodsWithRanks.Less): unassigned before assigned, Pending before Unknown before Running,
    // not ready before ready. Its further criteria (deletion cost, pods doubled up on a node, time
    // ready, restarts, creation time on a logarithmic scale, then the UID as a pseudorandom order)
    // rest on what the model simplifies, so pods that rank alike on the first three may go in any
    // order: a chooser may order them (the conformance runner adopting an implementation's
    // victims, given the pods in the model's order); otherwise the newest goes first.
    const phase: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
    const rank = (a: PodRecord, b: PodRecord) =>
      Number(a.node !== '') - Number(b.node !== '') ||
      (phase[a.status.phase] ?? 2) - (phase[b.status.phase] ?? 2) ||
      Number(a.status.ready) - Number(b.status.ready);
    const created = (p: { object: Pod }) => p.object.metadata.creationTimestamp ?? '';
    const newest = (a: PodRecord, b: PodRecord) => (created(a) === created(b) ? 0 : created(a) < created(b) ? 1 : -1) || b.seq - a.seq;
    const byDefault = pods.map((k) => d.pods.get(k)!).sort((a, b) => rank(a, b) || newest(a, b));
    const order = [...(d.ctx.chooser.prefer?.('scaleDown', objectKey(ns, rc.metadata.name!), byDefault.map((p) => p.object.metadata.name!)) ?? [])];
    const place = (p: PodRecord) => {
      const i = order.indexOf(p.object.metadata.name!);
      return i < 0 ? order.length : i;
    };
    const ranked = order.length ? [...byDefault].sort((a, b) => rank(a, b) || place(a) - place(b)) : byDefault;
    for (const p of ranked.slice(0, pods.length - want)) deletePod(d, p);
  }
}

/**
 * An orphan that several ReplicationControllers' selectors match is adopted by whichever syncs
 * first: a race in a real cluster (ClaimPods' adoption is a patch conditioned on the pod having no
 * controller, so the first wins). The chooser may name the winner among the candidates (in name
 * order); otherwise the first candidate adopts.
 */
function adoptContested(d: Draft, rcs: readonly ReplicationController[]): void {
  const candidates = new Map<string, ReplicationController[]>();
  for (const rc of rcs) for (const k of active(d, rc)) if (!controllerOf(d, k)) candidates.set(k, [...(candidates.get(k) ?? []), rc]);
  for (const [k, all] of [...candidates].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (all.length < 2) continue;
    const names = all.map((rc) => rc.metadata.name!);
    const wanted = [...(d.ctx.chooser.prefer?.('adopter', k, names) ?? [])].find((n) => typeof n === 'string' && names.includes(n));
    const winner = all[wanted === undefined ? 0 : names.indexOf(wanted as string)];
    const refs = (d.pods.get(k)!.object.metadata.ownerReferences as OwnerRef[] | undefined) ?? [];
    setOwnerReferences(d, k, [...refs, { apiVersion: 'v1', kind: 'ReplicationController', name: winner.metadata.name, uid: winner.metadata.uid, controller: true }]);
  }
}

function controllerOf(d: Draft, podKey: string): OwnerRef | undefined {
  return ((d.pods.get(podKey)?.object.metadata.ownerReferences as OwnerRef[] | undefined) ?? []).find((o) => o.controller);
}

/**
 * Every RC of the namespaces this step touched (RCs are few; pods are many), converged as the
 * controllers converge by the end of the step: first every release (a pod one RC lets go of is an
 * orphan the others may adopt), then the contested orphans, then each RC in name order.
 */
export function reconcileNamespaces(d: Draft, namespaces: Iterable<string>): void {
  const wanted = new Set(namespaces);
  if (wanted.size === 0) return;
  const rcs = d.rcs.sortedEntries().map(([, rc]) => rc).filter((rc) => wanted.has(rc.metadata.namespace!));
  for (const rc of rcs) releaseUnmatched(d, rc);
  adoptContested(d, rcs);
  for (const rc of rcs) reconcileReplicationController(d, rc);
}

/** What the garbage collector deletes with the RC: the pods it controls, adopted ones included, released ones not. */
export function ownedPods(d: Draft, rc: ReplicationController): string[] {
  return controlled(d, rc);
}
