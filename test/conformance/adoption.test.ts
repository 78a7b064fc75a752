import { describe, expect, it } from 'vitest';
import { type ClusterConfig, type ClusterState, type Observation, type Operation, type Result, initialState, observe, step } from '../../model/index.ts';
import { adopt, implementationChoices } from '../../conformance/adoption.ts';
import { observationDifferences, resultDifferences } from '../../conformance/compare.ts';

type Obj = Record<string, any>;

const svc = (name: string, spec: Obj = {}): Operation =>
  ({ op: 'apply', object: { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: { app: name }, ports: [{ port: 80, targetPort: 8080 }], ...spec } } }) as unknown as Operation;
const pod = (name: string, app: string, spec: Obj = {}): Operation =>
  ({ op: 'apply', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app } }, spec: { containers: [{ name: 'app', image: 'app', ports: [{ containerPort: 8080 }] }], ...spec } } }) as unknown as Operation;
const rc = (replicas: number): Operation =>
  ({ op: 'apply', object: { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' }, spec: { replicas, selector: { app: 'web' }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'app', ports: [{ containerPort: 8080 }] }] } } } } }) as unknown as Operation;
const connect = (to: Obj): Operation => ({ op: 'connect', from: { namespace: 'default', pod: 'client' }, to }) as unknown as Operation;

/**
 * The reference model with another seed plays "another correct implementation": other IPs, ports,
 * pod names, endpoints. The runner's model (seed 0) must accept every answer and end in the same state.
 */
function lockstep(ops: readonly Operation[], cluster: ClusterConfig = {}): { model: ClusterState; impl: ClusterState; results: Result[] } {
  let model = initialState(cluster);
  let impl = initialState({ ...cluster, seed: 7 });
  const results: Result[] = [];
  for (const op of ops) {
    const before = observe(impl);
    const out = step(impl, op);
    const a = adopt(model, op, { result: out.result, before, after: observe(out.state) }, true);
    expect(a.allowed, `${op.op}: ${JSON.stringify(a.differences)}`).toBe(true);
    model = a.outcome.state;
    impl = out.state;
    results.push(out.result);
  }
  expect(observationDifferences(observe(model), observe(impl))).toEqual([]);
  return { model, impl, results };
}

describe('adopting the implementation\'s choices', () => {
  it('takes another free ClusterIP, nodePorts and load-balancer address, and ends in the same state', () => {
    const { results } = lockstep([svc('web'), svc('edge', { type: 'LoadBalancer', ports: [{ name: 'a', port: 80 }, { name: 'b', port: 81 }] })], { cloudLoadBalancer: true });
    const edge = (results[1] as Obj).object;
    expect(edge.spec.ports.every((p: Obj) => p.nodePort >= 30000)).toBe(true);
    expect(edge.status.loadBalancer.ingress[0].ip).toMatch(/^203\.0\.113\./);
  });

  it('takes the implementation\'s pod names, nodes and pod IPs for a ReplicationController\'s pods, and its victims on scale-down', () => {
    const { model } = lockstep([rc(3), svc('web'), rc(1)], { nodes: ['node-1', 'node-2'] });
    expect([...model.pods.keys()].filter((k) => k.startsWith('default/rc-'))).toHaveLength(3);
  });

  it('takes as a scale-down\'s victims also the candidates the implementation removed before the step (async: while it answered the step before)', () => {
    const view = (name: string, terminating = false) => ({ namespace: 'default', name, terminating });
    const impl = {
      result: { ok: true } as unknown as Result,
      // rc-c and rc-d go in this step; rc-a went (removed) and rc-e went (still terminating) while it answered an earlier one.
      before: { pods: [view('rc-b'), view('rc-c'), view('rc-d'), view('rc-e', true)] } as never,
      after: { pods: [view('rc-b'), view('rc-c', true), view('rc-e', true)] } as never,
    };
    const wants = implementationChoices({ op: 'settle' } as Operation, impl);
    expect([...(wants('scaleDown', 'default/rc', ['rc-a', 'rc-b', 'rc-c', 'rc-d', 'rc-e']) ?? [])]).toEqual(['rc-c', 'rc-d', 'rc-a', 'rc-e']);
  });

  it('takes as a scale-down\'s victims the candidates a later observation showed deleted (async: the manager scaled down at a settle after the step, F35)', () => {
    const view = (name: string) => ({ namespace: 'default', name, terminating: false });
    // The implementation answered the step before acting: nothing went in it. rc-b was shown deleted at a later settle.
    const impl = { result: { ok: true } as unknown as Result, before: { pods: [view('rc-a'), view('rc-b'), view('rc-c')] } as never, after: { pods: [view('rc-a'), view('rc-b'), view('rc-c')] } as never };
    const wants = implementationChoices({ op: 'apply' } as Operation, impl, { ips: new Map(), ranges: new Map(), deleted: ['other/rc-a', 'default/rc-b', 'default/rc-x'] });
    expect([...(wants('scaleDown', 'default/rc', ['rc-a', 'rc-b', 'rc-c']) ?? [])]).toEqual(['rc-b']);
  });

  it('accepts a connection to any usable endpoint, and adopts it', () => {
    const ops = [svc('web'), pod('a', 'web'), pod('b', 'web'), pod('c', 'web'), pod('client', 'client')];
    const { model, impl } = lockstep(ops);
    const to = { ip: model.services.get('default/web')!.object.spec.clusterIP, port: 80 };
    const reached = new Set<string>();
    for (let seed = 0; seed < 12; seed++) {
      const other = step({ ...impl, rng: seed * 7919 }, connect(to));
      const a = adopt(model, connect(to), { result: other.result, before: observe(impl), after: observe(other.state) }, true);
      expect(a.allowed).toBe(true);
      expect(a.outcome.result).toEqual(other.result);
      reached.add((other.result as Obj).pod.name);
    }
    expect(reached.size).toBeGreaterThan(1);
  });

  it('refuses a ClusterIP that is taken or out of range, and an endpoint the Service does not have', () => {
    const model = initialState({});
    const applied = (clusterIP: string): Result => ({ ok: true, object: { kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP, type: 'ClusterIP', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }], sessionAffinity: 'None' } } }) as Result;
    const obs = observe(model);
    for (const ip of ['10.96.0.1', '10.200.0.1']) {
      const a = adopt(model, svc('web'), { result: applied(ip), before: obs, after: obs }, true);
      expect(a.allowed).toBe(false);
      expect(a.differences[0].path).toBe('result.object.spec.clusterIP');
    }
    const { model: m, impl } = lockstep([svc('web'), pod('a', 'web'), pod('b', 'web'), pod('client', 'client')]);
    const to = { ip: m.services.get('default/web')!.object.spec.clusterIP, port: 80 };
    const wrong = { ok: true, pod: { namespace: 'default', name: 'client' }, ip: impl.pods.get('default/client')!.ip, port: 8080, sourceIP: impl.pods.get('default/client')!.ip } as Result;
    const a = adopt(m, connect(to), { result: wrong, before: observe(impl), after: observe(impl) }, true);
    expect(a.allowed).toBe(false);
    expect(a.alternatives.map((r) => (r as Obj).pod.name).sort()).toEqual(['a', 'b']);
  });

  it('compares refusals by reason, not wording, and traffic errors exactly', () => {
    const op = svc('web');
    expect(resultDifferences(op, { ok: false, error: { reason: 'Invalid', message: 'a' } }, { ok: false, error: { reason: 'Invalid', message: 'b' } })).toEqual([]);
    expect(resultDifferences(op, { ok: false, error: { reason: 'Invalid', message: 'a' } }, { ok: false, error: { reason: 'Conflict', message: 'a' } })).toHaveLength(1);
    expect(resultDifferences(connect({ ip: '1.1.1.1', port: 80 }), { ok: false, error: 'refused' }, { ok: false, error: 'timeout' })).toHaveLength(1);
  });
});

