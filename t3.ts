import { loadSpec } from './properties/spec/load.ts';
import { explore } from './properties/explore/explore.ts';
import { describeOp, describeResult } from './properties/engine/describe.ts';
const spec = loadSpec();
const name = process.argv[2]; const timing = (process.argv[3] ?? 'sync') as any; const depth = Number(process.argv[4] ?? 6);
const scope = spec.scopes.find(s => s.name === name)!;
const invs = spec.invariants.filter(i => i.timings.has(timing));
const also = spec.invariants.filter(i => process.argv.slice(5).includes(i.id));
const r = explore({ scope, timing, depth, invariants: invs, alsoCheck: also, timeLimitSeconds: 120, onProgress: p => console.error(JSON.stringify(p)) });
console.log(r.states, 'states', r.transitions, 'transitions', r.depthCompleted, 'depth', r.stoppedBy, r.seconds.toFixed(1) + 's', Math.round(r.statesPerSecond), 'states/s');
for (const v of r.verdicts.filter(v => v.verdict !== 'ok')) {
  console.log(v.verdict, v.invariant.id);
  v.trace?.forEach((s, i) => console.log('  ', i + 1, describeOp(s.op), describeResult(s.result)));
}
