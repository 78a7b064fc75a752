// Shared by the trace-check suites: model runs exported as watch streams, crafted streams written
// the way a real API server writes objects, and one call that checks a stream.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { type ClusterState, type Operation, enabledInternalSteps } from '../../../model/index.ts';
import { named, sequenceArb } from '../../../properties/arbitraries/operations.ts';
import { Resolver } from '../../../properties/engine/resolve.ts';
import { type System, modelSystem } from '../../../properties/engine/system.ts';
import { loadSpec } from '../../../properties/spec/load.ts';
import type { Spec, Timing } from '../../../properties/spec/types.ts';
import { TraceChecker, type TraceCheckOptions } from '../../../conformance/trace/check.ts';
import type { TraceEvent } from '../../../conformance/trace/event.ts';
import { type RunStep, WatchExporter, watchText } from '../../../conformance/trace/export.ts';
import { type TraceReport, feed, summarize } from '../../../conformance/trace/run.ts';
import { readWatch } from '../../../conformance/trace/watch.ts';

export const spec: Spec = loadSpec();
export const traced = spec.invariants.filter((i) => i.trace !== 'none');

/** Checks a watch stream given as text; the report as `svcspec trace` would write it. */
export async function checkText(text: string | AsyncIterable<string>, opts: TraceCheckOptions & { file?: string; checkOrder?: boolean } = {}): Promise<TraceReport> {
  const checker = new TraceChecker(spec.invariants, opts);
  await feed(checker, readWatch(text, opts.file ?? 'crafted.json', { checkOrder: opts.checkOrder }));
  return summarize(checker, spec.invariants, { files: [opts.file ?? 'crafted.json'], windowMs: opts.windowMs ?? 1000 });
}

export const violated = (r: TraceReport): string[] => r.invariants.filter((i) => i.verdict === 'violation').map((i) => i.id);
export const outcome = (r: TraceReport, id: string) => r.invariants.find((i) => i.id === id)!;

/** Parsed events of a watch stream (what the checker is fed). */
export async function eventsOf(text: string, file = 'model.json'): Promise<TraceEvent[]> {
  const out: TraceEvent[] = [];
  for await (const e of readWatch(text, file)) out.push(e);
  return out;
}

// ---- model runs --------------------------------------------------------------------------------

export interface RunOptions {
  readonly scope?: string;
  readonly timing?: Timing;
  /** Async timing: internal steps run between operations, all before time advances and at the end. */
  readonly prompt?: boolean;
  readonly system?: System<ClusterState>;
}

/** Random operation sequences of a scope, as fast-check generates them for `svcspec check`. */
export function sequences(seed: number, n: number, scopeName = 'small'): Operation[][] {
  const scope = spec.scopes.find((s) => s.name === scopeName)!;
  return fc.sample(sequenceArb(spec.generators, scope, spec.domains, scope.maxSteps), { seed, numRuns: n });
}

