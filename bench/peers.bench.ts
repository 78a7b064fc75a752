/**
 * svcspec beside its peers, side by side in one run (not run by npm test):
 *   (a) Quint's simulator (`quint run --backend=typescript`, the devDependency @informalsystems/quint)
 *       on bench/peers/readiness.qnt — the readiness core: N=3 pods with readiness probes, one
 *       Service, its Endpoints, one node proxy, async timing — against `svcspec check` on the scope
 *       readiness-race in async timing with the same five invariants (`only`), the same number of
 *       runs and the same bound on steps per run: steps/s and the ratio svcspec / Quint;
 *   (b) @xstate/graph's getShortestPaths against svcspec's explorer on the same N-pod product
 *       machine (bench/pod-product.ts): distinct states/s and the ratio.
 *
 *   npx tsx bench/peers.bench.ts [quint|xstate]...          (both by default)
 *   RUNS=300 STEPS=30 ROUNDS=3 npx tsx bench/peers.bench.ts quint
 *
 * Both tools run offline. Each round runs Quint's process, svcspec's CLI process and svcspec's
 * check in this process one after the other, so all three meet the same load; medians of the
 * rounds are printed. CPU seconds of a child process are its own (read at its exit by a preload).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck } from '../properties/engine/check.ts';
import { loadSpec } from '../properties/spec/load.ts';
import { podProductSearches } from './pod-product.ts';

const which = new Set(process.argv.slice(2));
const run = (part: string) => which.size === 0 || which.has(part);
const ROOT = join(import.meta.dirname, '..');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fixed = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '-');
const perSecond = (n: number, s: number) => (Number.isFinite(s) && s > 0 ? Math.round(n / s) : '-');

/** The invariants both check: svcspec's ids and the Quint definitions that state them. */
const INVARIANTS: Record<string, string> = {
  'readiness/not-ready-before-first-success': 'notReadyBeforeFirstSuccess',
  'endpoints/ready-in-addresses': 'readyInAddresses',
  'proxy/follows-endpoints': 'followsEndpoints',
  'proxy/settled-no-unready': 'settledNoUnready',
  'traffic/programmed-endpoints-only': 'programmedEndpointsOnly',
};

interface Measure {
  readonly steps: number;
  readonly wall: number;
  readonly cpu: number;
}

