// What the model did, as the watch stream a real cluster would have printed: `kubectl get
// --watch --output-watch-events -o json` (pretty-printed {"type","object"} values, one after
// another). Consecutive states are diffed by object (the model lists its own, model/cluster/
// api-objects.ts; any other implementation's observations are turned into objects by objects.ts,
// so a faulty implementation exports as readily as the reference model): a new object is
// ADDED, a changed one MODIFIED, a vanished one DELETED; an object whose record changed without a
// visible change (a probe counter) is not an event. Within a state, kinds go in the order their
// watchers would see a change ripple (Services before the Endpoints they cause). Every event gets
// the next resourceVersion (one counter: one stream) and one managedFields entry whose time is the
// model time of the state, so `svcspec trace` reads the model's time; its manager says who wrote
// it (kube-controller-manager for Endpoints the endpoints controller wrote, kubelet for Pods,
// kubectl-client-side-apply otherwise). A Service the run applied carries what was applied in the
// kubectl.kubernetes.io/last-applied-configuration annotation, as `kubectl apply` leaves it, so a
// checker can tell a nodePort the user asked for from one the server chose (other kinds need no
// such evidence, and go without it: their events stay small). The exporter keeps only
// the last rendering (and last applied manifest) of each live object: memory follows the live objects.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { type ApiObject, type ClusterState, type Observation, type Operation, type Result, apiObjects, timestamp } from '../../model/index.ts';
import { objectsOfObservation } from './objects.ts';
import type { KubeObject } from '../../model/k8s/objects.ts';
import { ModelImplementation } from '../../properties/engine/implementation.ts';
import type { System } from '../../properties/engine/system.ts';

interface Last { source: object; body: string; object: KubeObject; applied?: string }

/** One state of a run, with the manifest its step applied (when it was an accepted apply). */
export interface RunStep { readonly state: ClusterState; readonly applied?: Record<string, unknown> }

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function appliedKey(o: Record<string, unknown>): string | undefined {
  const m = o.metadata as { name?: unknown; namespace?: unknown } | undefined;
  if (o.kind !== 'Service' || typeof m?.name !== 'string') return undefined;
  return `Service/${typeof m.namespace === 'string' ? m.namespace : 'default'}/${m.name}`;
}

export class WatchExporter {
  private last = new Map<string, Last>();
  private rv = 0;
  events = 0;
  /** Seconds added to model time: runs exported one after another into one stream keep time moving forward. */
  timeOffset = 0;
  constructor(private readonly write: (text: string) => void, firstResourceVersion = 1000) {
    this.rv = firstResourceVersion;
  }

  /** Emits the events that lead from the previous state pushed (none at first) to this one. */
  push(step: ClusterState | RunStep): void {
    const { state, applied } = 'state' in step ? step : { state: step, applied: undefined };
    this.pushObjects(apiObjects(state), state.time, applied);
  }

  /** Every object still live is DELETED (at model time `modelTime`): the cluster emptied, as between two runs in one stream. */
  clear(modelTime: number): void {
    this.pushObjects([], modelTime);
  }

  /** The same from an observation (any implementation), `op` being the operation that led to it. */
  pushObservation(obs: Observation, op?: Operation, result?: Result): void {
    const applied = op?.op === 'apply' && result?.ok ? (op.object as unknown as Record<string, unknown>) : undefined;
    this.pushObjects(objectsOfObservation(obs, op), obs.time, applied);
  }

  /** Emits the events that lead from the objects pushed last to these, at this model time. */
  pushObjects(objects: readonly ApiObject[], modelTime: number, applied?: Record<string, unknown>): void {
    const time = timestamp(modelTime + this.timeOffset);
    const appliedTo = applied ? appliedKey(applied) : undefined;
    const seen = new Set<string>();
    const out: string[] = [];
    const byKind = new Map<string, string[]>();
    for (const a of objects) {
      seen.add(a.key);
      const prev = this.last.get(a.key);
      const lastApplied = a.key === appliedTo ? JSON.stringify(applied) : prev?.applied;
      if (prev && prev.source === a.source) {
        prev.applied = lastApplied;
        continue;
      }
      const object = a.render();
      const body = JSON.stringify(object);
      if (prev && prev.body === body) {
        prev.source = a.source;
        prev.applied = lastApplied;
        continue;
      }
      const shown = lastApplied === undefined ? object
        : { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, [LAST_APPLIED]: lastApplied } } };
      this.last.set(a.key, { source: a.source, body, object: shown, applied: lastApplied });
      const list = byKind.get(a.kind) ?? [];
      list.push(this.event(prev ? 'MODIFIED' : 'ADDED', shown, a, time));
      byKind.set(a.kind, list);
    }
    for (const [key, prev] of this.last) {
      if (seen.has(key)) continue;
      this.last.delete(key);
      const kind = key.slice(0, key.indexOf('/'));
      const list = byKind.get(kind) ?? [];
      list.push(this.event('DELETED', prev.object, undefined, time));
      byKind.set(kind, list);
    }
    for (const kind of KIND_ORDER) for (const e of byKind.get(kind) ?? []) out.push(e);
    for (const [kind, list] of byKind) if (!KIND_ORDER.includes(kind)) out.push(...list);
    if (out.length) this.write(out.join(''));
  }

  private event(type: string, object: KubeObject, a: ApiObject | undefined, time: string): string {
    this.events++;
    const manager = a?.writer === 'controller' ? 'kube-controller-manager' : object.kind === 'Pod' ? 'kubelet' : 'kubectl-client-side-apply';
    const apiVersion = object.apiVersion ?? 'v1';
    const metadata = {
      ...object.metadata,
      resourceVersion: String(++this.rv),
      managedFields: [{ manager, operation: 'Update', apiVersion, time, fieldsType: 'FieldsV1' }],
    };
    return `${JSON.stringify({ type, object: { ...object, apiVersion, metadata } }, null, 4)}\n`;
  }
}

