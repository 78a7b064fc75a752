// Throughput and memory of the watch reader on a large recording.
//   npx tsx bench/trace-read.bench.ts [events=1000000] [pretty|lines]
// Writes a kubectl-style pretty-printed watch stream (Services, Endpoints, EndpointSlices, Pods
// churning over a bounded set of live objects) to a temp file, reads it with readTrace, and reports
// events/s and peak heap. Peak heap should stay flat as the event count grows (memory follows the
// live objects, not the events).
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTrace } from '../conformance/trace/detect.ts';
import { newStats } from '../conformance/trace/event.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const STYLE = process.argv[3] === 'lines' ? 'lines' : 'pretty';
const LIVE = 5_000; // objects alive at any time
const KINDS = ['Service', 'Endpoints', 'EndpointSlice', 'Pod'] as const;

function object(kind: string, i: number, rv: number): Record<string, unknown> {
  const metadata = {
    name: `obj-${i}`, namespace: `ns-${i % 20}`, uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    resourceVersion: String(rv), creationTimestamp: '2024-05-01T10:00:00Z', labels: { app: `app-${i % 50}` },
    managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', apiVersion: 'v1', time: '2024-05-01T10:00:01Z' }],
  };
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  switch (kind) {
    case 'Service': return { kind, apiVersion: 'v1', metadata, spec: { clusterIP: ip, ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 }], selector: { app: `app-${i % 50}` }, type: 'ClusterIP' }, status: { loadBalancer: {} } };
    case 'Endpoints': return { kind, apiVersion: 'v1', metadata, subsets: [{ addresses: [{ ip, targetRef: { kind: 'Pod', name: `pod-${i}`, namespace: metadata.namespace } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] }] };
    case 'EndpointSlice': return { kind, apiVersion: 'discovery.k8s.io/v1', metadata, addressType: 'IPv4', endpoints: [{ addresses: [ip], conditions: { ready: rv % 3 !== 0, serving: true, terminating: false } }], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] };
    default: return { kind, apiVersion: 'v1', metadata, spec: { nodeName: `node-${i % 30}`, containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.9' }] }, status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: rv % 3 ? 'True' : 'False' }] } };
  }
}

async function generate(path: string): Promise<void> {
  const out = createWriteStream(path);
  const born = new Uint8Array(LIVE); // slot → object exists; every 10th event deletes, the next visit re-creates
  let buf: string[] = [], size = 0;
  for (let e = 0, rv = 1000; e < N; e++, rv++) {
    const slot = (e * 7919) % LIVE;
    const type = !born[slot] ? 'ADDED' : e % 10 === 9 ? 'DELETED' : 'MODIFIED';
    born[slot] = type === 'DELETED' ? 0 : 1;
    const v = { type, object: object(KINDS[slot % 4]!, slot, rv) };
    const s = (STYLE === 'pretty' ? JSON.stringify(v, null, 4) : JSON.stringify(v)) + '\n';
    buf.push(s); size += s.length;
    if (size > 1 << 20) { if (!out.write(buf.join(''))) await once(out, 'drain'); buf = []; size = 0; }
  }
  out.end(buf.join(''));
  await once(out, 'finish');
}

const dir = mkdtempSync(join(tmpdir(), 'svcspec-bench-'));
const file = join(dir, `watch-${STYLE}.json`);
try {
  let t = performance.now();
  await generate(file);
  const mb = statSync(file).size / 1e6;
  console.log(`generated ${N} ${STYLE} events, ${mb.toFixed(0)} MB, in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  (globalThis as { gc?: () => void }).gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  let peakHeap = heap0, peakRss = 0, n = 0;
  const stats = newStats();
  t = performance.now();
  for await (const _ of readTrace(file, undefined, { stats })) {
    if (++n % 10_000 === 0) {
      const m = process.memoryUsage();
      if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
      if (m.rss > peakRss) peakRss = m.rss;
    }
  }
  const s = (performance.now() - t) / 1000;
  if (n !== N) throw new Error(`read ${n} events, wrote ${N}`);
  console.log(`read ${n} events in ${s.toFixed(2)} s: ${Math.round(n / s).toLocaleString('en')} events/s, ${(mb / s).toFixed(0)} MB/s`);
  console.log(`heap before ${(heap0 / 2 ** 20).toFixed(0)} MiB, peak heapUsed ${(peakHeap / 2 ** 20).toFixed(0)} MiB, peak rss ${(peakRss / 2 ** 20).toFixed(0)} MiB (sampled every 10k events)`);
  console.log(`unseen objects ${stats.unseenObjects}, skipped kinds ${JSON.stringify(stats.skippedKinds)}`);

  // the floor: JSON.parse alone on the same kind of event texts, already split, on this machine now
  const sample: string[] = [];
  for (let e = 0; e < Math.min(N, 100_000); e++) {
    const v = { type: 'MODIFIED', object: object(KINDS[e % 4]!, e, 1000 + e) };
    sample.push(STYLE === 'pretty' ? JSON.stringify(v, null, 4) : JSON.stringify(v));
  }
  let ps = Infinity; // best of 3: the machine may be shared
  for (let r = 0; r < 3; r++) {
    t = performance.now();
    for (const s of sample) JSON.parse(s);
    ps = Math.min(ps, (performance.now() - t) / 1000);
  }
  console.log(`baseline: JSON.parse alone ${Math.round(sample.length / ps).toLocaleString('en')} events/s `
    + `(reader at ${Math.round((100 * n) / s / (sample.length / ps))}% of it), avg event ${Math.round((mb * 1e6) / N)} bytes`);
  console.log(`node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
