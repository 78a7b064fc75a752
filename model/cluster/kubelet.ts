/**
 * The simulated kubelet (docs/contract.md section 2, docs/semantics.md B5, B1.9): binds pods to nodes, gives
 * them IPs, starts containers, runs readiness probes on their schedule, restarts containers
 * per restartPolicy, ends terminating pods after their grace period, and computes the status
 * the API shows. Pod phases and readiness are the XState machines' (model/machines); this file
 * only feeds them events and reads their answers.
 */
import { tables } from '../machines/index.ts';
import type { Container, Pod, Probe } from '../k8s/objects.ts';
import type { Draft } from './draft.ts';
import { nextSeq, preferred } from './draft.ts';
import { offsetFrom } from './allocation.ts';
import { formatIPv4 } from './ip.ts';
import { markPodServices, markStatus } from './pending.ts';
import { unindexPod } from './selection.ts';
import type { ContainerRuntime, PodApiStatus, PodRecord } from './state.ts';
import { peek, pop, schedule } from './timers.ts';
import { timestamp } from './time.ts';

export function probeHandler(p: Probe | undefined): 'exec' | 'httpGet' | 'tcpSocket' | 'grpc' | undefined {
  if (!p) return undefined;
  return p.exec ? 'exec' : p.httpGet ? 'httpGet' : p.tcpSocket ? 'tcpSocket' : p.grpc ? 'grpc' : undefined;
}

/**
 * The scheduler: spec.nodeName, else the node with fewest pods (ties by configured order). Any
 * node is allowed: a chooser may prefer one (the conformance runner adopting an implementation's
 * placement); the reference choosers do not.
 */
export function chooseNode(d: Draft, pod: Pod): string | undefined {
  if (pod.spec.nodeName) return d.nodes.has(pod.spec.nodeName) ? pod.spec.nodeName : undefined;
  for (const n of d.ctx.chooser.prefer?.('node', `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`) ?? []) {
    if (typeof n === 'string' && d.nodes.has(n)) return n;
  }
  let best: { name: string; pods: number } | undefined;
  for (const n of d.config.nodes) {
    const rec = d.nodes.get(n.name);
    if (rec && (!best || rec.pods < best.pods)) best = { name: rec.name, pods: rec.pods };
  }
  for (const rec of d.nodes.values()) {
    if (!d.config.nodes.some((n) => n.name === rec.name) && (!best || rec.pods < best.pods)) best = rec;
  }
  return best?.name;
}

/**
 * host-local IPAM: the next free address after the last one handed out, skipping .0 and .1 (and the
 * broadcast address). Any free address of the node's range is allowed: a chooser may prefer one
 * (the conformance runner adopting an implementation's pod IP); the reference choosers do not.
 */
function assignPodIP(d: Draft, nodeName: string, podKey: string): string {
  const node = d.nodes.get(nodeName)!;
  const { base, size } = node.podRange;
  const take = (o: number): string => {
    const ip = formatIPv4(base + o);
    d.podIPs = d.podIPs.set(ip, podKey);
    d.nodes = d.nodes.set(nodeName, { ...node, lastIP: o, pods: node.pods + 1 });
    return ip;
  };
  const usable = (o: number) => o >= 2 && o !== size - 1 && !d.podIPs.has(formatIPv4(base + o));
  const adopted = preferred(d, 'podIP', size, usable, { subject: podKey, offsetOf: (v) => offsetFrom(base, v) });
  if (adopted >= 0) return take(adopted);
  for (let i = 1; i <= size; i++) {
    const o = (node.lastIP + i) % size;
    if (o < 2 || o === size - 1) continue;
    if (!d.podIPs.has(formatIPv4(base + o))) return take(o);
  }
  return '';
}

function newContainer(d: Draft, c: Container, restartCount: number, prev?: ContainerRuntime): ContainerRuntime {
  const probe = c.readinessProbe;
  let readiness = prev?.readiness;
  if (probe) {
    readiness = readiness
      ? tables.probe.next(readiness, { type: 'RESTART' }).snap
      : tables.probe.initial({ successThreshold: probe.successThreshold, failureThreshold: probe.failureThreshold });
  }
  return {
    name: c.name,
    readiness,
    running: true,
    listening: d.config.appsListenOnStart,
    forced: prev?.forced,
    startedAt: d.time,
    startedSeq: nextSeq(d),
    restartCount,
    lastExitCode: prev?.lastExitCode,
    servicesAtStart: d.services,
  };
}

function scheduleProbe(d: Draft, pod: PodRecord, index: number, at: number): void {
  const c = pod.containers[index];
  d.timers = schedule(d.timers, { at, pod: pod.key, container: index, gen: `${pod.object.metadata.uid}#${c.restartCount}` });
}

