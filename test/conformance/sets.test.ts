/**
 * Lists the schemas mark `x-svcspec-set` are compared as sets: an implementation that orders its
 * Endpoints addresses numerically, its ports, subsets, proxy endpoints and DNS answers otherwise,
 * or reports the top-level lists in another order, conforms; one whose sets hold other elements
 * does not, and the difference shows the elements as each side sent them.
 */
import { describe, expect, it } from 'vitest';
import { type Observation, type Operation, initialState, observe, step } from '../../model/index.ts';
import { describeDifference, observationDifferences, resultDifferences } from '../../conformance/compare.ts';
import { LoopbackAdapter } from '../../conformance/loopback-adapter.ts';
import { type ConformOptions, runConform } from '../../conformance/runner.ts';
import type { Wrapper } from '../../conformance/serve-loop.ts';
import { setRules } from '../../conformance/set-lists.ts';
import { loadSpec } from '../../properties/spec/load.ts';

type Obj = Record<string, any>;
const spec = loadSpec();

const numeric = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const reversed = <T>(xs: readonly T[]): T[] => [...xs].reverse();

/** Every set-like list in another order than the model's: addresses numerically (10.244.64.2 before 10.244.128.2), the rest reversed. */
function reorder(o: Observation): Observation {
  const x = JSON.parse(JSON.stringify(o)) as Obj;
  for (const k of ['nodes', 'pods', 'services', 'endpoints', 'ingresses', 'proxies', 'replicationControllers']) if (x[k]) x[k] = reversed(x[k]);
  for (const e of x.endpoints) {
    e.subsets = reversed(e.subsets);
    for (const s of e.subsets) {
      s.addresses = [...s.addresses].sort((a: Obj, b: Obj) => numeric(b.ip) - numeric(a.ip));
      s.notReadyAddresses = reversed(s.notReadyAddresses);
      s.ports = reversed(s.ports);
    }
  }
  for (const p of x.proxies) {
    p.services = reversed(p.services);
    for (const s of p.services) s.endpoints = reversed(s.endpoints);
  }
  for (const s of x.services) s.loadBalancerIngress = reversed(s.loadBalancerIngress);
  return x as Observation;
}

const reordering: Wrapper = {
  step(state, op, next) {
    const out = next(state, op);
    const r = out.result as Obj;
    if (op.op === 'observe' && r.ok) return { state: out.state, result: { ...r, state: reorder(r.state) } as typeof out.result };
    if (op.op === 'resolve' && r.ok) return { state: out.state, result: { ...r, answers: reversed(r.answers) } as typeof out.result };
    return out;
  },
};

function options(scope: string, o: Partial<ConformOptions> = {}): ConformOptions {
  return { scope: spec.scopes.find((s) => s.name === scope)!, timing: 'sync', runs: 60, maxSteps: 30, seed: 1, settle: 'end', adapter: { command: 'in-process', shell: false, timeoutMs: 1000 }, ...o };
}

const svc = (name: string, ports: Obj[]): Operation =>
  ({ op: 'apply', object: { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports } } }) as unknown as Operation;
const pod = (name: string, node: string, ports: Obj[] = [{ name: 'http', containerPort: 8080 }, { name: 'admin', containerPort: 9000 }]): Operation =>
  ({ op: 'apply', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'web' } }, spec: { nodeName: node, containers: [{ name: 'app', image: 'app', ports }] } } }) as unknown as Operation;

/** Several subsets (the pods resolve the named port differently), each with several addresses on both nodes. */
function twoSubsets(): Observation {
  let s = initialState({});
  const ops = [
    svc('web', [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'admin', port: 9000, targetPort: 'admin' }]),
    pod('a', 'node-1'), pod('b', 'node-2'), pod('c', 'node-1'),
    pod('d', 'node-2', [{ name: 'http', containerPort: 8081 }, { name: 'admin', containerPort: 9000 }]),
    pod('e', 'node-1', [{ name: 'http', containerPort: 8081 }, { name: 'admin', containerPort: 9000 }]),
  ];
  for (const op of ops) s = step(s, op).state;
  return observe(s);
}

