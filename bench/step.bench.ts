/**
 * Throughput of the reference model's `step`. Not run by npm test.
 *   npx tsx bench/step.bench.ts [mixed] [scaling]     (both by default; < 1 minute)
 *   node --import tsx --cpu-prof --cpu-prof-dir=/tmp/prof bench/step.bench.ts mixed
 *
 * 1. mixed/sync: a pre-generated, deterministic sequence (seeded PRNG, no Math.random) over a
 *    cluster of ~10 pods (8 bare + a ReplicationController's 2-3) and 3 Services, using every
 *    mutating operation: apply Pod/Service/Endpoints/RC (create and update), delete and re-create,
 *    probe, listen, exit, advance, connect (Service name, ClusterIP, nodePort, external), ping,
 *    settle, and a few refused requests. Replayed in a loop; the state resets to the episode's
 *    start every EPISODE operations, so the cluster never grows without bound. Goal ≥ 100k steps/s.
 * 2. mixed/async: the same sequence in async timing, with an extra `settle` every 8 operations.
 * 3. scaling: one operation that touches one Service, on a cluster of 100 pods / 10 Services and
 *    on one of 10,000 pods / 1,000 Services (2 nodes in both). Each call starts from the same
 *    prebuilt state (step is pure). Goal: big/small < 3x. Two more rows repeat pod operations with
 *    a ReplicationController in the namespace (it reconciles on every pod change there).
 *
 * Prints tables on stdout and writes nothing else.
 */
import { cpus, loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Bench } from 'tinybench';
import { initialState, step, type ClusterState, type Operation } from '../model/index.ts';

// ---------------------------------------------------------------------------------------------
// Deterministic generator

/** mulberry32: the generator's own randomness (the model never sees it). */
export function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n: number) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

type ProbeKind = 'exec' | 'tcp' | 'http' | 'none';

function container(probe: ProbeKind, period?: number) {
  const readinessProbe =
    probe === 'exec' ? { exec: { command: ['ls', '/var/ready'] }, periodSeconds: period ?? 3 }
    : probe === 'tcp' ? { tcpSocket: { port: 8080 }, periodSeconds: period ?? 2 }
    : probe === 'http' ? { httpGet: { port: 'http', path: '/healthz' }, periodSeconds: 5, initialDelaySeconds: 1 }
    : undefined;
  return {
    name: 'app',
    image: 'luksa/kubia',
    ports: [{ name: 'http', containerPort: 8080 }],
    ...(readinessProbe ? { readinessProbe } : {}),
  };
}

export function podManifest(name: string, labels: Record<string, string>, probe: ProbeKind, extra: Record<string, unknown> = {}, period?: number) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels },
    spec: { containers: [container(probe, period)], ...extra },
  };
}

export function serviceManifest(name: string, spec: Record<string, unknown>, namespace = 'default') {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec };
}

/** The bare pods of the mixed workload: fixed specs (a re-create with another spec would be refused). */
const BARE: { name: string; app: string; probe: ProbeKind; extra: Record<string, unknown> }[] = [
  { name: 'web-0', app: 'web', probe: 'exec', extra: {} },
  { name: 'web-1', app: 'web', probe: 'tcp', extra: { terminationGracePeriodSeconds: 0 } },
  { name: 'web-2', app: 'web', probe: 'none', extra: { terminationGracePeriodSeconds: 4 } },
  { name: 'web-3', app: 'web', probe: 'http', extra: {} },
  { name: 'api-0', app: 'api', probe: 'tcp', extra: { terminationGracePeriodSeconds: 3 } },
  { name: 'api-1', app: 'api', probe: 'exec', extra: { terminationGracePeriodSeconds: 0 } },
  { name: 'api-2', app: 'api', probe: 'none', extra: { restartPolicy: 'OnFailure' } },
  { name: 'api-3', app: 'api', probe: 'tcp', extra: { restartPolicy: 'Never', terminationGracePeriodSeconds: 2 } },
];