/** Binds, addresses and starts a kubelet-run pod: all in the step that applies it (docs/contract.md section 2). */
export function startPod(d: Draft, pod: PodRecord): PodRecord {
  const node = chooseNode(d, pod.object);
  if (!node) return pod; // Unschedulable: stays Pending without an IP, as with a nodeName that does not exist.
  // A hostNetwork pod shares its node's network namespace: its IP is the node's, taken from no
  // pod range (kubelet_pods.go generateAPIPodStatus: podIPs = hostIPs for host-network pods).
  const ip = pod.object.spec.hostNetwork ? (d.nodes.get(node)?.ip ?? '') : assignPodIP(d, node, pod.key);
  const containers = pod.object.spec.containers.map((c) => newContainer(d, c, 0));
  const lifecycle = tables.pod.next(pod.lifecycle, { type: 'STARTED' }).snap;
  const started: PodRecord = { ...pod, node, ip, containers, lifecycle };
  started.object.spec.containers.forEach((c, i) => {
    if (c.readinessProbe) scheduleProbe(d, started, i, d.time + (c.readinessProbe.initialDelaySeconds ?? 0));
  });
  return started;
}

function containerReady(c: ContainerRuntime): boolean {
  return c.running && (c.readiness === undefined || c.readiness.value === 'ready');
}

/** The status the kubelet writes (docs/semantics.md B1.9: Ready iff every container is running and ready). */
export function kubeletStatus(pod: PodRecord): PodApiStatus {
  if (pod.statusManaged) return pod.status;
  const life = pod.lifecycle.value as string;
  // A terminating pod keeps reporting Running while its containers run (the phase is not a lifecycle step).
  const phase =
    life === 'Pending' || life === 'Running' || life === 'Succeeded' || life === 'Failed' ? life : pod.containers.some((c) => c.running) ? 'Running' : pod.status.phase;
  const containers = pod.containers.map((c) => ({ name: c.name, ready: containerReady(c), restartCount: c.restartCount }));
  const ready = phase === 'Running' && containers.length > 0 && containers.every((c) => c.ready);
  return { phase, ready, ip: pod.ip, containers };
}

function sameStatus(a: PodApiStatus, b: PodApiStatus): boolean {
  return (
    a.phase === b.phase && a.ready === b.ready && a.ip === b.ip && a.containers.length === b.containers.length &&
    a.containers.every((c, i) => c.ready === b.containers[i].ready && c.restartCount === b.containers[i].restartCount && c.name === b.containers[i].name)
  );
}

/** The kubelet's status write: the API now shows what the kubelet knows. */
export function writeStatus(d: Draft, podKey: string): void {
  const pod = d.pods.get(podKey);
  if (!pod) return;
  const status = kubeletStatus(pod);
  if (sameStatus(status, pod.status)) return;
  d.pods = d.pods.set(podKey, { ...pod, status });
  if (status.phase === 'Succeeded' || status.phase === 'Failed') releasePodIP(d, pod);
  // Any status write of a terminating pod wakes the controllers (terminatingWrite in pods.ts, F31).
  if (endpointsSee(pod.status, status) || pod.deletedAt !== undefined) markPodServices(d, pod.object.metadata.namespace!, pod.object.metadata.labels);
  else d.touched.add(pod.object.metadata.namespace!);
}

/**
 * Whether the controllers' pod handlers see a status change: readiness or IP (k8s.io/endpointslice
 * v0.37.2 util/controller_utils.go podEndpointsChanged). A phase change alone wakes no controller,
 * so a pod that ends while already unready stays listed until its Services next sync (F18).
 */
export function endpointsSee(old: PodApiStatus, next: PodApiStatus): boolean {
  return old.ready !== next.ready || old.ip !== next.ip;
}

/** Records a kubelet-side change: written at once in sync timing, later in async. */
export function kubeletChanged(d: Draft, pod: PodRecord): void {
  d.pods = d.pods.set(pod.key, pod);
  markStatus(d, pod.key);
}

function runProbe(d: Draft, pod: PodRecord, index: number): void {
  const spec = pod.object.spec.containers[index];
  const c = pod.containers[index];
  const probe = spec.readinessProbe!;
  const handler = probeHandler(probe);
  // exec runs a command in the container (the seed's `ls /var/ready`): it fails until `probe` says otherwise.
  const result: 'success' | 'failure' =
    handler === 'exec' ? (c.forced ?? 'failure') : c.forced === 'failure' ? 'failure' : c.listening ? 'success' : 'failure';
  const readiness = tables.probe.next(c.readiness!, { type: 'PROBE', result }).snap;
  const containers = pod.containers.slice();
  containers[index] = { ...c, readiness };
  const next = { ...pod, containers };
  if (readiness !== c.readiness) kubeletChanged(d, next);
  scheduleProbe(d, next, index, d.time + (probe.periodSeconds ?? 10));
}

