/**
 * The explorer's distinct states per second, invariants included, on the largest scope that
 * completes in about a minute, beside @xstate/graph's traversal of the same kind of composite
 * state where it can run at all (here: N pods, each a pod-lifecycle machine, as one product
 * machine), and how memory grows with states. Not run by npm test.
 *   npx tsx bench/explore.bench.ts
 */
import { getShortestPaths } from '@xstate/graph';
import { createMachine } from 'xstate';
import { explore } from '../properties/explore/explore.ts';
import { loadSpec } from '../properties/spec/load.ts';

const spec = loadSpec();
const heap = () => Math.round(process.memoryUsage().heapUsed / 2 ** 20);

console.log('svcspec explore (invariants on):');
for (const name of ['readiness-race-settled', 'no-readiness-probe', 'tiny', 'readiness-race']) {
  const scope = spec.scopes.find((s) => s.name === name)!;
  const timing = scope.explore?.timing ?? 'sync';
  global.gc?.();
  const before = heap();
  const r = explore({ scope, timing, depth: scope.explore!.depth, timeLimitSeconds: 60, invariants: spec.invariants.filter((i) => i.timings.has(timing)) });
  console.log(
    `  ${name.padEnd(24)} ${String(r.states).padStart(7)} states ${String(r.transitions).padStart(8)} transitions  depth ${r.depthCompleted} (${r.stoppedBy})` +
      `  ${r.seconds.toFixed(1)}s  ${Math.round(r.statesPerSecond)} states/s  heap +${heap() - before} MiB`,
  );
}

/** N independent pods, each Pending → Running → Terminating → Gone, as one product machine. */
function product(n: number) {
  const pod = (i: number) => ({
    initial: 'Pending',
    states: {
      Pending: { on: { [`START_${i}`]: 'Running', [`DELETE_${i}`]: 'Terminating' } },
      Running: { on: { [`EXIT_${i}`]: 'Running', [`DELETE_${i}`]: 'Terminating' } },
      Terminating: { on: { [`GRACE_${i}`]: 'Gone' } },
      Gone: {},
    },
  });
  const events = Array.from({ length: n }, (_, i) => ['START', 'EXIT', 'DELETE', 'GRACE'].map((e) => ({ type: `${e}_${i}` }))).flat();
  return { machine: createMachine({ type: 'parallel', states: Object.fromEntries(Array.from({ length: n }, (_, i) => [`pod${i}`, pod(i)])) }), events };
}

console.log('@xstate/graph getShortestPaths on N pod-lifecycle machines in parallel:');
for (const n of [3, 4, 5, 6]) {
  const { machine, events } = product(n);
  const t0 = performance.now();
  const paths = getShortestPaths(machine, { events });
  const s = (performance.now() - t0) / 1000;
  console.log(`  ${n} pods: ${paths.length} states in ${s.toFixed(2)}s, ${Math.round(paths.length / s)} states/s`);
}