const SERVICES = {
  web: (port: number) => serviceManifest('web', {
    clusterIP: '10.96.0.100', selector: { app: 'web' }, sessionAffinity: 'ClientIP',
    ports: [{ name: 'http', port, targetPort: 'http' }],
  }),
  api: (port: number) => serviceManifest('api', {
    type: 'NodePort', selector: { app: 'api' }, externalTrafficPolicy: port === 8080 ? 'Cluster' : 'Local',
    ports: [{ name: 'http', port, targetPort: 8080, nodePort: 30080 }],
  }),
  ext: (port: number) => serviceManifest('ext', { ports: [{ name: 'pg', port, targetPort: 5432 }] }),
};
type SvcName = keyof typeof SERVICES;

function extEndpoints(n: number) {
  const addresses = Array.from({ length: 1 + (n % 3) }, (_, i) => ({ ip: `192.0.2.${10 + i}` }));
  return { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'ext', namespace: 'default' }, subsets: [{ addresses, ports: [{ name: 'pg', port: 5432 }] }] };
}

function rcManifest(replicas: number) {
  return {
    apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'worker', namespace: 'default' },
    spec: { replicas, template: { metadata: { labels: { app: 'web', tier: 'worker' } }, spec: { containers: [container('http')] } } },
  };
}

/** An RC of `replicas` pods labelled app=`app` (selecting none of the scaling clusters' pods). */
function rcManifestOf(name: string, app: string, replicas: number) {
  return {
    apiVersion: 'v1', kind: 'ReplicationController', metadata: { name, namespace: 'default' },
    spec: { replicas, template: { metadata: { labels: { app } }, spec: { containers: [container('none')] } } },
  };
}

/** Operations that build the mixed workload's cluster: 3 Services, Endpoints, 8 pods, an RC of 2. */
function setupOps(): Operation[] {
  return [
    { op: 'apply', object: SERVICES.web(80) },
    { op: 'apply', object: SERVICES.api(8080) },
    { op: 'apply', object: SERVICES.ext(5432) },
    { op: 'apply', object: extEndpoints(0) },
    ...BARE.map((p): Operation => ({ op: 'apply', object: podManifest(p.name, { app: p.app }, p.probe, p.extra) })),
    { op: 'apply', object: rcManifest(2) },
    ...BARE.filter((p) => p.probe === 'exec').map((p): Operation => ({ op: 'probe', pod: p.name, result: 'success' })),
    { op: 'advance', seconds: 2 },
  ] as Operation[];
}

/**
 * `count` mixed operations after the setup. A shadow of the cluster (which bare pods and Services
 * exist) keeps most operations meaningful; what it gets wrong simply becomes a refused request.
 */
