/**
 * CEL evaluation speed: the interpreter (@marcbachmann/cel-js), the function compileCel generates,
 * and the same check written by hand in JavaScript, on a 10-pod / 3-service observation.
 *
 *   npx tsx bench/cel.bench.ts            (about 20 s)
 */
import { Bench } from 'tinybench';
import { compileCel, type CompiledCel } from '../properties/cel/compile.ts';
import { CEL_HELPERS_BY_NAME } from '../properties/cel/helpers.ts';
import { toCelValue } from '../properties/cel/values.ts';

type Obj = Record<string, any>;

function observation(): Obj {
  const apps = ['web', 'api', 'db'];
  const pods = Array.from({ length: 10 }, (_, i) => ({
    namespace: 'default',
    name: `${apps[i % 3]}-${i}`,
    uid: `pod-${i}`,
    labels: { app: apps[i % 3], tier: i % 2 ? 'a' : 'b' },
    node: `node-${(i % 2) + 1}`,
    ip: `10.244.${i % 2}.${10 + i}`,
    phase: 'Running',
    ready: i !== 7,
    terminating: false,
    containers: [{ name: 'app', ready: i !== 7, restartCount: 0 }],
  }));
  const services = apps.map((app, i) => ({
    namespace: 'default',
    name: app,
    uid: `svc-${i}`,
    type: 'ClusterIP',
    clusterIP: `10.96.0.${20 + i}`,
    selector: { app },
    ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    sessionAffinity: 'None',
    externalTrafficPolicy: '',
    publishNotReadyAddresses: false,
    loadBalancerIngress: [],
  }));
  return toCelValue({ time: 0, nodes: [], pods, services, endpoints: [], ingresses: [], proxies: [] }) as Obj;
}

const BATCH = 100;
const state = observation();
const prev = observation();
const vars = {
  state,
  prev,
  op: { op: 'connect' },
  result: { ok: true, pod: { namespace: 'default', name: 'api-4' } },
};
const selects = CEL_HELPERS_BY_NAME.get('selects')!.impl as (a: unknown, b: unknown) => boolean;
const unique = CEL_HELPERS_BY_NAME.get('unique')!.impl as (a: unknown) => boolean;

/** Each case: a CEL invariant and the same check by hand. */
const cases: { name: string; cel: string; js: (v: typeof vars) => boolean }[] = [
  {
    name: 'ClusterIP stable (nested exists/filter)',
    cel: 'state.services.all(s, prev.services.exists(p, p.uid == s.uid) ? prev.services.filter(p, p.uid == s.uid)[0].clusterIP == s.clusterIP : true)',
    js: (v) =>
      v.state.services.every((s: Obj) => {
        const p = v.prev.services.find((p: Obj) => p.uid === s.uid);
        return p ? p.clusterIP === s.clusterIP : true;
      }),
  },
  {
    name: 'connect reaches a ready pod',
    cel: "!(op.op == 'connect' && result.ok) || state.pods.exists(p, p.namespace == result.pod.namespace && p.name == result.pod.name && p.ready)",
    js: (v) =>
      !(v.op.op === 'connect' && v.result.ok) ||
      v.state.pods.some((p: Obj) => p.namespace === v.result.pod.namespace && p.name === v.result.pod.name && p.ready),
  },
  {
    name: 'selector picks pods (selects helper)',
    cel: 'state.services.all(s, !has(s.selector) || state.pods.filter(p, selects(s.selector, p.labels)).size() >= 3)',
    js: (v) =>
      v.state.services.every(
        (s: Obj) => s.selector === undefined || v.state.pods.filter((p: Obj) => selects(s.selector, p.labels)).length >= 3,
      ),
  },
  {
    name: 'ClusterIPs unique (map/filter/unique)',
    cel: "unique(state.services.map(s, s.clusterIP).filter(ip, ip != 'None' && ip != ''))",
    js: (v) => unique(v.state.services.map((s: Obj) => s.clusterIP).filter((ip: string) => ip !== 'None' && ip !== '')),
  },
];

async function main(): Promise<void> {
  const rows: Record<string, string>[] = [];
  for (const c of cases) {
    const t0 = performance.now();
    const compiled = compileCel(c.cel);
    const compileMs = performance.now() - t0;
    if (!compiled.ok) throw new Error(`${c.name}: ${compiled.error.message}`);
    const cc: CompiledCel = compiled;
    // The three must agree before their speed means anything.
    const want = c.js(vars);
    if (cc.fn(vars) !== want || cc.interpret(vars) !== want) throw new Error(`${c.name}: evaluators disagree`);

    // Each sample runs BATCH evaluations, so tinybench's per-sample timing overhead does not
    // flatten the fast variants.
    const batch = (f: (v: typeof vars) => unknown) => () => {
      for (let n = 0; n < BATCH; n++) f(vars);
    };
    const bench = new Bench({ time: 1500, warmup: true });
    bench.add('interpreter', batch(cc.interpret));
    bench.add('compiled', batch(cc.fn));
    bench.add('hand-written JS', batch(c.js));
    await bench.run();
    const perSec = (name: string): number => {
      const r = bench.getTask(name)?.result;
      return r && 'period' in r ? (BATCH * 1000) / r.period : NaN;
    };
    const [i, k, j] = [perSec('interpreter'), perSec('compiled'), perSec('hand-written JS')];
    rows.push({
      invariant: c.name,
      mode: cc.mode,
      'interpreter ev/s': fmt(i),
      'compiled ev/s': fmt(k),
      'hand JS ev/s': fmt(j),
      'compiled/interp': `${(k / i).toFixed(1)}x`,
      'JS/compiled': `${(j / k).toFixed(1)}x`,
      'compile ms': compileMs.toFixed(2),
    });
  }
  console.log(`node ${process.version}, ${state.pods.length} pods, ${state.services.length} services`);
  console.table(rows);
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

await main();
