// Throughput and memory of `svcspec trace` on a large stream the model exported.
//   npx tsx bench/trace-check.bench.ts [events=1000000] [pretty|lines] [namespaces=20]
// The model runs a churning cluster (per namespace a Service with a named targetPort, pods created,
// probed ready and unready, relabelled, deleted, time advancing) in sync timing; a few such runs,
// each exported as kubectl watch events (conformance/trace/export.ts), are written one after
// another into one stream, the cluster emptied (every object DELETED) between them, recorded time
// moving on, until the stream holds the events asked for. Then it measures, on that file:
//   read        the watch reader alone (the floor the checker cannot beat)
//   read+check  svcspec trace's pipeline: reader and checker, every trace invariant (what the CLI does)
//   check       the checker alone, on events already parsed (a prefix held in memory)
// with peak heap sampled every 10k events: it should follow the live objects, not the events.
// Rates are given per second of wall time and per second of this process's CPU time (the machine
// may be shared). BENCH_KEEP=1 keeps the generated stream in the temp directory for the next run.
import { createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ClusterState, type Operation, initialState, step } from '../model/index.ts';
import { loadSpec } from '../properties/spec/load.ts';
import { TraceChecker } from '../conformance/trace/check.ts';
import { readTrace } from '../conformance/trace/detect.ts';
import type { TraceEvent } from '../conformance/trace/event.ts';
import { type RunStep, WatchExporter } from '../conformance/trace/export.ts';
import { summarize } from '../conformance/trace/run.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const STYLE = process.argv[3] === 'lines' ? 'lines' : 'pretty';
const NAMESPACES = Number(process.argv[4] ?? 20);
const RUNS = 3;
const STEPS = 6000;

const apply = (object: Record<string, unknown>): Operation => ({ op: 'apply', object }) as unknown as Operation;
const podSpec = (grace: number) => ({
  terminationGracePeriodSeconds: grace,
  containers: [{ name: 'app', image: 'app', ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: { exec: { command: ['ls', '/var/ready'] }, periodSeconds: 1, failureThreshold: 1 } }],
});

/** One run of the churning cluster; returns its states. */
function modelRun(seed: number): RunStep[] {
  let s: ClusterState = initialState({ nodes: ['node-1', 'node-2', 'node-3'], podCIDR: '10.0.0.0/8', seed });
  const steps: RunStep[] = [{ state: s }];
  const run = (op: Operation) => {
    const out = step(s, op);
    s = out.state;
    steps.push(op.op === 'apply' && out.result.ok ? { state: s, applied: op.object as unknown as Record<string, unknown> } : { state: s });
  };
  for (let n = 0; n < NAMESPACES; n++) {
    run(apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: `ns-${n}` }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } }));
  }
  let rnd = seed;
  const rand = (k: number) => ((rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0) >>> 8) % k;
  for (let i = 0; i < STEPS; i++) {
    const namespace = `ns-${rand(NAMESPACES)}`, pod = `p${rand(6)}`, r = rand(20);
    if (r < 6) run(apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: pod, namespace, labels: { app: 'web' } }, spec: podSpec(rand(3) ? 0 : 2) }));
    else if (r < 12) run({ op: 'probe', namespace, pod, result: rand(2) ? 'success' : 'failure' } as Operation);
    else if (r < 16) run({ op: 'advance', seconds: 1 } as Operation);
    else if (r < 18) run({ op: 'delete', kind: 'Pod', namespace, name: pod } as Operation);
    else if (r < 19) run(apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: pod, namespace, labels: { app: rand(2) ? 'web' : 'db' } }, spec: podSpec(0) }));
    else run(apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }], publishNotReadyAddresses: rand(2) === 0 } }));
  }
  return steps;
}

