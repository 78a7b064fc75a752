/**
 * The ReplicationController manager (the seed's kubia RC): keeps `replicas` active pods matching
 * its selector in its namespace, creating `<rc>-<5 characters>` pods from the template and
 * deleting surplus ones. Readiness does not count: an unready pod is not replaced.
 */
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

function active(d: Draft, rc: ReplicationController): string[] {
  return selectedPods(d, rc.metadata.namespace!, rc.spec.selector).filter((k) => {
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
    createPod(d, objectKey(ns, name), pod, nextSeq(d));
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

export function ownedPods(d: Draft, rc: ReplicationController): string[] {
  return [...(d.podIndex.get(rc.metadata.namespace!)?.keys() ?? [])].filter((k) =>
    ((d.pods.get(k)?.object.metadata.ownerReferences as { uid?: string }[] | undefined) ?? []).some((o) => o.uid === rc.metadata.uid),
  );
}