/** Runs every probe and grace period due up to and including `until`, in time order. */
export function runDueTimers(d: Draft, until: number): void {
  for (;;) {
    const t = peek(d.timers);
    if (!t || t.at > until) break;
    d.timers = pop(d.timers);
    d.time = Math.max(d.time, t.at);
    const pod = d.pods.get(t.pod);
    if (!pod || pod.statusManaged) continue;
    if (t.container < 0) {
      if (t.gen === pod.object.metadata.uid && pod.lifecycle.value === 'Terminating') removePod(d, pod.key);
      continue;
    }
    const c = pod.containers[t.container];
    if (!c || !c.running || t.gen !== `${pod.object.metadata.uid}#${c.restartCount}`) continue;
    runProbe(d, pod, t.container);
  }
  d.time = Math.max(d.time, until);
}

/** A container terminates: restarted per restartPolicy (readiness resets), or the pod ends. */
export function exitContainer(d: Draft, pod: PodRecord, index: number, code: number): void {
  const step = tables.pod.next(pod.lifecycle, { type: 'CONTAINER_EXITED', code });
  const containers = pod.containers.slice();
  const old = containers[index];
  let lifecycle = step.snap;
  if (step.actions.includes('restartContainer')) {
    // Restarted at once: the model has no CrashLoopBackOff delay (a simplification, see spec/decisions).
    containers[index] = newContainer(d, pod.object.spec.containers[index], old.restartCount + 1, { ...old, lastExitCode: code });
  } else {
    containers[index] = { ...old, running: false, listening: false, lastExitCode: code };
    if (containers.every((c) => !c.running) && lifecycle.value === 'Running') {
      lifecycle = tables.pod.next(lifecycle, { type: 'ALL_TERMINATED', failed: containers.some((c) => (c.lastExitCode ?? 0) !== 0) }).snap;
    }
  }
  const next = { ...pod, containers, lifecycle };
  kubeletChanged(d, next);
  const probe = pod.object.spec.containers[index].readinessProbe;
  if (containers[index].running && probe) scheduleProbe(d, next, index, d.time + (probe.initialDelaySeconds ?? 0));
}

/** Graceful deletion: deletionTimestamp now, gone when the grace period has passed (0 = at once). */
export function beginPodDeletion(d: Draft, pod: PodRecord): void {
  const phase = pod.status.phase;
  const grace = pod.object.spec.terminationGracePeriodSeconds ?? 30;
  // KK pkg/registry/core/pod/strategy.go CheckGracefulDelete: grace 0 for a pod that is not
  // scheduled (no spec.nodeName: one bound to a node that does not exist counts as scheduled) or
  // already terminal — status-managed pods included, since it is the API server's rule, not the kubelet's.
  if (grace <= 0 || phase === 'Succeeded' || phase === 'Failed' || (!pod.node && !pod.object.spec.nodeName)) {
    removePod(d, pod.key);
    return;
  }
  const lifecycle = tables.pod.next(pod.lifecycle, { type: 'DELETE' }).snap;
  const meta = { ...pod.object.metadata, deletionTimestamp: timestamp(d.time), deletionGracePeriodSeconds: grace };
  const next: PodRecord = { ...pod, lifecycle, deletedAt: d.time, object: { ...pod.object, metadata: meta } };
  d.pods = d.pods.set(pod.key, next);
  d.timers = schedule(d.timers, { at: d.time + grace, pod: pod.key, container: -1, gen: pod.object.metadata.uid! });
  // deletionTimestamp is set by the API server: visible to the endpoints controller at once.
  markPodServices(d, meta.namespace!, meta.labels);
}

/**
 * An ended pod's sandbox is torn down and the network plugin frees its IP for the next pod,
 * while the API keeps showing the old podIP on the terminal pod (kubernetes/kubernetes#98611,
 * #92697; the kubelet keeps the last IPs in a terminal status, PR #125404). Freed when the
 * terminal phase is written, so no live pod can show the IP before the API shows the old one ended.
 */
export function releasePodIP(d: Draft, pod: PodRecord): void {
  if (pod.ip && d.podIPs.get(pod.ip) === pod.key) d.podIPs = d.podIPs.delete(pod.ip);
}

/**
 * The pod object leaves the API. Its lifecycle machine ends the way the pod did: a pod deleted at
 * once (grace 0, terminal, or never scheduled) passes through Terminating with no grace period.
 */
export function removePod(d: Draft, podKey: string): void {
  const pod = d.pods.get(podKey);
  if (!pod) return;
  const terminating = pod.lifecycle.value === 'Terminating' ? pod.lifecycle : tables.pod.next(pod.lifecycle, { type: 'DELETE' }).snap;
  tables.pod.next(terminating, { type: 'GRACE_EXPIRED' });
  const ns = pod.object.metadata.namespace!;
  d.pods = d.pods.delete(podKey);
  releasePodIP(d, pod);
  const node = pod.node ? d.nodes.get(pod.node) : undefined;
  if (node && !pod.statusManaged) d.nodes = d.nodes.set(node.name, { ...node, pods: Math.max(0, node.pods - 1) });
  unindexPod(d, ns, podKey, pod.object.metadata);
  d.pendingStatus = d.pendingStatus.delete(podKey);
  markPodServices(d, ns, pod.object.metadata.labels);
}
