import { loadSpec } from './properties/spec/load.ts';
import { explore } from './properties/explore/explore.ts';
const spec = loadSpec();
const scope = spec.scopes.find(s => s.name === 'tiny')!;
for (const n of [0, 100]) {
  const r = explore({ scope, timing: 'sync', depth: 6, invariants: n ? spec.invariants.filter(i => i.timings.has('sync')) : [], timeLimitSeconds: 120 });
  console.log(n ? 'with invariants' : 'no invariants', r.states, 'states', r.transitions, 'transitions', r.seconds.toFixed(1) + 's', Math.round(r.statesPerSecond), 'states/s', Math.round(r.transitions / r.seconds), 'transitions/s');
}
