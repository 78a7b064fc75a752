/**
 * The explorer's distinct states per second (invariants on, one core) and bytes per distinct
 * state, fingerprints against exact keys side by side in one run; the search engine alone on a
 * synthetic system of over a million states; and @xstate/graph's traversal of the same kind of
 * composite state where it can run at all. Not run by npm test.
 *   npx tsx bench/explore.bench.ts [scopes|symmetry|engine|parts|xstate]...   (all by default)
 *   node --expose-gc --import tsx bench/explore.bench.ts scopes      (heap growth measured after a GC)
 *
 * The engine before fingerprints (a Map of 106-bit keys and every frontier state kept) is not
 * kept; its numbers: 650–750 distinct states/s, readiness-race 20,530 states in 31 s, +561 MiB
 * heap (≈28 KB/state). `--exact-keys` keeps each state's full canonical text (as the old key did
 * before hashing) but the frontier stays compact: the closest comparison left.
 *
 * States per second are given per wall-clock second and per CPU second (process.cpuUsage):
 * on a shared machine the second is the steadier of the two.
 */
import { Bench } from 'tinybench';
import { initialState, step } from '../model/index.ts';
import { bfs } from '../properties/explore/bfs.ts';
import { explore } from '../properties/explore/explore.ts';
import { FingerprintSet } from '../properties/explore/fingerprint-set.ts';
import { fingerprintState, fingerprintText } from '../properties/explore/fingerprint.ts';
import { loadSpec } from '../properties/spec/load.ts';
import { podProduct, xstateGraphTraversal } from './pod-product.ts';

const which = new Set(process.argv.slice(2));
const run = (part: string) => which.size === 0 || which.has(part);
const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
/** JS heap plus typed-array buffers (where the fingerprint set and the frontier live). */
const held = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

if (run('scopes')) {
  const spec = loadSpec();
  console.log('svcspec explore, every invariant on (fingerprints | exact keys):');
  for (const name of ['no-readiness-probe', 'readiness-race-settled', 'tiny', 'readiness-race']) {
    const scope = spec.scopes.find((s) => s.name === name)!;
    const timing = scope.explore?.timing ?? 'sync';
    const cells: string[] = [];
    for (const exactKeys of [false, true]) {
      global.gc?.();
      const heap0 = held();
      const c0 = process.cpuUsage();
      // The search's structures are garbage once it returns: the peak is sampled at each level's end.
      let peak = heap0;
      const onProgress = () => {
        peak = Math.max(peak, held());
      };
      const r = explore({ scope, timing, depth: scope.explore!.depth, timeLimitSeconds: 600, exactKeys, onProgress, invariants: spec.invariants.filter((i) => i.timings.has(timing)) });
      const cpu = cpuSeconds(c0);
      const heap = `peak heap +${mib(peak - heap0)} MiB`;
      cells.push(
        `${String(r.states).padStart(6)} states ${r.seconds.toFixed(1).padStart(5)}s ${String(Math.round(r.statesPerSecond)).padStart(5)}/s wall ${String(Math.round(r.states / cpu)).padStart(5)}/s cpu ` +
          `${r.bytesPerState!.toFixed(0).padStart(5)} B/state ${heap}`,
      );
    }
    console.log(`  ${name.padEnd(24)} ${cells.join('  |  ')}`);
  }
}

if (run('symmetry')) {
  // Distinct states without and with --symmetry: three pods with the same manifest on one node
  // (spec/scopes.yaml `replicas`), and two replicas each pinned to its own node (`spread`: nodes and pods swapped together).
  const spec = loadSpec();
  for (const name of ['replicas', 'spread']) {
    const scope = spec.scopes.find((s) => s.name === name)!;
    const cells = [false, true].map((symmetry) => {
      const c0 = process.cpuUsage();
      const r = explore({ scope, timing: 'sync', depth: scope.explore!.depth, timeLimitSeconds: 600, symmetry, invariants: spec.invariants.filter((i) => i.timings.has('sync')), alsoCheck: scope.witnesses });
      return `${r.states} states, ${r.transitions} transitions, ${cpuSeconds(c0).toFixed(1)} cpu s`;
    });
    console.log(`${name} (depth ${scope.explore!.depth}): ${cells[0]}  |  --symmetry: ${cells[1]}`);
  }
}

if (run('engine')) {
  // Four counters 0..K-1 and a toggle: K^4 * 2 states, every state with 5 successors. Fingerprinting
  // a tiny text and re-executing a step are all the work: the engine's own cost per state.
  const K = 27;
  type S = { c: number[]; t: number };
  const next = (s: S, a: number): S => (a < 4 ? { c: s.c.map((x, i) => (i === a ? (x + 1) % K : x)), t: s.t } : { c: s.c, t: 1 - s.t });
  global.gc?.();
  const heap0 = held();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const r = bfs<S, number>(
    {
      initial: { c: [0, 0, 0, 0], t: 0 },
      *successors(s) {
        for (let a = 0; a < 5; a++) yield { action: a, label: a, state: next(s, a) };
      },
      replay: next,
      fingerprint: (s) => fingerprintText(`${s.c.join(',')};${s.t}`),
    },
    { depth: 1000 },
  );
  const seconds = (performance.now() - t0) / 1000;
  console.log(
    `search engine alone (synthetic, ${K}^4 x 2 states): ${r.states} states ${r.transitions} transitions (${r.stoppedBy}) in ${seconds.toFixed(1)}s, ` +
      `${Math.round(r.states / seconds)}/s wall ${Math.round(r.states / cpuSeconds(c0))}/s cpu, ${(r.bytes / r.states).toFixed(1)} B/state` +
      `, heap +${mib(held() - heap0)} MiB while the result is held, ${r.replayed} steps re-executed`,
  );
}

if (run('parts')) {
  // The pieces per state: a fingerprint of a model state (sections memoised, one changed), and an insert.
  const spec = loadSpec();
  const scope = spec.scopes.find((s) => s.name === 'readiness-race-settled')!;
  let s = initialState({ ...scope.cluster, timing: 'async' });
  for (const op of scope.explore!.setup ?? []) s = step(s, op).state;
  const probe = scope.explore!.operations![0];
  const set = new FingerprintSet();
  let i = 0;
  const bench = new Bench({ time: 1000 });
  bench
    .add('fingerprintState (one step changed the state)', () => {
      fingerprintState(step(s, probe).state);
    })
    .add('step alone (the baseline for the row above)', () => {
      step(s, probe);
    })
    .add('FingerprintSet.add (new fingerprint)', () => {
      const f = fingerprintText(String(i++));
      set.add(f.hi, f.lo);
    });
  await bench.run();
  console.table(bench.table());
}

if (run('xstate')) {
  // The same product beside svcspec's explorer: bench/peers.bench.ts.
  console.log('@xstate/graph getShortestPaths on N pod-lifecycle machines in parallel:');
  for (const n of [3, 4, 5, 6]) {
    const t = xstateGraphTraversal(podProduct(n));
    console.log(`  ${n} pods: ${t.states} states in ${t.wallSeconds.toFixed(2)}s, ${Math.round(t.states / t.wallSeconds)} states/s`);
  }
}
