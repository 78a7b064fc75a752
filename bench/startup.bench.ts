// How long `svcspec --help` and `svcspec check --help` take to start, side by side:
//   npm run build && npx tsx bench/startup.bench.ts [runs=20] [installed-project]
// - node alone: `node -e 0`, the floor no command can go below;
// - package: the compiled JavaScript in dist/, as the installed package runs it (cli/svcspec.js
//   picks dist/ where the TypeScript sources are absent); with a project that installed the packed
//   tarball as second argument, its node_modules/svcspec is measured too;
// - sources: the repository's dev entry, TypeScript through tsx's loader.
// Each figure is the wall time of a whole process (spawnSync), tinybench's latency statistics.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';

const ROOT = join(import.meta.dirname, '..');
const RUNS = Number(process.argv[2] ?? 20);
const INSTALLED = process.argv[3];
if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/ is missing: run `npm run build` first');

const fromDist = (args: string[]) => ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(join(ROOT, 'dist/cli/main.js'))}); process.exitCode = await main(${JSON.stringify(args)});`];
const variants: [string, string[]][] = [
  ['node alone (node -e 0)', ['-e', '0']],
  ['package: svcspec --help', fromDist(['--help'])],
  ['package: svcspec check --help', fromDist(['check', '--help'])],
  ...(INSTALLED
    ? ([
        ['installed: svcspec --help', [join(INSTALLED, 'node_modules/svcspec/cli/svcspec.js'), '--help']],
        ['installed: svcspec check --help', [join(INSTALLED, 'node_modules/svcspec/cli/svcspec.js'), 'check', '--help']],
      ] as [string, string[]][])
    : []),
  ['sources (tsx): svcspec --help', [join(ROOT, 'cli/svcspec.js'), '--help']],
  ['sources (tsx): svcspec check --help', [join(ROOT, 'cli/svcspec.js'), 'check', '--help']],
];

const bench = new Bench({ iterations: RUNS, time: 0, warmupIterations: 2 });
for (const [name, args] of variants) {
  bench.add(name, () => {
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(`${name}: exit ${r.status}\n${r.stderr}`);
  });
}
await bench.run();
console.log(`${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}, node ${process.version}, ${RUNS} runs each`);
for (const t of bench.tasks) {
  const r = t.result as { latency?: { p50?: number; min: number; mean: number }; state?: string; error?: unknown };
  const l = r.latency;
  if (!l) throw new Error(`${t.name} did not complete (${r.state}): ${String(r.error ?? '')}`);
  console.log(`${t.name.padEnd(38)} median ${(l.p50 ?? l.mean).toFixed(0).padStart(5)} ms   min ${l.min.toFixed(0).padStart(5)} ms   mean ${l.mean.toFixed(0).padStart(5)} ms`);
}
