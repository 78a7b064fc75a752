/**
 * `step` is a pure function (docs/architecture.md#model-the-reference-implementation, STYLE habit 1): it never mutates its input —
 * checked by deep-freezing every state, persistent-map internals included, before stepping it
 * through random operation sequences —, the same seed and operations give the same bytes, a
 * refused request returns the very state it was given, and no step reads Math.random or the clock.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ClusterConfig, type ClusterState, type Operation, enabledInternalSteps, initialState, observe, step } from '../../../model/index.ts';
import type { Manifest } from './harness.ts';

/** Objects known to be deep-frozen: persistent structures share them, so each is walked once. */
const frozen = new WeakSet<object>();

/** Freezes plain objects and arrays all the way down — including PMap's trie nodes and the timer heap. */
function deepFreeze<T>(x: T): T {
  if (x === null || typeof x !== 'object' || frozen.has(x)) return x;
  frozen.add(x);
  // Own enumerable properties: a PMap's `root` and `size` are plain fields, frozen instance or not.
  for (const v of Object.values(x)) deepFreeze(v);
  Object.freeze(x);
  return x;
}

const NAMES = ['p1', 'p2', 'p3'];
const probe = fc.constantFrom<Manifest | undefined>(undefined, { exec: { command: ['ls', '/var/ready'] } },
  { tcpSocket: { port: 8080 }, initialDelaySeconds: 5 }, { httpGet: { port: 8080 }, periodSeconds: 3, failureThreshold: 1 });
const labels = fc.constantFrom<Record<string, string>>({ app: 'kubia' }, { app: 'web' }, { app: 'kubia', tier: 'x' });
const template = (p?: Manifest) => ({
  containers: [{ name: 'app', image: 'luksa/kubia', ports: [{ name: 'http', containerPort: 8080 }], ...(p ? { readinessProbe: p } : {}) }],
});

const applyPod = fc.record({ name: fc.constantFrom(...NAMES), labels, probe, node: fc.constantFrom(undefined, 'node-1', 'node-2'),
  restartPolicy: fc.constantFrom('Always', 'OnFailure', 'Never'), grace: fc.constantFrom(0, 5, 30), managed: fc.boolean() })
  .map(({ name, labels: l, probe: p, node, restartPolicy, grace, managed }): Manifest => ({ op: 'apply', object: {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: l },
    spec: { ...template(p), restartPolicy, terminationGracePeriodSeconds: grace, ...(node ? { nodeName: node } : {}) },
    ...(managed ? { status: { phase: 'Running', podIP: `1.2.3.${NAMES.indexOf(name) + 4}`, conditions: [{ type: 'Ready', status: 'True' }] } } : {}),
  } }));

const applyService = fc.record({ name: fc.constantFrom('kubia', 'web'), type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'),
  selector: fc.constantFrom<Record<string, string> | undefined>({ app: 'kubia' }, {}, undefined), targetPort: fc.constantFrom(8080, 'http'),
  affinity: fc.boolean(), publish: fc.boolean(), local: fc.boolean(), headless: fc.boolean() })
  .map(({ name, type, selector, targetPort, affinity, publish, local, headless }): Manifest => ({ op: 'apply', object: {
    apiVersion: 'v1', kind: 'Service', metadata: { name },
    spec: type === 'ExternalName' ? { type, externalName: 'db.example.com' } : {
      type, selector, ports: [{ name: 'http', port: 80, targetPort }], publishNotReadyAddresses: publish,
      ...(affinity ? { sessionAffinity: 'ClientIP' } : {}), ...(local && type !== 'ClusterIP' ? { externalTrafficPolicy: 'Local' } : {}),
      ...(headless && type === 'ClusterIP' ? { clusterIP: 'None' } : {}),
    } } }));

const applyRC = fc.integer({ min: 0, max: 3 }).map((replicas): Manifest => ({ op: 'apply', object: {
  apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'rc' },
  spec: { replicas, selector: { app: 'kubia' }, template: { metadata: { labels: { app: 'kubia' } }, spec: template() } } } }));

const applyEndpoints = fc.constant<Manifest>({ op: 'apply', object: { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' },
  subsets: [{ addresses: [{ ip: '11.11.11.11' }], ports: [{ name: 'http', port: 80 }] }] } });

const from = fc.oneof(fc.constantFrom(...NAMES).map((pod) => ({ namespace: 'default', pod })), fc.constant({ external: true }));
const podOp = (op: string, extra: fc.Arbitrary<Manifest>) =>
  fc.tuple(fc.constantFrom(...NAMES), extra).map(([pod, e]): Manifest => ({ op, namespace: 'default', pod, ...e }));