if (run('quint')) {
  const RUNS = Number(process.env.RUNS ?? 300);
  const STEPS = Number(process.env.STEPS ?? 30);
  const ROUNDS = Number(process.env.ROUNDS ?? 3);
  const spec = loadSpec();
  const scope = spec.scopes.find((s) => s.name === 'readiness-race')!;
  const only = Object.keys(INVARIANTS);
  const quintCli = join(createRequire(import.meta.url).resolve('@informalsystems/quint/package.json'), '..', 'dist/src/cli.js');
  const dir = mkdtempSync(join(tmpdir(), 'svcspec-peers-bench-'));
  const preload = join(dir, 'cpu-at-exit.cjs');
  writeFileSync(preload, "process.on('exit', () => { const c = process.cpuUsage(); process.stderr.write('\\npeers-cpu ' + (c.user + c.system) / 1e6 + '\\n'); });\n");

  /** A whole process: its wall time (measured here), its own CPU seconds, its output. */
  const child = (args: string[]): { wall: number; cpu: number; stdout: string } => {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, ['--require', preload, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    const wall = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${args.slice(0, 3).join(' ')} …: exit ${r.status}\n${r.stdout}\n${r.stderr}`);
    return { wall, cpu: Number(/peers-cpu ([\d.]+)/.exec(r.stderr)?.[1] ?? NaN), stdout: r.stdout };
  };

  const quint = (seed: number, samples = RUNS) => {
    // Every variable hidden: the example trace Quint prints is one line per state.
    const hide = ['pods', 'lastIP', 'statusPending', 'endpointsPending', 'addresses', 'notReadyAddresses', 'proxyPending', 'programmed', 'lastConnect'];
    const c = child([
      quintCli, 'run', 'bench/peers/readiness.qnt', '--backend=typescript', '--main', 'readiness3',
      '--max-samples', String(samples), '--max-steps', String(STEPS), '--seed', String(seed),
      '--invariants', ...Object.values(INVARIANTS), '--witnesses', 'witnessSettledWithEndpoint', 'witnessLanded', '--hide', ...hide,
    ]);
    const sim = /\((\d+)ms at [\d.]+ traces\/second\)/.exec(c.stdout);
    const length = /Trace length statistics: .*average=([\d.]+)/.exec(c.stdout);
    if (!c.stdout.includes('[ok] No violation found') || !sim || !length) throw new Error(`quint run: unexpected output\n${c.stdout}`);
    const witnesses = Object.fromEntries([...c.stdout.matchAll(/(\w+) was witnessed in (\d+) trace/g)].map((m) => [m[1], Number(m[2])]));
    // A trace of K steps has K+1 states.
    const steps = samples * (Number(length[1]) - 1);
    return { process: { steps, wall: c.wall, cpu: c.cpu }, simulationWall: Number(sim[1]) / 1000, witnesses };
  };

  const checkArgs = (seed: number) => ['--scope', scope.name, '--timing', 'async', '--runs', String(RUNS), '--max-steps', String(STEPS), '--seed', String(seed), '--only', only.join(',')];
  const svcspecProcess = (seed: number): Measure => {
    const c = child(['cli/svcspec.js', 'check', ...checkArgs(seed), '--reports', join(dir, 'reports'), '--json']);
    const report = JSON.parse(c.stdout) as { runs: { steps: number; verdict: string }[] };
    if (report.runs[0].verdict !== 'ok') throw new Error(`svcspec check ${checkArgs(seed).join(' ')}: ${report.runs[0].verdict}`);
    return { steps: report.runs[0].steps, wall: c.wall, cpu: c.cpu };
  };
  const svcspecInProcess = (seed: number) => {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = runCheck(spec, { scope, timing: 'async', runs: RUNS, maxSteps: STEPS, seed, only });
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    if (r.counterexample || r.error) throw new Error(`svcspec check, seed ${seed}: ${r.error ?? r.counterexample!.violation.invariant.id}`);
    return { measure: { steps: r.steps, wall, cpu: (c.user + c.system) / 1e6 }, invariants: r.invariants };
  };

  const load0 = loadavg()[0];
  const rounds = Array.from({ length: ROUNDS }, (_, i) => {
    const seed = i + 1;
    const q = quint(seed);
    // Quint's simulation CPU: its process less one that loads, typechecks and runs a single trace.
    const one = quint(seed, 1);
    const simulation = { steps: q.process.steps - one.process.steps, wall: q.simulationWall - one.simulationWall, cpu: q.process.cpu > one.process.cpu ? q.process.cpu - one.process.cpu : NaN };
    const p = svcspecProcess(seed);
    const s = svcspecInProcess(seed);
    process.stderr.write(`round ${i + 1}/${ROUNDS} done\n`);
    return { q, simulation, p, s };
  });
  rmSync(dir, { recursive: true, force: true });

  const med = (pick: (r: (typeof rounds)[number]) => Measure): Measure => ({
    steps: median(rounds.map((r) => pick(r).steps)),
    wall: median(rounds.map((r) => pick(r).wall)),
    cpu: median(rounds.map((r) => pick(r).cpu)),
  });
  const rows = {
    'Quint run, simulation (its timer; cpu: less a 1-trace run)': med((r) => r.simulation),
    'Quint run, whole process': med((r) => r.q.process),
    'svcspec check, in process (runCheck)': med((r) => r.s.measure),
    'svcspec check, whole process (CLI)': med((r) => r.p),
  };
  console.log(
    `(a) ${RUNS} runs of at most ${STEPS} steps, median of ${ROUNDS} rounds (seeds 1-${ROUNDS}); load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)} on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'})`,
  );
  console.table(
    Object.entries(rows).map(([what, m]) => ({
      what,
      steps: m.steps,
      'wall s': fixed(m.wall),
      'cpu s': fixed(m.cpu),
      'steps/s wall': perSecond(m.steps, m.wall),
      'steps/s cpu': perSecond(m.steps, m.cpu),
    })),
  );
  const rate = (m: Measure, t: 'wall' | 'cpu') => m.steps / m[t];
  const simulation = rows['Quint run, simulation (its timer; cpu: less a 1-trace run)'];
  const engineWall = rate(rows['svcspec check, in process (runCheck)'], 'wall') / rate(simulation, 'wall');
  const engineCpu = rate(rows['svcspec check, in process (runCheck)'], 'cpu') / rate(simulation, 'cpu');
  const processWall = rate(rows['svcspec check, whole process (CLI)'], 'wall') / rate(rows['Quint run, whole process'], 'wall');
  const processCpu = rate(rows['svcspec check, whole process (CLI)'], 'cpu') / rate(rows['Quint run, whole process'], 'cpu');
  console.log(`ratio svcspec / Quint, steps/s: checking alone ${fixed(engineCpu, 2)}× cpu, ${fixed(engineWall, 2)}× wall; whole processes ${fixed(processCpu, 2)}× cpu, ${fixed(processWall, 2)}× wall`);

  // How often each checked something: svcspec counts preconditions per step, Quint counts traces that reach a witness.
  const last = rounds.at(-1)!;
  console.log(`exercised (seed ${ROUNDS}): svcspec, precondition held / checked steps: ` + last.s.invariants.map((i) => `${i.invariant.id} ${i.stats.held}/${i.stats.checked}`).join(', '));
  console.log(`  Quint, traces (of ${RUNS}) reaching a settled state with a programmed endpoint: ${last.q.witnesses.witnessSettledWithEndpoint ?? 0}; with a connection landing on a pod: ${last.q.witnesses.witnessLanded ?? 0}`);
  console.log(`comparable: the invariants (same ids, both in async timing, settled ones judged when nothing is pending), the run count, the step bound, one core, no network.
not comparable: svcspec's state is the whole cluster model (API objects validated and defaulted, IP allocation, the kubelet's timers,
  every pod's machines, two nodes, DNS, environment) and its steps are drawn from the full operation catalogue within the scope
  (Services of every type, pods and their probes, deletes, connections, time) with shrinking on failure; Quint's state is 9 variables
  over 3 pods of one Service on one node, its steps picked uniformly among enabled actions. svcspec's runs end early when the
  generated sequence is shorter than the bound (its steps column counts what ran); Quint's always run the full bound. Each Quint
  process warms its JIT afresh; svcspec's in-process check runs warm from the second round on (its CLI process does not).`);
}

