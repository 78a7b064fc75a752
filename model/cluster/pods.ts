/**
 * The API server's Pod storage: create (a kubelet-run pod is bound, addressed and started in the
 * same step; a pod applied with a status is status-managed), update (labels, annotations, and the
 * status of status-managed pods; the spec is immutable), graceful delete.
 */
import { tables } from '../machines/index.ts';
import type { Pod } from '../k8s/objects.ts';
import { sameData, sameWrite } from '../k8s/same-write.ts';
import type { Draft } from './draft.ts';
import { beginPodDeletion, endpointsSee, startPod } from './kubelet.ts';
import { markPodServices, markRelabelledPodServices, markStatus } from './pending.ts';
import { indexPod, sameLabels, unindexPod } from './selection.ts';
import type { PodApiStatus, PodRecord } from './state.ts';

/** A status-managed pod's status, read from what `apply` wrote (as under envtest or KWOK). */
export function statusFromObject(pod: Pod): PodApiStatus {
  const st = pod.status ?? {};
  const ready = (st.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  return {
    phase: st.phase ?? 'Pending',
    ready,
    ip: st.podIP ?? st.podIPs?.[0]?.ip ?? '',
    containers: pod.spec.containers.map((c) => {
      const cs = st.containerStatuses?.find((s) => s.name === c.name);
      return { name: c.name, ready: cs?.ready ?? false, restartCount: cs?.restartCount ?? 0 };
    }),
  };
}

/** Whether a pod's IP is in use: ended pods have freed theirs (kubelet.ts releasePodIP), host-network pods use the node's. */
function holdsIP(rec: PodRecord): boolean {
  return rec.ip !== '' && rec.status.phase !== 'Succeeded' && rec.status.phase !== 'Failed' && !rec.object.spec.hostNetwork;
}

const PENDING: PodApiStatus = { phase: 'Pending', ready: false, ip: '', containers: [] };

export function createPod(d: Draft, key: string, pod: Pod, seq: number): PodRecord {
  const ns = pod.metadata.namespace!;
  const managed = pod.status !== undefined;
  const { status: _given, ...object } = pod;
  let rec: PodRecord = {
    key,
    object: object as Pod,
    statusManaged: managed,
    lifecycle: tables.pod.initial({ restartPolicy: pod.spec.restartPolicy }),
    node: managed ? (pod.spec.nodeName ?? '') : '',
    ip: '',
    containers: [],
    status: managed ? statusFromObject(pod) : { ...PENDING, containers: pod.spec.containers.map((c) => ({ name: c.name, ready: false, restartCount: 0 })) },
    seq,
  };
  if (managed) {
    rec = { ...rec, ip: rec.status.ip };
    if (holdsIP(rec)) d.podIPs = d.podIPs.set(rec.ip, key);
  }
  d.pods = d.pods.set(key, rec);
  indexPod(d, ns, key, pod.metadata);
  if (!managed) {
    rec = startPod(d, rec);
    d.pods = d.pods.set(key, rec);
    markStatus(d, key);
  }
  markPodServices(d, ns, pod.metadata.labels);
  return rec;
}

/** Labels, annotations and (for status-managed pods) status may change; validation guards the spec. */
export function updatePod(d: Draft, old: PodRecord, pod: Pod): PodRecord {
  const ns = pod.metadata.namespace!;
  const { status: given, ...object } = pod;
  // An update never removes or changes a deletion (k8s.io/apiserver pkg/registry/rest BeforeUpdate).
  const { deletionTimestamp, deletionGracePeriodSeconds } = old.object.metadata;
  const metadata = { ...pod.metadata, deletionTimestamp, deletionGracePeriodSeconds };
  let rec: PodRecord = { ...old, object: { ...(object as Pod), metadata, spec: old.object.spec } };
  if (old.statusManaged && given) {
    const status = statusFromObject(pod);
    rec = { ...rec, status, ip: status.ip };
    if (old.ip && d.podIPs.get(old.ip) === old.key) d.podIPs = d.podIPs.delete(old.ip);
    if (holdsIP(rec)) d.podIPs = d.podIPs.set(rec.ip, old.key);
  }
  unindexPod(d, ns, old.key, old.object.metadata);
  indexPod(d, ns, old.key, metadata);
  d.pods = d.pods.set(old.key, rec);
  // The controllers' pod handlers sync the Services only on a change they can see: readiness, IP
  // or deletion (every Service selecting the pod before or after), labels alone (only the Services
  // that gained or lost it) — not the phase alone (k8s.io/endpointslice v0.37.2 util
  // podEndpointsChanged; F18, F30). Every write of a terminating pod is such a change (F31).
  if (endpointsSee(old.status, rec.status) || terminatingWrite(old, rec)) markPodServices(d, ns, old.object.metadata.labels, metadata.labels);
  else if (!sameLabels(old.object.metadata.labels, metadata.labels)) markRelabelledPodServices(d, ns, old.object.metadata.labels, metadata.labels);
  else d.touched.add(ns);
  return rec;
}

/**
 * Whether the API stores a change to a pod that is being deleted: its controllers then sync every
 * Service selecting it, whatever changed, since podEndpointsChanged compares the two versions'
 * deletionTimestamp pointers (`!=` on *metav1.Time), which differ between any two decoded versions
 * (k8s.io/endpointslice v0.37.2 util/controller_utils.go). An unchanged write stores nothing and
 * wakes nobody (sameWrite).
 */
function terminatingWrite(old: PodRecord, next: PodRecord): boolean {
  return old.deletedAt !== undefined && (!sameWrite(old.object, next.object) || !sameData(old.status, next.status));
}

export function deletePod(d: Draft, pod: PodRecord): void {
  if (pod.deletedAt !== undefined) return; // Already terminating: a second delete changes nothing.
  beginPodDeletion(d, pod);
}


/** The Pod as the API returns it: the stored manifest with the status the API shows. */
/** A pod condition. Module-level, not a closure in podObject: tsx (keepNames) renames every such closure per call. */
const cond = (type: string, ok: boolean) => ({ type, status: ok ? ('True' as const) : ('False' as const) });

export function podObject(rec: PodRecord, hostIP: string | undefined): Pod {
  const st = rec.status;
  const containersReady = st.containers.length > 0 && st.containers.every((c) => c.ready);
  return {
    ...rec.object,
    spec: { ...rec.object.spec, nodeName: rec.node || rec.object.spec.nodeName },
    status: {
      phase: st.phase,
      ...(hostIP ? { hostIP } : {}),
      ...(st.ip ? { podIP: st.ip, podIPs: [{ ip: st.ip }] } : {}),
      conditions: [cond('PodScheduled', !!rec.node), cond('Initialized', true), cond('ContainersReady', containersReady), cond('Ready', st.ready)],
      containerStatuses: st.containers.map((c) => ({ name: c.name, ready: c.ready, restartCount: c.restartCount, started: st.phase === 'Running' })),
    },
  };
}