const KIND_ORDER = ['Node', 'Service', 'ReplicationController', 'Pod', 'Endpoints', 'IngressClass', 'Ingress'];

/** Writes the states of one run, as a watch stream, to a file. Returns the number of events. */
export function writeWatchFile(path: string, states: Iterable<ClusterState | RunStep>): number {
  const fd = openSync(path, 'w');
  try {
    const ex = new WatchExporter((t) => writeSync(fd, t));
    for (const s of states) ex.push(s);
    return ex.events;
  } finally {
    closeSync(fd);
  }
}

/** The states of a run as one watch stream in memory (tests). */
export function watchText(states: Iterable<ClusterState | RunStep>): string {
  const parts: string[] = [];
  const ex = new WatchExporter((t) => parts.push(t));
  for (const s of states) ex.push(s);
  return parts.join('');
}

/**
 * A system that remembers the states of the run in progress (from `init`), for `svcspec check
 * --export-watch`. Only the run's own steps count: the engine's look-ahead for `alternatives`
 * (a step with a chooser, from a state that is not the run's last) is not part of the run.
 */
export class RunRecorder {
  steps: RunStep[] = [];
  readonly system: System<ClusterState>;

  constructor(base: System<ClusterState>) {
    this.system = {
      init: (cluster) => {
        const s = base.init(cluster);
        this.steps = [{ state: s }];
        return s;
      },
      step: (state, op, chooser) => {
        const out = base.step(state, op, chooser);
        if (chooser === undefined && state === this.steps[this.steps.length - 1]?.state) this.steps.push(stepOf(out.state, op, out.result));
        return out;
      },
      observe: (s) => base.observe(s),
      ...(base.internalSteps ? { internalSteps: (s: ClusterState) => base.internalSteps!(s) } : {}),
    };
  }

  /** The steps of the run in progress, and forgets them. */
  take(): RunStep[] {
    const s = this.steps;
    this.steps = [];
    return s;
  }
}

function stepOf(state: ClusterState, op: Operation, result: Result): RunStep {
  return op.op === 'apply' && result.ok && op.object ? { state, applied: op.object as unknown as Record<string, unknown> } : { state };
}

/** The reference model remembering every state it went through (for `svcspec run --export-watch`). */
export class RecordingImplementation extends ModelImplementation {
  steps: RunStep[] = [];

  override async init(cluster: Parameters<ModelImplementation['init']>[0]): Promise<void> {
    await super.init(cluster);
    this.steps = [{ state: this.state }];
  }

  override async step(op: Operation): Promise<Result> {
    const r = await super.step(op);
    if (this.state !== this.steps[this.steps.length - 1]?.state) this.steps.push(stepOf(this.state, op, r));
    return r;
  }
}

/** `out.json` + `label` → `out.label.json`: one file per exported cluster run. */
export function exportPath(path: string, label: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  const safe = label.replace(/[^A-Za-z0-9._-]+/g, '-');
  return dot > slash + 1 ? `${path.slice(0, dot)}.${safe}${path.slice(dot)}` : `${path}.${safe}`;
}

/**
 * `svcspec check --export-watch FILE`: every run the check counts becomes FILE.<scope>.<timing>.<n>.json,
 * and the shrunk counterexample, when there is one, FILE.<scope>.<timing>.counterexample.json.
 * Shrinking attempts are not exported. Returns the paths written.
 */
export class CheckExport {
  private readonly recorder: RunRecorder;
  readonly written: string[] = [];

  constructor(private readonly path: string, base: System<ClusterState>) {
    this.recorder = new RunRecorder(base);
  }

  get system(): System<ClusterState> {
    return this.recorder.system;
  }

  /** After run n of a scope and timing (the engine's onRun): that run is complete. */
  run(scope: string, timing: string, n: number): void {
    this.write(`${scope}.${timing}.${n}`);
  }

  /** After the check of a scope and timing found a counterexample: its final replay. */
  counterexample(scope: string, timing: string): void {
    this.write(`${scope}.${timing}.counterexample`);
  }

  private write(label: string): void {
    const steps = this.recorder.take();
    if (steps.length === 0) return;
    const p = exportPath(this.path, label);
    mkdirSync(dirname(p), { recursive: true });
    writeWatchFile(p, steps);
    this.written.push(p);
  }
}

/**
 * `svcspec run --export-watch FILE`: the run of one scenario as FILE, or with several scenarios
 * as FILE.<scenario file name>.json each. Returns the path written.
 */
export function exportScenarioRun(path: string, impl: RecordingImplementation, scenarioFile: string, scenarios: number): string {
  const p = scenarios === 1 ? path : exportPath(path, basename(scenarioFile).replace(/\.ya?ml$/, ''));
  mkdirSync(dirname(p), { recursive: true });
  writeWatchFile(p, impl.steps);
  return p;
}
