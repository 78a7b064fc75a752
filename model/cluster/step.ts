/**
 * `step(state, op) → {state, result}`: the whole reference model as one pure function.
 * It never mutates its input, never reads the clock, never uses Math.random: every choice goes
 * through the Chooser (seeded by default), and a refused request returns the input state itself.
 * Machines are stepped through their derived tables (model/machines), whose actions are data.
 */
import type { Operation, Result } from '../contract/types.generated.ts';
import type { ApiError } from '../k8s/field-errors.ts';
import { notFound } from '../k8s/field-errors.ts';
import type { KubeObject } from '../k8s/objects.ts';
import { apply, remove, storageKey } from './apiserver.ts';
import { type Chooser, seededChooser } from './choice.ts';
import { containerIndex, environment, lookup } from './discovery.ts';
import { type Draft, begin, commit } from './draft.ts';
import { http } from './http.ts';
import { exitContainer, kubeletChanged, runDueTimers } from './kubelet.ts';
import { kubernetesServiceTicks, reconcileKubernetesService } from './kubernetes-service.ts';
import { observe } from './observe.ts';
import { podObject } from './pods.ts';
import type { ClusterState, PodRecord } from './state.ts';
import { objectKey } from './state.ts';
import { drain, reconcileTouched, runInternalStep } from './timing.ts';
import { peek } from './timers.ts';
import { connect, ping } from './traffic.ts';
import type { Kind } from '../k8s/objects.ts';

export interface StepOutcome {
  readonly state: ClusterState;
  readonly result: Result;
}

const refuse = (state: ClusterState, error: ApiError | string): StepOutcome => ({ state, result: { ok: false, error } });

function kubeletPod(d: Draft, namespace: string | undefined, name: string): PodRecord | ApiError {
  const pod = d.pods.get(objectKey(namespace, name));
  if (!pod) return notFound('pods', name);
  if (pod.statusManaged) return { reason: 'BadRequest', message: `pod ${name} is status-managed: no kubelet runs its containers` };
  return pod;
}

/** The object as the API returns it after the step (status included). */
function storedObject(d: Draft, obj: KubeObject): KubeObject | undefined {
  const kind = obj.kind as Kind;
  const key = storageKey(kind, obj.metadata.namespace, obj.metadata.name!);
  switch (kind) {
    case 'Pod': {
      const rec = d.pods.get(key);
      return rec ? podObject(rec, d.nodes.get(rec.node)?.ip) : undefined;
    }
    case 'Service': return d.services.get(key)?.object;
    case 'Ingress': return d.ingresses.get(key)?.object;
    default: return obj;
  }
}

export function step(state: ClusterState, op: Operation, chooser: Chooser = seededChooser): StepOutcome {
  // Queries answer from the state as it is and change nothing.
  switch (op.op) {
    case 'observe': return { state, result: { ok: true, state: observe(state) } };
    case 'env': return { state, result: environment(state, op) };
    case 'resolve': return { state, result: lookup(state, op) };
  }
  const d = begin(state, chooser);
  let result: Result = { ok: true };
  switch (op.op) {
    case 'apply': {
      if (!op.object || typeof op.object.kind !== 'string') {
        return refuse(state, { reason: 'BadRequest', message: 'Object \'Kind\' is missing' });
      }
      // apply copies the manifest before storing anything (and memoises admission on its text).
      const r = apply(d, op.object as KubeObject);
      if (!r.ok) return refuse(state, r.error);
      result = { ok: true, object: r.object };
      break;
    }
    case 'delete': {
      const err = remove(d, op.kind, op.namespace, op.name);
      if (err) return refuse(state, err);
      break;
    }
    case 'probe':
    case 'listen':
    case 'exit': {
      const pod = kubeletPod(d, op.namespace, op.pod);
      if ('reason' in pod) return refuse(state, pod);
      const i = containerIndex(pod, op.container);
      if (typeof i !== 'number') return refuse(state, i);
      const c = pod.containers[i];
      if (!c) return refuse(state, { reason: 'BadRequest', message: `pod ${op.pod} has not started: it is not scheduled` });
      if (op.op === 'exit') {
        if (!c.running) return refuse(state, { reason: 'BadRequest', message: `container ${c.name} is not running` });
        exitContainer(d, pod, i, op.code);
      } else {
        const containers = pod.containers.slice();
        containers[i] = op.op === 'probe' ? { ...c, forced: op.result } : { ...c, listening: op.listening && c.running };
        kubeletChanged(d, { ...pod, containers });
      }
      break;
    }
    case 'advance': {
      const end = d.time + op.seconds;
      for (const tick of kubernetesServiceTicks(d.time, end)) {
        runDueTimers(d, tick);
        reconcileKubernetesService(d);
      }
      runDueTimers(d, end);
      break;
    }
    case 'connect': {
      const r = connect(d, op);
      if (!r.ok) return refuse(state, r.error);
      result = r;
      break;
    }
    case 'http': {
      const r = http(d, op);
      if (!r.ok) return refuse(state, r.error);
      result = r;
      break;
    }
    case 'ping': return { state, result: ping(d, op) };
    case 'settle':
      drain(d);
      break;
    case 'sync':
      if (d.config.timing === 'sync' || !runInternalStep(d, op)) {
        return refuse(state, { reason: 'BadRequest', message: `no pending ${op.controller} sync for ${op.target}` });
      }
      break;
    default:
      return refuse(state, { reason: 'BadRequest', message: `unknown operation "${(op as { op: string }).op}"` });
  }
  // Probes due at this very instant run in this step (docs/contract.md section 2: "probes due at that very
  // instant run in the same step"): a container started here with initialDelaySeconds 0 — by
  // `apply`, by a restart on `exit`, or by a ReplicationController reacting in drain — is probed
  // now, not at the next `advance`. Loop because a probe result can make an RC create pods.
  for (;;) {
    runDueTimers(d, d.time);
    if (d.config.timing === 'sync') drain(d);
    else reconcileTouched(d);
    const next = peek(d.timers);
    if (!next || next.at > d.time) break;
  }
  if (op.op === 'apply' && result.ok && result.object) result = { ok: true, object: storedObject(d, result.object as KubeObject) ?? result.object };
  return { state: commit(d), result };
}

