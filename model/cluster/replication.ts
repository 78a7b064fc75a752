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
import { selectedPods } from './selection.ts';
import { objectKey } from './state.ts';
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

/**
 * The pods an RC manages: those its selector matches whose controller is this RC or none. KK
 * pkg/controller/controller_ref_manager.go ClaimPods releases a controlled pod whose labels no
 * longer match and adopts a matching orphan; the RC reconciles whenever its namespace's pods
 * change, so both have happened by the time anything reads this set.
 */
function claimed(d: Draft, rc: ReplicationController): string[] {
  return selectedPods(d, rc.metadata.namespace!, rc.spec.selector).filter((k) => {
    const refs = (d.pods.get(k)?.object.metadata.ownerReferences as { uid?: string; controller?: boolean }[] | undefined) ?? [];
    const controller = refs.find((o) => o.controller);
    return !controller || controller.uid === rc.metadata.uid;
  });
}

function active(d: Draft, rc: ReplicationController): string[] {
  return claimed(d, rc).filter((k) => {
    const p = d.pods.get(k)!;
    return p.deletedAt === undefined && p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed';
  });
}

export function reconcileReplicationController(d: Draft, rc: ReplicationController): void {
  const ns = rc.metadata.namespace!;
  const want = rc.spec.replicas ?? 1;
  const pods = active(d, rc);
  for (let i = pods.length; i < want; i++) {
    const o = allocate(d, 'podName', SUFFIXES, (n) => !d.pods.has(objectKey(ns, `${rc.metadata.name}-${suffix(n)}`)));
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
    // Scale down: not-ready pods first, then the newest (the controller's ranking, simplified).
    const ranked = pods
      .map((k) => d.pods.get(k)!)
      .sort((a, b) => Number(a.status.ready) - Number(b.status.ready) || b.seq - a.seq);
    for (const p of ranked.slice(0, pods.length - want)) deletePod(d, p);
  }
}

/** Every RC of the namespaces this step touched (RCs are few; pods are many). */
export function reconcileNamespaces(d: Draft, namespaces: Iterable<string>): void {
  const wanted = new Set(namespaces);
  if (wanted.size === 0) return;
  for (const rc of d.rcs.values()) if (wanted.has(rc.metadata.namespace!)) reconcileReplicationController(d, rc);
}

/** What the garbage collector deletes with the RC: the pods it controls, adopted ones included, released ones not. */
export function ownedPods(d: Draft, rc: ReplicationController): string[] {
  return claimed(d, rc);
}
