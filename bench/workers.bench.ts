// `svcspec check --workers N` or `svcspec explore --workers N` against one worker, side by side in
// one run (not run by npm test):
//   npx tsx bench/workers.bench.ts check [runs=400] [workers=2] [iterations=3]
//   npx tsx bench/workers.bench.ts explore [scope=readiness-race-wide] [workers=2] [iterations=3]
// Each iteration is a whole process — `svcspec check --runs R` (the default scopes and timings),
// or `svcspec explore --scope S` (one scope: its levels cut across the threads) — from the
// TypeScript sources through tsx (each worker thread loads them through tsx too), or with
// BENCH_DIST=1 from the compiled dist/ that the installed package runs (`npm run build` first);
// the variants alternate so a machine shared with other work loads them alike. A third variant
// runs N one-thread processes at once, each a whole search: what N independent searches get out
// of this machine (its cores, caches and memory bandwidth shared), the ceiling for --workers N.
// Wall time is tinybench's latency; CPU time is the process's own (every thread, read by the
// process itself with process.cpuUsage), so CPU efficiency = CPU(1 worker) / CPU(N workers) says
// what the workers cost beyond the work itself (each loads the spec and warms up its own JIT),
// whatever else runs on the machine. Every run's check.json must be the same bytes; every run's
// explore.json too, less its times and the steps re-executed (they hang on how ranges fell on threads).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';

const ROOT = join(import.meta.dirname, '..');
const COMMAND = process.argv[2] ?? 'check';
if (COMMAND !== 'check' && COMMAND !== 'explore') throw new Error(`usage: workers.bench.ts check|explore …, got ${COMMAND}`);
const WHAT = process.argv[3] ?? (COMMAND === 'check' ? '400' : 'readiness-race-wide');
const WORKERS = Number(process.argv[4] ?? 2);
const ITERATIONS = Number(process.argv[5] ?? 3);
const DIST = process.env.BENCH_DIST === '1';
if (DIST && !existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('BENCH_DIST=1 needs dist/: run npm run build first');
const dir = mkdtempSync(join(tmpdir(), 'svcspec-workers-bench-'));

/** The report less what measures the run rather than the search (and replay files named without each variant's directory). */
const searchOf = (json: string) =>
  COMMAND === 'check'
    ? json
    : JSON.stringify(JSON.parse(json, (k, v) => (['seconds', 'statesPerSecond', 'replayedSteps'].includes(k) ? undefined : k === 'replay' ? String(v).split('/').at(-1) : v)));

/** One command in a fresh process; its CPU seconds (all threads) come back on stderr's last line. */
async function run(workers: number, tag = `w${workers}`): Promise<{ cpu: number; json: string }> {
  const reports = join(dir, tag);
  const args = [COMMAND, COMMAND === 'check' ? '--runs' : '--scope', WHAT, '--workers', String(workers), '--reports', reports];
  const script = `const { main } = await import(${JSON.stringify(join(ROOT, DIST ? 'dist/cli/main.js' : 'cli/main.ts'))}); const c0 = process.cpuUsage(); process.exitCode = await main(${JSON.stringify(args)}); const c = process.cpuUsage(c0); process.stderr.write('\\n' + (c.user + c.system) / 1e6 + '\\n');`;
  const child = spawn(process.execPath, [...(DIST ? [] : ['--import', 'tsx']), '--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const [status] = (await once(child, 'close')) as [number | null];
  if (status !== 0) throw new Error(`--workers ${workers}: exit ${status}\n${stderr}`);
  return { cpu: Number(stderr.trim().split('\n').at(-1)), json: searchOf(readFileSync(join(reports, `${COMMAND}.json`), 'utf8')) };
}

const cpu = new Map<number, number[]>();
const wallTimes = new Map<string, number[]>();
const PAIR = `${WORKERS} × --workers 1 at once`;
const outputs = new Set<string>();
const load = loadavg()[0];
// Interleaved: each round runs one iteration of each variant, so both meet the same load.
for (let i = 0; i < ITERATIONS; i++) {
  const bench = new Bench({ iterations: 1, time: 0, warmup: false });
  for (const w of [1, WORKERS]) {
    bench.add(String(w), async () => {
      const r = await run(w);
      cpu.set(w, [...(cpu.get(w) ?? []), r.cpu]);
      outputs.add(r.json);
    });
  }
  // The machine's own ceiling: N one-thread processes at once, each a whole search (no sharing, no
  // merge). N × wall(1) / wall(this) is the speed-up N independent searches would get here.
  bench.add(PAIR, async () => {
    for (const r of await Promise.all(Array.from({ length: WORKERS }, (_, i) => run(1, `alone-${i}`)))) outputs.add(r.json);
  });
  await bench.run();
  for (const t of bench.tasks) {
    const ms = (t.result as { latency?: { mean: number } }).latency?.mean;
    if (ms === undefined) throw new Error(`--workers ${t.name} did not complete`);
    wallTimes.set(t.name, [...(wallTimes.get(t.name) ?? []), ms / 1000]);
  }
}
rmSync(dir, { recursive: true, force: true });

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const wall = (name: string) => median(wallTimes.get(name)!);
const [w1, wn, alone] = [wall('1'), wall(String(WORKERS)), wall(PAIR)];
const [c1, cn] = [median(cpu.get(1)!), median(cpu.get(WORKERS)!)];
console.table([
  { variant: '--workers 1', 'wall s (median)': w1.toFixed(1), 'cpu s (median)': c1.toFixed(1) },
  { variant: `--workers ${WORKERS}`, 'wall s (median)': wn.toFixed(1), 'cpu s (median)': cn.toFixed(1) },
  { variant: `${PAIR} (each a whole search)`, 'wall s (median)': alone.toFixed(1), 'cpu s (median)': '' },
]);
console.log(`the machine's ceiling: ${WORKERS} independent one-thread searches at once finish in ${alone.toFixed(1)} s, ${((WORKERS * w1) / alone).toFixed(2)}× the throughput of one (--workers ${WORKERS} reaches ${((w1 / wn) / ((WORKERS * w1) / alone) * 100).toFixed(0)}% of it)`);
console.log(`speed-up (wall): ${(w1 / wn).toFixed(2)}×; CPU efficiency: ${(c1 / cn).toFixed(2)} (1 = the workers cost nothing beyond the work); ideal speed-up on an idle machine ≈ ${Math.min(WORKERS, cpus().length)} × efficiency = ${(Math.min(WORKERS, cpus().length) * (c1 / cn)).toFixed(2)}×`);
console.log(`${COMMAND} ${WHAT} (${DIST ? 'dist/' : 'sources through tsx'}); ${cpus().length} cores, load average ${load.toFixed(1)} at the start; ${COMMAND}.json identical in every run: ${outputs.size === 1}`);
if (outputs.size !== 1) process.exitCode = 1;