/** Runs templates on the model; returns the states (with what each step applied), and the operations run. */
export function modelRun(templates: readonly Operation[], o: RunOptions = {}, rngSeed = 1): RunStep[] & { ops: Operation[] } {
  const scope = spec.scopes.find((s) => s.name === (o.scope ?? 'small'))!;
  const sys = o.system ?? modelSystem;
  const timing = o.timing ?? 'sync';
  const resolver = new Resolver();
  let s = sys.init({ ...scope.cluster, timing });
  const steps: RunStep[] & { ops: Operation[] } = Object.assign([{ state: s }], { ops: [] as Operation[] });
  let rnd = rngSeed >>> 0 || 1;
  const rand = () => ((rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const run = (op: Operation) => {
    steps.ops.push(op);
    const out = sys.step(s, op);
    s = out.state;
    steps.push(op.op === 'apply' && out.result.ok ? { state: s, applied: op.object as unknown as Record<string, unknown> } : { state: s });
    return out;
  };
  const internal = () => {
    for (let en = enabledInternalSteps(s); en.length && rand() < 0.7; en = enabledInternalSteps(s)) run(en[Math.floor(rand() * en.length)]);
  };
  for (const t of templates) {
    if (timing === 'async' && o.prompt && t.op === 'advance') run({ op: 'settle' } as Operation);
    const op = named(resolver.resolve(t, sys.observe(s), () => (timing === 'async' && !o.prompt ? enabledInternalSteps(s) : [])));
    const out = run(op);
    resolver.record(op, out.result.ok);
    if (timing === 'async' && o.prompt) internal();
  }
  if (timing === 'async' && o.prompt) run({ op: 'settle' } as Operation);
  return steps;
}

export const exported = (steps: readonly RunStep[]): string => watchText(steps);

/** A system's run exported through its observations (how a faulty implementation is exported). */
export function observedRun(sys: System, cluster: Record<string, unknown>, ops: readonly Operation[]): string {
  const parts: string[] = [];
  const ex = new WatchExporter((t) => parts.push(t));
  let s = sys.init(cluster);
  ex.pushObservation(sys.observe(s));
  for (const op of ops) {
    const out = sys.step(s, op);
    s = out.state;
    ex.pushObservation(sys.observe(s), op, out.result);
  }
  return parts.join('');
}

// ---- crafted streams ---------------------------------------------------------------------------

type Obj = Record<string, unknown>;
export const T0 = Date.parse('2024-05-01T10:00:00Z');
export const at = (ms: number): string => new Date(T0 + ms).toISOString();

/** Builds objects the way an API server stores them, each write with the next resourceVersion and a managedFields time. */
export class Cluster {
  private rv = 5000;
  private uids = 0;
  readonly events: { type: string; object: Obj }[] = [];

  private meta(ns: string, name: string, ms: number, manager: string, extra: Obj = {}): Obj {
    return {
      namespace: ns, name, resourceVersion: String(++this.rv), creationTimestamp: at(0),
      managedFields: [{ manager, operation: 'Update', apiVersion: 'v1', time: at(ms), fieldsType: 'FieldsV1' }],
      ...extra,
    };
  }

  uid(): string {
    return `00000000-0000-4000-8000-${String(++this.uids).padStart(12, '0')}`;
  }

  add(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: Obj): this {
    this.events.push({ type, object });
    return this;
  }

  service(type: 'ADDED' | 'MODIFIED' | 'DELETED', name: string, spec: Obj, o: { ns?: string; uid: string; ms?: number; annotations?: Obj; manager?: string; managedFields?: Obj[] }): this {
    const m = this.meta(o.ns ?? 'default', name, o.ms ?? 0, o.manager ?? 'kubectl-client-side-apply', { uid: o.uid, ...(o.annotations ? { annotations: o.annotations } : {}) });
    if (o.managedFields) m.managedFields = o.managedFields;
    return this.add(type, { kind: 'Service', apiVersion: 'v1', metadata: m, spec: { type: 'ClusterIP', sessionAffinity: 'None', ...spec }, status: { loadBalancer: {} } });
  }

  pod(type: 'ADDED' | 'MODIFIED' | 'DELETED', name: string, o: { ns?: string; uid: string; ms?: number; labels?: Obj; ip?: string; ready?: boolean; phase?: string; terminating?: boolean; ports?: Obj[]; node?: string }): this {
    const ready = o.ready ?? true;
    const m = this.meta(o.ns ?? 'default', name, o.ms ?? 0, 'kubelet', { uid: o.uid, labels: o.labels ?? {}, ...(o.terminating ? { deletionTimestamp: at((o.ms ?? 0) + 30_000), deletionGracePeriodSeconds: 30 } : {}) });
    const ip = o.ip ?? '10.244.1.10';
    return this.add(type, {
      kind: 'Pod', apiVersion: 'v1', metadata: m,
      spec: { nodeName: o.node ?? 'node-1', containers: [{ name: 'app', image: 'app', ports: o.ports ?? [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }] },
      status: {
        phase: o.phase ?? 'Running', podIP: ip, podIPs: [{ ip }],
        conditions: [{ type: 'ContainersReady', status: ready ? 'True' : 'False' }, { type: 'Ready', status: ready ? 'True' : 'False' }],
        containerStatuses: [{ name: 'app', ready, restartCount: 0, started: true }],
      },
    });
  }

  /** Endpoints written by the endpoints controller (or, with manager, by someone else). */
  endpoints(type: 'ADDED' | 'MODIFIED' | 'DELETED', name: string, subsets: Obj[], o: { ns?: string; ms?: number; manager?: string } = {}): this {
    return this.add(type, { kind: 'Endpoints', apiVersion: 'v1', metadata: this.meta(o.ns ?? 'default', name, o.ms ?? 0, o.manager ?? 'kube-controller-manager', { uid: this.uid() }), subsets });
  }

  slice(type: 'ADDED' | 'MODIFIED' | 'DELETED', name: string, service: string, endpoints: Obj[], ports: Obj[], o: { ns?: string; ms?: number } = {}): this {
    const m = this.meta(o.ns ?? 'default', name, o.ms ?? 0, 'endpointslice-controller', { uid: this.uid(), labels: { 'kubernetes.io/service-name': service, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } });
    return this.add(type, { kind: 'EndpointSlice', apiVersion: 'discovery.k8s.io/v1', metadata: m, addressType: 'IPv4', endpoints, ports });
  }

  /** kubectl's format: pretty-printed events, one after another. */
  text(): string {
    return this.events.map((e) => `${JSON.stringify(e, null, 4)}\n`).join('');
  }
}

export const addr = (ip: string, pod?: string, ns = 'default'): Obj => (pod ? { ip, targetRef: { kind: 'Pod', namespace: ns, name: pod } } : { ip });
export const port = (p: number, name?: string): Obj => ({ ...(name ? { name } : {}), port: p, protocol: 'TCP' });

/** `svcspec ARGS` as a user runs it (CI set: no progress bar). */
export function cli(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('node', ['cli/svcspec.js', ...args], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