export function mixedOps(seed: number, count: number): Operation[] {
  const r = prng(seed);
  const ops: Operation[] = setupOps();
  const pods = new Set(BARE.map((p) => p.name));
  const svcs = new Set<SvcName>(['web', 'api', 'ext']);
  const svcPort: Record<SvcName, number> = { web: 80, api: 8080, ext: 5432 };
  let rev = 0;
  let replicas = 2;
  const anyPod = () => BARE[r(BARE.length)];
  const livePod = () => {
    const live = BARE.filter((p) => pods.has(p.name));
    return live.length ? live[r(live.length)] : anyPod();
  };
  const client = () => (r(6) === 0 ? { external: true as const } : { namespace: 'default', pod: livePod().name });
  const weighted: [number, () => Operation][] = [
    [7, () => { // apply pod: create, or update labels (sometimes moving it to the other Service)
      const p = anyPod();
      const app = pods.has(p.name) && r(4) === 0 ? (p.app === 'web' ? 'api' : 'web') : p.app;
      pods.add(p.name);
      return { op: 'apply', object: podManifest(p.name, { app, rev: String(rev++ % 5) }, p.probe, p.extra) };
    }],
    [4, () => { const p = livePod(); pods.delete(p.name); return { op: 'delete', kind: 'Pod', name: p.name }; }],
    [5, () => { // apply service: create or change its port
      const names = Object.keys(SERVICES) as SvcName[];
      const s = names[r(names.length)];
      if (svcs.has(s)) svcPort[s] = svcPort[s] + (r(2) ? 1 : -1);
      svcs.add(s);
      return { op: 'apply', object: SERVICES[s](svcPort[s]) };
    }],
    [1, () => { const s = [...svcs][r(svcs.size)] ?? 'web'; svcs.delete(s); return { op: 'delete', kind: 'Service', name: s }; }],
    [2, () => ({ op: 'apply', object: extEndpoints(rev++) })],
    [2, () => { replicas = replicas === 2 ? 3 : 2; return { op: 'apply', object: rcManifest(replicas) }; }],
    [8, () => ({ op: 'probe', pod: livePod().name, result: r(3) ? 'success' : 'failure' })],
    [5, () => ({ op: 'listen', pod: livePod().name, listening: r(4) !== 0 })],
    [3, () => ({ op: 'exit', pod: livePod().name, code: r(3) === 0 ? 1 : 0 })],
    [9, () => ({ op: 'advance', seconds: 1 + r(4) })],
    [20, () => {
      const to = [
        () => ({ service: 'web', port: svcPort.web }),
        () => ({ service: 'api', port: 'http' }),
        () => ({ service: 'ext', port: svcPort.ext }),
        () => ({ ip: '10.96.0.100', port: svcPort.web }),
        () => ({ node: ['node-1', 'node-2'][r(2)], port: 30080 }),
        () => ({ ip: '10.244.0.2', port: 8080 }),
      ][r(6)]();
      return { op: 'connect', from: client(), to } as Operation;
    }],
    [4, () => ({ op: 'ping', from: client(), ip: ['10.96.0.100', '192.168.0.10', '10.244.0.2', '10.244.128.3', '8.8.8.8'][r(5)] })],
    [3, () => ({ op: 'settle' })],
    [3, () => [ // refused requests
      (): Operation => ({ op: 'apply', object: serviceManifest('bad', { selector: { app: 'web' }, ports: [{ port: 0 }] }) }),
      (): Operation => ({ op: 'delete', kind: 'Pod', name: 'no-such-pod' }),
      (): Operation => ({ op: 'probe', pod: 'no-such-pod', result: 'success' }),
      (): Operation => ({ op: 'apply', object: podManifest('web-0', { app: 'web' }, 'tcp') }), // spec is immutable
      (): Operation => ({ op: 'connect', from: { namespace: 'default', pod: livePod().name }, to: { service: 'nope', port: 1 } }),
    ][r(5)]()],
  ];
  const total = weighted.reduce((a, [w]) => a + w, 0);
  while (ops.length < count) {
    let x = r(total);
    for (const [w, gen] of weighted) {
      if ((x -= w) < 0) { ops.push(gen()); break; }
    }
  }
  return ops;
}