if (run('xstate')) {
  console.log('\n(b) the N-pod product machine (bench/pod-product.ts): distinct states per CPU second (wall in brackets)');
  const rows = [3, 4, 5, 6].map((n) => {
    const r = podProductSearches(n);
    const cpu = (t: { states: number; cpuSeconds: number }) => t.states / t.cpuSeconds;
    const cell = (t: { states: number; cpuSeconds: number; wallSeconds: number }) => `${Math.round(cpu(t))} (${perSecond(t.states, t.wallSeconds)})`;
    return {
      pods: n,
      states: r.xstateGraph.states,
      '@xstate/graph getShortestPaths': cell(r.xstateGraph),
      'explore, product table': cell(r.productTable),
      'explore, region tables': cell(r.regionTables),
      'ratio product table / graph': fixed(cpu(r.productTable) / cpu(r.xstateGraph), 2),
      'ratio region tables / graph': fixed(cpu(r.regionTables) / cpu(r.xstateGraph), 1),
    };
  });
  console.table(rows);
  console.log(`comparable: the same machine, the same events, the same 4^N states (checked). The product table computes each (state, event)
  once with xstate (resolveState of the stored value, transition(), interning the result) where @xstate/graph holds xstate's
  snapshots and calls transition() alone: its ratio is the search's and the table's first visit together. The region tables step
  each pod's machine alone, as svcspec's model composes machines: their ratio is what the explorer gains from that. No invariants
  are evaluated here (the model's explore with invariants: bench/explore.bench.ts).`);
}