describe('the schemas say which lists are sets', () => {
  it('marks the Endpoints subsets, addresses and ports, proxy endpoints, DNS answers and the keyed top-level lists', () => {
    const obs = setRules('observation.schema.json');
    for (const p of ['endpoints.subsets', 'endpoints.subsets.addresses', 'endpoints.subsets.notReadyAddresses', 'endpoints.subsets.ports', 'proxies.services.endpoints']) expect(obs.get(p), p).toEqual({ defaults: {} });
    expect(obs.get('pods')?.key).toEqual(['namespace', 'name']);
    expect(obs.get('proxies.services')).toEqual({ key: ['namespace', 'name', 'port', 'protocol'], defaults: { protocol: 'TCP' } });
    expect(setRules('result.schema.json').get('answers')).toEqual({ defaults: {} });
    // Ordered, as docs/contract.md says: a container's ports and a Service's ports keep spec order; the resolver's search order.
    for (const p of ['services.ports', 'pods.containers', 'pods.containers.ports', 'pods.dns.searches']) expect(obs.get(p), p).toBeUndefined();
    expect(setRules('result.schema.json').get('tried')).toBeUndefined();
  });
});

describe('comparing sets', () => {
  it('finds nothing between an observation and the same one in other orders', () => {
    const m = twoSubsets();
    const web = m.endpoints.find((e) => e.name === 'web')!;
    expect(web.subsets.length).toBeGreaterThanOrEqual(2);
    expect(web.subsets.some((s) => s.addresses.length >= 2)).toBe(true);
    expect(observationDifferences(m, reorder(m))).toEqual([]);
  });

  it('still finds a missing, extra or changed element, shown as each side sent it', () => {
    const m = twoSubsets();
    const changed = reorder(m) as Obj;
    const subset = changed.endpoints.find((e: Obj) => e.name === 'web').subsets.find((s: Obj) => s.addresses.length >= 2);
    const [dropped] = subset.addresses.splice(1, 1);
    let d = observationDifferences(m, changed as Observation);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ path: 'state.endpoints[default/web].subsets[*].addresses', set: true, model: [dropped], implementation: [] });
    expect(describeDifference(d[0])).toContain('(a set): only the model has');
    subset.addresses.push({ ...dropped, pod: { namespace: 'default', name: 'zz' } });
    d = observationDifferences(m, changed as Observation);
    expect(d.map((x) => x.path)).toEqual(['state.endpoints[default/web].subsets[*].addresses[*].pod.name']);
    changed.proxies[0].services.push({ ...changed.proxies[0].services[0] });
    expect(observationDifferences(m, changed as Observation).some((x) => x.path.includes('(duplicate'))).toBe(true);
  });

  it('takes DNS answers as a set and the search order as a list', () => {
    const op = { op: 'resolve', from: { pod: 'a' }, name: 'web', type: 'A' } as unknown as Operation;
    const a = { name: 'web.default.svc.cluster.local.', type: 'A', data: '10.96.0.2' };
    const b = { ...a, data: '10.96.0.3' };
    const r = (answers: Obj[], tried: string[]) => ({ ok: true, rcode: 'NOERROR', answers, tried }) as never;
    expect(resultDifferences(op, r([a, b], ['x.', 'y.']), r([b, a], ['x.', 'y.']))).toEqual([]);
    expect(resultDifferences(op, r([a, b], ['x.', 'y.']), r([b, a], ['y.', 'x.']))[0].path).toBe('result.tried[0]');
    expect(resultDifferences(op, r([a, b], []), r([a], []))[0]).toMatchObject({ path: 'result.answers', set: true, model: [b], implementation: [] });
  });
});

describe('an implementation that orders every set its own way conforms', () => {
  for (const [scope, timing] of [['small', 'sync'], ['small', 'async'], ['medium', 'sync']] as const) {
    it(`${scope}, ${timing} timing`, async () => {
      let observed = 0;
      const counting: Wrapper = { step: (state, op, next) => ((observed += op.op === 'observe' ? 1 : 0), reordering.step!(state, op, next)) };
      const r = await runConform(spec, options(scope, { timing }), new LoopbackAdapter({ wrapper: counting }));
      expect(r.counterexample?.failure, JSON.stringify(r.counterexample?.failure)).toBeUndefined();
      expect(r.verdict).toBe('ok');
      expect(observed).toBeGreaterThan(100);
    }, 300_000);
  }
});