/** Inserts a `settle` after every `every` operations (the async workload). */
export function withSettles(ops: readonly Operation[], every: number): Operation[] {
  const out: Operation[] = [];
  ops.forEach((op, i) => {
    out.push(op);
    if (i % every === every - 1) out.push({ op: 'settle' });
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scaling: clusters of P pods / S Services, and single operations touching one Service

export interface Scaled {
  readonly pods: number;
  readonly services: number;
  readonly state: ClusterState;
  readonly buildMs: number;
}

const svcName = (i: number) => `svc-${i}`;
const podName = (i: number) => `pod-${i}`;

/**
 * Service i selects app=svc-i; every 10th is a NodePort. Pod j carries app=svc-(j mod S); in every
 * Service half the pods have a tcp probe (ready) and half an exec one (not ready until told).
 * Probes run every 10 s from time 0, and the cluster is left at time 1: the next second is quiet.
 */
export function buildCluster(pods: number, services: number): Scaled {
  const t0 = performance.now();
  let s = initialState({ seed: 7 });
  const apply = (object: unknown) => {
    const r = step(s, { op: 'apply', object } as Operation);
    if (!r.result.ok) throw new Error(`setup refused: ${JSON.stringify(r.result)}`);
    s = r.state;
  };
  for (let i = 0; i < services; i++) apply(scaledService(i, 80));
  for (let j = 0; j < pods; j++) apply(podManifest(podName(j), { app: svcName(j % services) }, probeOf(j, services), {}, 10));
  // Fire every pod's first probe (exec probes fail until told otherwise; tcp ones succeed).
  s = step(s, { op: 'advance', seconds: 1 }).state;
  return { pods, services, state: s, buildMs: performance.now() - t0 };
}

const probeOf = (j: number, services: number): ProbeKind => (Math.floor(j / services) % 2 ? 'tcp' : 'exec');

function scaledService(i: number, port: number) {
  return serviceManifest(svcName(i), {
    selector: { app: svcName(i) },
    ...(i % 10 === 0 ? { type: 'NodePort' } : {}),
    ports: [{ name: 'http', port, targetPort: 'http' }],
  });
}

/** K variants of each single-Service operation, spread over the cluster's Services and pods. */
export function scalingOps(c: Scaled, k = 64): Record<string, Operation[]> {
  const { pods, services } = c;
  const svc = (v: number) => Math.floor((v * services) / k) % services;
  // A ready pod (tcp probe) of service svc(v): j = S·(2m+1) + i.
  const pod = (v: number) => (services * (2 * (v % Math.floor(pods / services / 2)) + 1) + svc(v)) % pods;
  const ipOf = (j: number) => c.state.pods.get(`default/${podName(j)}`)!.ip;
  const nodePortOf = (i: number) => (c.state.services.get(`default/${svcName(i)}`)!.object.spec.ports![0].nodePort)!;
  const v = Array.from({ length: k }, (_, x) => x);
  return {
    'apply new pod (service i)': v.map((x) => ({ op: 'apply', object: podManifest(`new-${x}`, { app: svcName(svc(x)) }, 'tcp', {}, 10) })),
    'apply pod: relabel': v.map((x) => ({ op: 'apply', object: podManifest(podName(pod(x)), { app: svcName(svc(x)), rev: 'b' }, 'tcp', {}, 10) })),
    'probe pod': v.map((x) => ({ op: 'probe', pod: podName(pod(x)), result: 'failure' })),
    'exit container': v.map((x) => ({ op: 'exit', pod: podName(pod(x)), code: 1 })),
    'delete pod': v.map((x) => ({ op: 'delete', kind: 'Pod', name: podName(pod(x)) })),
    'advance 1s (nothing due)': v.map(() => ({ op: 'advance', seconds: 1 })),
    'connect to service i': v.map((x) => ({ op: 'connect', from: { namespace: 'default', pod: podName(pod(x + 1)) }, to: { service: svcName(svc(x)), port: 80 } })),
    'connect to nodePort': v.map((x) => ({ op: 'connect', from: { external: true }, to: { node: 'node-1', port: nodePortOf(svc(x) - (svc(x) % 10)) } })),
    'ping pod': v.map((x) => ({ op: 'ping', from: { namespace: 'default', pod: podName(pod(x)) }, ip: ipOf(pod(x + 3)) })),
    'apply service i: new port': v.map((x) => ({ op: 'apply', object: scaledService(svc(x), 81) })),
    'create service': v.map((x) => ({ op: 'apply', object: serviceManifest(`extra-${x}`, { selector: { app: svcName(svc(x)) }, ports: [{ port: 80, targetPort: 8080 }] }) })),
    'delete service i': v.map((x) => ({ op: 'delete', kind: 'Service', name: svcName(svc(x)) })),
    'refused: invalid service': v.map((x) => ({ op: 'apply', object: serviceManifest(`bad-${x}`, { ports: [{ port: 0 }] }) })),
  } as Record<string, Operation[]>;
}

// ---------------------------------------------------------------------------------------------
// Running

const EPISODE = 2048; // operations between resets to the initial state
const BATCH = 256; // steps per timed iteration

function replayer(ops: readonly Operation[], timing: 'sync' | 'async') {
  const start = initialState({ timing, seed: 1 });
  let state = start;
  let i = 0;
  return () => {
    for (let b = 0; b < BATCH; b++) {
      state = step(state, ops[i]).state;
      if (++i === ops.length) { i = 0; state = start; }
    }
  };
}

/** Outcome counts of one pass (what the workload exercises), by op kind. */
function mixReport(ops: readonly Operation[], timing: 'sync' | 'async') {
  let s = initialState({ timing, seed: 1 });
  const rows = new Map<string, { n: number; ok: number }>();
  for (const op of ops) {
    const r = step(s, op);
    s = r.state;
    const kind = op.op === 'apply' || op.op === 'delete'
      ? `${op.op} ${op.op === 'apply' ? (op.object as { kind: string }).kind : op.kind}` : op.op;
    const row = rows.get(kind) ?? { n: 0, ok: 0 };
    row.n++;
    if (r.result.ok) row.ok++;
    rows.set(kind, row);
  }
  return rows;
}

/** Median time of one iteration (ms): robust to other processes sharing the machine. */
const ms = (t: { result: unknown }) => {
  const r = t.result as { state?: string; latency?: { p50: number }; error?: unknown };
  if (!r.latency) throw new Error(`task did not complete: ${r.state} ${String(r.error ?? '')}`);
  return r.latency.p50;
};

async function runMixed(): Promise<void> {
  const sync = mixedOps(42, EPISODE);
  const async_ = withSettles(sync, 8);
  const mix = mixReport(sync, 'sync');
  const mixA = mixReport(async_, 'async');
  console.log(`mixed workload: ${sync.length} ops per episode (async: ${async_.length} with extra settles); outcomes per kind (ok/total):`);
  console.table(Object.fromEntries([...mix].sort().map(([k, v]) => [k, { sync: `${v.ok}/${v.n}`, async: `${mixA.get(k)!.ok}/${mixA.get(k)!.n}` }])));
  const bench = new Bench({ name: 'mixed', time: 3000, warmupTime: 500 });
  bench.add('mixed, sync timing', replayer(sync, 'sync'));
  bench.add('mixed, async timing (+settle every 8)', replayer(async_, 'async'));
  await bench.run();
  console.table(bench.tasks.map((t) => {
    const nsPerStep = (ms(t) * 1e6) / BATCH;
    return { task: t.name, 'steps/s': Math.round(1e9 / nsPerStep).toLocaleString('en-US'), 'µs/step': (nsPerStep / 1000).toFixed(2), goal: '≥ 100,000 steps/s' };
  }));
}

async function runScaling(): Promise<void> {
  const small = buildCluster(100, 10);
  const big = buildCluster(10_000, 1_000);
  console.log(`scaling: built 100 pods/10 svc in ${small.buildMs.toFixed(0)} ms, 10,000 pods/1,000 svc in ${(big.buildMs / 1000).toFixed(1)} s`);
  const opsSmall = scalingOps(small);
  const opsBig = scalingOps(big);
  const bench = new Bench({ name: 'scaling', time: 400, warmupTime: 100 });
  // Interleaved (small, big, small, big…), so that a change in machine load hits both sides alike.
  for (const name of Object.keys(opsSmall)) {
    for (const [label, c, ops] of [['small', small, opsSmall], ['big', big, opsBig]] as const) {
      const base = c.state;
      const list = ops[name];
      bench.add(`${name} @${label}`, () => {
        for (const op of list) step(base, op);
      });
    }
  }
  await bench.run();
  // The same pod operations with one ReplicationController (of other pods) in the namespace: every
  // pod change makes it reconcile. Few iterations: on the big cluster one op may take tens of ms.
  const rcBench = new Bench({ name: 'scaling+rc', time: 0, iterations: 3, warmupIterations: 1 });
  const rcOps = ['apply pod: relabel', 'exit container'];
  for (const name of rcOps) {
    for (const [label, c, ops] of [['small', small, opsSmall], ['big', big, opsBig]] as const) {
      const base = step(c.state, { op: 'apply', object: rcManifestOf('worker', 'worker', 2) } as Operation).state;
      const list = ops[name].slice(0, 8);
      rcBench.add(`${name} + RC @${label}`, () => {
        for (const op of list) step(base, op);
      });
    }
  }
  await rcBench.run();
  const nsOf = (b: Bench, name: string, per: number) => (ms(b.getTask(name)!) * 1e6) / per;
  const row = (operation: string, a: number, b: number) =>
    ({ operation, 'ns/op 100p/10s': Math.round(a).toLocaleString('en-US'), 'ns/op 10kp/1ks': Math.round(b).toLocaleString('en-US'), 'big/small': (b / a).toFixed(2) + 'x' });
  console.table([
    ...Object.keys(opsSmall).map((name) => row(name, nsOf(bench, `${name} @small`, 64), nsOf(bench, `${name} @big`, 64))),
    ...rcOps.map((name) => row(`${name} + RC in namespace`, nsOf(rcBench, `${name} + RC @small`, 8), nsOf(rcBench, `${name} + RC @big`, 8))),
  ]);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} (timings are medians)`);
  const all = args.length === 0;
  if (all || args.includes('mixed')) await runMixed();
  if (all || args.includes('scaling')) await runScaling();
}