const operation: fc.Arbitrary<Manifest> = fc.oneof(
  { arbitrary: applyPod, weight: 4 }, { arbitrary: applyService, weight: 3 }, applyRC, applyEndpoints,
  fc.record({ kind: fc.constantFrom('Pod', 'Service', 'ReplicationController', 'Endpoints'), name: fc.constantFrom(...NAMES, 'kubia', 'web', 'rc') })
    .map((x): Manifest => ({ op: 'delete', namespace: 'default', ...x })),
  podOp('probe', fc.constantFrom('success', 'failure').map((result) => ({ result }))),
  podOp('listen', fc.boolean().map((listening) => ({ listening }))),
  podOp('exit', fc.constantFrom(0, 1).map((code) => ({ code }))),
  { arbitrary: fc.integer({ min: 0, max: 40 }).map((seconds): Manifest => ({ op: 'advance', seconds })), weight: 3 },
  { arbitrary: fc.record({ from, to: fc.constantFrom<Manifest>({ service: 'kubia', port: 80 }, { service: 'web', port: 'http' },
    { node: 'node-2', port: 30080 }, { ip: '203.0.113.1', port: 80 }, { ip: '10.244.0.2', port: 8080 }) })
    .map((x): Manifest => ({ op: 'connect', ...x })), weight: 3 },
  from.map((f): Manifest => ({ op: 'ping', from: f, ip: '10.96.0.1' })),
  fc.constant<Manifest>({ op: 'settle' }), fc.constant<Manifest>({ op: 'observe' }),
  { arbitrary: fc.record({ controller: fc.constantFrom('kubelet', 'endpoints', 'proxy'),
    target: fc.constantFrom('default/p1', 'default/p2', 'default/kubia', 'default/web', 'node-1', 'node-2') })
    .map((x): Manifest => ({ op: 'sync', ...x })), weight: 1 },
  // One of the internal steps pending when it runs (resolved by `transcript`): async interleavings.
  { arbitrary: fc.nat(7).map((n): Manifest => ({ op: 'sync-pending', n })), weight: 4 },
);

const clusterConfig: fc.Arbitrary<ClusterConfig> = fc.record({
  timing: fc.constantFrom('sync', 'async'), seed: fc.integer({ min: 0, max: 1000 }),
  appsListenOnStart: fc.boolean(), cloudLoadBalancer: fc.boolean(),
});

/** Every sequence starts from the seed's picture, so random operations mostly find what they name. */
const PRELUDE: Manifest[] = [
  { op: 'apply', object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubia' },
    spec: { selector: { app: 'kubia' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } } },
  ...['p1', 'p2'].map((name) => ({ op: 'apply', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: 'kubia' } }, spec: template() } })),
  { op: 'apply', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p3', labels: { app: 'client' } }, spec: template() } },
  { op: 'settle' },
];
const operations = fc.array(operation, { minLength: 10, maxLength: 50 }).map((ops) => [...PRELUDE, ...ops]);

/** Runs `ops` from a fresh cluster; returns every result and observation as one JSON text. */
function transcript(config: ClusterConfig, ops: Manifest[], freeze: boolean): string {
  let s: ClusterState = initialState(config);
  const out: unknown[] = [];
  for (const planned of ops) {
    const pending = enabledInternalSteps(s);
    const op = planned.op !== 'sync-pending' ? planned : (pending[planned.n % Math.max(1, pending.length)] ?? { op: 'settle' });
    if (freeze) deepFreeze(s);
    const r = step(s, op as Operation);
    if (!r.result.ok) expect(r.state, `refused ${op.op} changed the state`).toBe(s);
    s = r.state;
    out.push(r.result, observe(s));
  }
  return JSON.stringify(out);
}

describe('deepFreeze', () => {
  it('reaches inside persistent maps, which freeze only their own instance', () => {
    const s = deepFreeze(initialState());
    const root = (s.services as unknown as { root: { children: object[] } }).root;
    expect(Object.isFrozen(root)).toBe(true);
    expect(Object.isFrozen(root.children[0])).toBe(true);
    expect(() => { (root.children as object[]).push({}); }).toThrow(TypeError);
  });
});

describe('step is pure', () => {
  afterEach(() => vi.restoreAllMocks());

  it('never mutates a (deep-frozen) state, whatever the operations', () => {
    fc.assert(fc.property(clusterConfig, operations, (config, ops) => {
      expect(() => transcript(config, ops, true)).not.toThrow();
    }), { numRuns: 150 });
  });

  it('gives identical results and observations for the same seed and operations', () => {
    fc.assert(fc.property(clusterConfig, operations, (config, ops) => {
      expect(transcript(config, ops, false)).toBe(transcript(config, ops, true));
    }), { numRuns: 60 });
  });

  it('never reads Math.random or the clock', () => {
    vi.spyOn(Math, 'random').mockImplementation(() => { throw new Error('Math.random called'); });
    vi.spyOn(Date, 'now').mockImplementation(() => { throw new Error('Date.now called'); });
    fc.assert(fc.property(clusterConfig, operations, (config, ops) => {
      transcript(config, ops, false);
    }), { numRuns: 40 });
  });

  it('returns the very same state object for a refused request', () => {
    const s = deepFreeze(initialState());
    const refused: Manifest[] = [
      { op: 'apply', object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'bad' }, spec: { clusterIP: '1.1.1.1', ports: [{ port: 80 }] } } },
      { op: 'apply', object: { apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w' } } },
      { op: 'delete', kind: 'Pod', namespace: 'default', name: 'missing' },
      { op: 'probe', namespace: 'default', pod: 'missing', result: 'success' },
      { op: 'connect', from: { external: true }, to: { ip: '10.96.0.1', port: 443 } },
      { op: 'sync', controller: 'endpoints', target: 'default/kubernetes' },
    ];
    for (const op of refused) {
      const r = step(s, op as Operation);
      expect(r.result.ok).toBe(false);
      expect(r.state).toBe(s);
    }
  });

  it('returns the same state for queries', () => {
    const s = deepFreeze(initialState());
    for (const op of [{ op: 'observe' }, { op: 'ping', from: { external: true }, ip: '10.96.0.1' }] as Operation[]) {
      expect(step(s, op).state).toBe(s);
    }
  });

  it('depends on the seed only through its choices', () => {
    const ops: Manifest[] = [{ op: 'apply', object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } } }];
    const ip = (seed: number) => JSON.parse(transcript({ seed }, ops, false))[0].object.spec.clusterIP;
    expect(ip(5)).toBe(ip(5));
    expect(new Set([0, 1, 2, 3, 4].map(ip)).size).toBeGreaterThan(1);
  });
});
