import { loadSpec } from './properties/spec/load.ts';
import { runCheck } from './properties/engine/check.ts';
const spec = loadSpec();
const scope = spec.scopes.find(s => s.name === process.argv[2])!;
const t0 = performance.now();
const r = runCheck(spec, { scope, timing: (process.argv[4] ?? 'sync') as any, runs: Number(process.argv[3] ?? 100), maxSteps: scope.maxSteps, seed: 7 });
const ms = performance.now() - t0;
console.log(r.runs, 'runs', r.steps, 'steps', (r.steps / ms * 1000).toFixed(0), 'steps/s', r.error ?? '');
if (r.counterexample) {
  const c = r.counterexample;
  console.log('VIOLATION', c.violation.invariant.id, c.violation.error ?? JSON.stringify(c.violation.value), 'shrinks', c.shrinks);
  c.transcript.ops.forEach((op, i) => console.log(' ', i + 1, String(op), JSON.stringify(c.transcript.results[i]).slice(0, 150)));
  console.log(JSON.stringify(c.changes).slice(0, 1500));
}
