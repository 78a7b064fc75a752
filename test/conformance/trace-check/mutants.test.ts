// Streams exported from the mutants of examples/mutants (real implementations under check, each
// with one real bug, speaking the adapter protocol) must not check clean: each is driven through a
// short script that reaches its bug, observed after every step, exported through its observations
// (WatchExporter.pushObservation), and `svcspec trace` must report the invariant its header names.
// Mutants whose invariant a recording cannot show (trace: none) are left out.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Observation, Operation } from '../../../model/index.ts';
import { ProcessAdapter } from '../../../conformance/process-adapter.ts';
import { type Implementation, ModelImplementation } from '../../../properties/engine/implementation.ts';
import { WatchExporter } from '../../../conformance/trace/export.ts';
import { ROOT, commandFor } from '../cli.ts';
import { checkText, spec, violated } from './helpers.ts';

type Obj = Record<string, unknown>;
const apply = (object: Obj) => ({ op: 'apply', object }) as unknown as Operation;
const svc = (name: string, spec: Obj, namespace = 'default') => apply({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec });
const pod = (name: string, labels: Obj, o: { namespace?: string; ports?: Obj[]; probe?: boolean; grace?: number } = {}) => apply({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: o.namespace ?? 'default', labels },
  spec: {
    terminationGracePeriodSeconds: o.grace ?? 30,
    containers: [{ name: 'app', image: 'app', ports: o.ports ?? [{ name: 'http', containerPort: 8080 }], ...(o.probe ? { readinessProbe: { exec: { command: ['ls', '/var/ready'] }, periodSeconds: 1 } } : {}) }],
  },
});
const op = (o: Obj) => o as unknown as Operation;

/** A script that reaches each bug, by the invariant the mutant breaks. */
const SCRIPTS: Record<string, Operation[]> = {
  'service/cluster-ip/stable': [svc('web', { selector: { app: 'web' }, ports: [{ port: 80 }] }), svc('web', { selector: { app: 'web' }, ports: [{ port: 80 }] })],
  'service/node-port/stable': [svc('web', { type: 'NodePort', ports: [{ name: 'http', port: 80 }] }), svc('web', { type: 'NodePort', ports: [{ name: 'http', port: 80 }] })],
  'endpoints/ready-in-addresses': [
    svc('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }),
    svc('pub', { selector: { app: 'web' }, publishNotReadyAddresses: true, ports: [{ port: 80, targetPort: 8080 }] }),
    pod('a', { app: 'web' }, { probe: true }),
    op({ op: 'probe', namespace: 'default', pod: 'a', result: 'success' }), op({ op: 'advance', seconds: 2 }),
    op({ op: 'probe', namespace: 'default', pod: 'a', result: 'failure' }), op({ op: 'advance', seconds: 5 }),
  ],
  // A pod of a Service that publishes not-ready addresses stays listed while it terminates.
  'endpoints/complete': [
    svc('pub', { selector: { app: 'web' }, publishNotReadyAddresses: true, ports: [{ port: 80, targetPort: 8080 }] }),
    pod('a', { app: 'web' }), op({ op: 'delete', kind: 'Pod', namespace: 'default', name: 'a' }), op({ op: 'advance', seconds: 2 }),
  ],
  'endpoints/named-port-per-pod': [
    svc('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] }),
    pod('a', { app: 'web' }, { ports: [{ name: 'http', containerPort: 8080 }] }), pod('b', { app: 'web' }, { ports: [{ name: 'http', containerPort: 9090 }] }),
    op({ op: 'advance', seconds: 2 }),
  ],
  'endpoints/selected-pods-only': [svc('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }, 'other'), pod('a', { app: 'web' }), pod('b', { app: 'web' }, { namespace: 'other' }), op({ op: 'advance', seconds: 2 })],
  'endpoints/selectorless-left-alone': [
    // `selector: {}` is stored as no selector: the user's Endpoints must survive a pod in the namespace.
    svc('db', { selector: {}, ports: [{ port: 5432 }] }),
    apply({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'db', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.168.0.50' }], ports: [{ port: 5432 }] }] }),
    pod('a', { app: 'db' }), op({ op: 'advance', seconds: 2 }),
  ],
  'endpoints/terminating-pods-leave': [svc('web', { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }), pod('a', { app: 'web' }), op({ op: 'delete', kind: 'Pod', namespace: 'default', name: 'a' }), op({ op: 'advance', seconds: 2 })],
};

const traced = new Set(spec.invariants.filter((i) => i.trace !== 'none').map((i) => i.id));
const DIR = 'examples/mutants';
const mutants = readdirSync(join(ROOT, DIR))
  .filter((f) => /\.(ts|py)$/.test(f) && !f.startsWith('_'))
  .sort()
  .map((file) => ({ file, breaks: /Breaks: (\S+)/.exec(readFileSync(join(ROOT, DIR, file), 'utf8'))?.[1] ?? '' }))
  .filter((m) => traced.has(m.breaks));

/** An implementation driven through the script; its stream as kubectl would have printed it. */
async function exportRun(impl: Implementation, ops: readonly Operation[]): Promise<string> {
  const parts: string[] = [];
  const ex = new WatchExporter((t) => parts.push(t));
  const observe = async () => ((await impl.step({ op: 'observe' } as Operation)) as unknown as { state: Observation }).state;
  try {
    await impl.init({ nodes: ['node-1', 'node-2'] });
    ex.pushObservation(await observe());
    for (const o of ops) {
      const result = await impl.step(o);
      ex.pushObservation(await observe(), o, result);
    }
  } finally {
    await impl.close();
  }
  return parts.join('');
}

describe.concurrent('streams exported from the mutants do not check clean', () => {
  it('there are mutants to export, and a script for each', () => {
    expect(mutants.length).toBeGreaterThanOrEqual(8);
    expect(mutants.filter((m) => !SCRIPTS[m.breaks]).map((m) => m.file)).toEqual([]);
  });
  for (const m of mutants) {
    it(`${m.file}: svcspec trace reports ${m.breaks}`, async () => {
      const mutant = new ProcessAdapter({ command: commandFor(join(DIR, m.file)), timeoutMs: 60_000, cwd: ROOT });
      const text = await exportRun(mutant, SCRIPTS[m.breaks] ?? []);
      expect(violated(await checkText(text, { file: `${m.file}.json` }))).toContain(m.breaks);
    }, 120_000);
  }
  it('the reference implementation driven through the same scripts checks clean', async () => {
    for (const [id, ops] of Object.entries(SCRIPTS)) {
      const text = await exportRun(new ModelImplementation(), ops);
      expect(violated(await checkText(text, { file: `reference-${id.replaceAll('/', '-')}.json` })), id).toEqual([]);
    }
  });
});
