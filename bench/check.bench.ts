/**
 * Where the time of `svcspec check` goes, measured side by side in one run (not run by npm test):
 *   1. check with every invariant on (the real thing),
 *   2. the same sequences with no invariant (generation, resolution, model, observation),
 *   3. fast-check's own overhead: the same arbitrary driving a trivial model (a counter).
 * Each task runs a fixed number of fast-check runs on the small scope; steps/s = steps / time.
 *   npx tsx bench/check.bench.ts
 */
import fc from 'fast-check';
import { Bench } from 'tinybench';
import { sequenceArb } from '../properties/arbitraries/operations.ts';
import { runCheck } from '../properties/engine/check.ts';
import { loadSpec } from '../properties/spec/load.ts';

const spec = loadSpec();
const scope = spec.scopes.find((s) => s.name === 'small')!;
const RUNS = 60;
let steps = { all: 0, none: 0, trivial: 0 };

const bench = new Bench({ time: 4000, iterations: 3, warmupIterations: 1 });
for (const timing of ['sync', 'async'] as const) {
  bench.add(`check, all invariants (${timing})`, () => {
    const r = runCheck(spec, { scope, timing, runs: RUNS, maxSteps: scope.maxSteps, seed: 1 });
    steps.all = r.steps;
  });
  bench.add(`check, no invariants (${timing})`, () => {
    const r = runCheck({ ...spec, invariants: [] }, { scope, timing, runs: RUNS, maxSteps: scope.maxSteps, seed: 1 });
    steps.none = r.steps;
  });
}
bench.add('fast-check alone, trivial model', () => {
  let n = 0;
  fc.assert(
    fc.property(sequenceArb(spec.generators, scope, spec.domains, scope.maxSteps), (ops) => {
      let counter = 0;
      for (const op of ops) counter += op.op.length;
      n += ops.length;
      return counter >= 0;
    }),
    { seed: 1, numRuns: RUNS },
  );
  steps.trivial = n;
});

await bench.run();
const rows = bench.tasks.map((t) => {
  const r = t.result as { latency?: { mean: number }; state?: string };
  if (!r.latency) throw new Error(`${t.name} did not complete (${r.state})`);
  const ms = r.latency.mean;
  const s = t.name.startsWith('fast-check') ? steps.trivial : t.name.includes('no invariants') ? steps.none : steps.all;
  return { task: t.name, 'ms per 60 runs': ms.toFixed(1), steps: s, 'steps/s': Math.round((s / ms) * 1000) };
});
console.table(rows);
