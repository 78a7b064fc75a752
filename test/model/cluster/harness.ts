/**
 * A small driver for the cluster model's tests: keeps the current state, runs operations through
 * the public `step`, and builds the manifests the tests apply. Not a test file itself.
 */
import { expect } from 'vitest';
import { type Chooser, type ClusterConfig, type ClusterState, type Observation, type Operation, initialState, observe, step } from '../../../model/index.ts';

/** A result with its fields readable without narrowing (tests assert on them). */
export type R = { ok: boolean; error?: any; [field: string]: any };
export type Manifest = Record<string, any>;

export class Cluster {
  state: ClusterState;
  constructor(config: ClusterConfig = {}, readonly chooser?: Chooser) {
    this.state = initialState(config);
  }

  run(op: Manifest): R {
    const out = step(this.state, op as Operation, this.chooser);
    this.state = out.state;
    return out.result as R;
  }

  /** Runs an operation that must succeed; fails the test with the refusal otherwise. */
  ok(op: Manifest): R {
    const r = this.run(op);
    expect(r, `${JSON.stringify(op).slice(0, 200)} was refused`).toMatchObject({ ok: true });
    return r;
  }

  /** Runs an operation that must be refused and checks the refusal changed nothing. */
  refused(op: Manifest): R {
    const before = this.state;
    const r = this.run(op);
    expect(r.ok, `${JSON.stringify(op).slice(0, 200)} was accepted`).toBe(false);
    expect(this.state).toBe(before);
    return r;
  }

  apply(object: Manifest): Manifest {
    return this.ok({ op: 'apply', object }).object;
  }

  delete(kind: string, name: string, namespace = 'default'): R {
    return this.ok({ op: 'delete', kind, namespace, name });
  }

  advance(seconds: number): void {
    this.ok({ op: 'advance', seconds });
  }

  connect(from: Manifest, to: Manifest): R {
    return this.run({ op: 'connect', from, to });
  }

  observe(): Observation {
    return observe(this.state);
  }

  pod(name: string, namespace = 'default') {
    return this.observe().pods.find((p) => p.name === name && p.namespace === namespace);
  }

  service(name: string, namespace = 'default') {
    return this.observe().services.find((s) => s.name === name && s.namespace === namespace);
  }

  endpoints(name: string, namespace = 'default') {
    return this.observe().endpoints.find((e) => e.name === name && e.namespace === namespace);
  }

  /** Addresses / notReadyAddresses of an Endpoints object as sorted pod names (or IPs when not a pod). */
  members(name: string, namespace = 'default'): { ready: string[]; notReady: string[] } {
    const subsets = this.endpoints(name, namespace)?.subsets ?? [];
    const names = (list: { ip: string; pod?: { name: string } }[]) => [...new Set(list.map((a) => a.pod?.name ?? a.ip))].sort();
    return { ready: names(subsets.flatMap((s) => s.addresses)), notReady: names(subsets.flatMap((s) => s.notReadyAddresses)) };
  }

  /** Which pods `times` connections reach (a name, or the error). */
  reached(from: Manifest, to: Manifest, times: number): string[] {
    return Array.from({ length: times }, () => {
      const r = this.connect(from, to);
      return r.ok ? (r.pod?.name ?? r.ip) : `error:${r.error}`;
    });
  }
}

export function service(name: string, spec: Manifest, meta: Manifest = {}): Manifest {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, ...meta }, spec };
}

/** The seed's kubia Service: port 80 → 8080 over pods labelled app=kubia. */
export function kubiaService(name = 'kubia', extra: Manifest = {}): Manifest {
  return service(name, { ports: [{ port: 80, targetPort: 8080 }], selector: { app: 'kubia' }, ...extra });
}

export interface PodOptions {
  labels?: Record<string, string>;
  namespace?: string;
  node?: string;
  containers?: Manifest[];
  restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  grace?: number;
  status?: Manifest;
}

export function container(name = 'app', extra: Manifest = {}): Manifest {
  return { name, image: 'luksa/kubia', ports: [{ name: 'http', containerPort: 8080 }], ...extra };
}

export function pod(name: string, o: PodOptions = {}): Manifest {
  const spec: Manifest = { containers: o.containers ?? [container()] };
  if (o.node) spec.nodeName = o.node;
  if (o.restartPolicy) spec.restartPolicy = o.restartPolicy;
  if (o.grace !== undefined) spec.terminationGracePeriodSeconds = o.grace;
  const m: Manifest = { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: o.labels ?? { app: 'kubia' } }, spec };
  if (o.namespace) m.metadata.namespace = o.namespace;
  if (o.status) m.status = o.status;
  return m;
}

/** A status as envtest or KWOK would write it: the kubelet leaves such a pod alone. */
export function podStatus(ip: string | undefined, phase = 'Running', ready = true): Manifest {
  return { phase, ...(ip ? { podIP: ip, podIPs: [{ ip }] } : {}), conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] };
}

/** The seed's readiness probe: `ls /var/ready`, which fails until `probe success`. */
export const execProbe = (extra: Manifest = {}): Manifest => ({ exec: { command: ['ls', '/var/ready'] }, ...extra });

export const fromPod = (name: string, namespace = 'default') => ({ namespace, pod: name });