async function generate(path: string): Promise<number> {
  const out = createWriteStream(path);
  let buf: string[] = [], size = 0;
  const ex = new WatchExporter((t) => {
    buf.push(STYLE === 'pretty' ? t : t.replace(/\n\s*/g, '').replace(/}{"type"/g, '}\n{"type"') + '\n');
    size += t.length;
  });
  const runs = Array.from({ length: RUNS }, (_, i) => modelRun(i + 1));
  for (let copy = 0; ex.events < N; copy++) {
    const steps = runs[copy % RUNS]!;
    for (const st of steps) {
      ex.push(st);
      if (size > 1 << 22) { if (!out.write(buf.join(''))) await once(out, 'drain'); buf = []; size = 0; }
    }
    const end = steps[steps.length - 1]!.state.time;
    ex.clear(end + 1);
    ex.timeOffset += end + 10;
  }
  out.end(buf.join(''));
  await once(out, 'finish');
  return ex.events;
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
/** Runs f, returning wall and CPU seconds. */
async function timed(f: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  const t = performance.now(), u = process.cpuUsage();
  await f();
  const d = process.cpuUsage(u);
  return { wall: (performance.now() - t) / 1000, cpu: (d.user + d.system) / 1e6 };
}
const rate = (n: number, s: { wall: number; cpu: number }) =>
  `${Math.round(n / s.wall).toLocaleString('en')} events/s (${s.wall.toFixed(1)} s wall), ${Math.round(n / s.cpu).toLocaleString('en')} events/s of CPU`;
const spec = loadSpec();
const keep = process.env.BENCH_KEEP === '1';
const dir = keep ? tmpdir() : mkdtempSync(join(tmpdir(), 'svcspec-trace-check-'));
const file = join(dir, `svcspec-trace-check-${N}-${STYLE}-${NAMESPACES}.json`);
try {
  const t = performance.now();
  if (!keep || !existsSync(file)) {
    const total = await generate(file);
    console.log(`generated ${total} ${STYLE} events from ${RUNS} model runs of ${STEPS} steps over ${NAMESPACES} namespaces in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const mb = statSync(file).size / 1e6;
  const gc = () => (globalThis as { gc?: () => void }).gc?.();

  // read only
  gc();
  let n = 0;
  const read = await timed(async () => { for await (const _ of readTrace(file)) n++; });
  console.log(`stream: ${n} events, ${mb.toFixed(0)} MB, ${Math.round((mb * 1e6) / n)} B/event`);
  console.log(`read:       ${rate(n, read)}, ${(mb / read.wall).toFixed(0)} MB/s`);

  // read + check, sampling the heap
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  let peak = heap0;
  const checker = new TraceChecker(spec.invariants);
  n = 0;
  const both = await timed(async () => {
    for await (const ev of readTrace(file)) {
      checker.event(ev);
      if (++n % 10_000 === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    checker.finish();
  });
  const report = summarize(checker, spec.invariants, { files: [file], windowMs: 1000 });
  const violated = report.invariants.filter((i) => i.verdict === 'violation').map((i) => i.id);
  console.log(`read+check: ${rate(n, both)}`);
  console.log(`            heap before ${mib(heap0)}, peak ${mib(peak)} (sampled every 10k events); live objects at most ${report.peakLiveObjects}; `
    + `${report.invariants.reduce((a, i) => a + i.evaluated, 0).toLocaleString('en')} slices evaluated; violations: ${violated.length ? violated.join(', ') : 'none'}`);
  if (violated.length) process.exitCode = 1;

  // check only, on a parsed prefix
  const prefix: TraceEvent[] = [];
  for await (const ev of readTrace(file)) if (prefix.push(ev) >= 200_000) break;
  let best = { wall: Infinity, cpu: Infinity };
  for (let r = 0; r < 3; r++) {
    const c = new TraceChecker(spec.invariants);
    const s = await timed(async () => { for (const ev of prefix) c.event(ev); c.finish(); });
    if (s.cpu < best.cpu) best = s;
  }
  console.log(`check:      ${prefix.length} parsed events: ${rate(prefix.length, best)} (best of 3)`);
  console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  if (!keep) rmSync(dir, { recursive: true, force: true });
}