describe('comparing observations', () => {
  it('ignores uids and extensions the implementation leaves out, but not core fields', () => {
    const s = step(step(initialState({}), svc('web')).state, pod('a', 'web')).state;
    const m = observe(s);
    const lean = JSON.parse(JSON.stringify(m));
    for (const p of lean.pods) {
      p.uid = 'other';
      for (const c of p.containers) delete c.probe, delete c.startedAt, delete c.ports;
    }
    delete lean.replicationControllers;
    for (const x of lean.services) delete x.created;
    expect(observationDifferences(m, lean)).toEqual([]);
    lean.pods[0].ready = !lean.pods[0].ready;
    delete lean.services.find((x: Obj) => x.name === 'web').selector;
    expect(observationDifferences(m, lean).map((d) => d.path)).toEqual(['state.pods[default/a].ready', 'state.services[default/web].selector']);
  });
});

describe('comparing observations as JSON', () => {
  it('takes a property whose value is undefined as absent, on either side', () => {
    const s = step(step(initialState({}), svc('web')).state, pod('a', 'web')).state;
    const m = observe(s);
    // What a model view may hold (an own property set to undefined), though the contract's type says otherwise.
    const withUndefined = { ...m, pods: m.pods.map((p) => ({ ...p, ip: undefined })) } as unknown as Observation;
    const sent = JSON.parse(JSON.stringify(withUndefined));
    expect(observationDifferences(withUndefined, sent)).toEqual([]);
    expect(observationDifferences(sent, withUndefined)).toEqual([]);
    sent.pods[0].ip = '10.244.0.9';
    expect(observationDifferences(withUndefined, sent).map((d) => d.path)).toEqual(['state.pods[default/a].ip']);
    expect(observationDifferences(sent, withUndefined).map((d) => d.path)).toEqual(['state.pods[default/a].ip']);
  });
});

describe('comparing observations, orders', () => {
  it('takes addresses, subsets and a proxy\'s endpoints as sets, and everything else in order', () => {
    const s = step(step(step(step(initialState({}), svc('web')).state, pod('a', 'web')).state, pod('b', 'web')).state, pod('c', 'web')).state;
    const m = observe(s);
    const shuffled = JSON.parse(JSON.stringify(m));
    const ep = shuffled.endpoints.find((e: Obj) => e.name === 'web');
    ep.subsets[0].addresses.reverse();
    for (const p of shuffled.proxies) for (const x of p.services) x.endpoints.reverse();
    expect(ep.subsets[0].addresses.length).toBe(3);
    expect(observationDifferences(m, shuffled)).toEqual([]);
    shuffled.services.find((x: Obj) => x.name === 'web').ports.push({ port: 81, targetPort: 81, protocol: 'TCP' });
    expect(observationDifferences(m, shuffled).map((d) => d.path)).toEqual(['state.services[default/web].ports']);
  });
});
