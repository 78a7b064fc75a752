/**
 * `svcspec check`: random operation sequences against every invariant, on the reference model,
 * per scope and timing; reports in reports/check.json and check.md; exit 1 on a violation.
 */
import { stringify } from 'yaml';
import { belowFloor, neverExercised, type CheckOptions, type CheckReport } from '../../properties/engine/check.ts';
import { type Visited, coverageOf, missedTransitions, unionVisited } from '../../properties/engine/coverage.ts';
import { toWire } from '../../properties/engine/wire.ts';
import type { Spec, Timing } from '../../properties/spec/types.ts';
import { FLOOR } from '../../properties/engine/floor.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import { modelSystem } from '../../properties/engine/system.ts';
import { CheckExport } from '../../conformance/trace/export.ts';
import { type FlagSpec, UsageError } from '../args.ts';
import { type CheckJobResult, runCheckJobs } from '../parallel/check-jobs.ts';
import { cores } from '../parallel/pool.ts';
import { writeShard } from '../shard-files.ts';
import { writeFile, writeJsonLine } from '../io.ts';
import { Progress } from '../progress.ts';
import { checkJson, checkMarkdown, counterexampleText, topUpNote } from '../report/check-report.ts';
import { junitXml } from '../report/junit.ts';
import { checkSuites } from '../report/junit-suites.ts';
import { ONLY_FLAG, SWARM_FLAG, WEIGHTS_FLAG, checkOnly, junitFile, parallelFlags, randomRunFlags, reportFlags, scopesOf, shardJobs, shardOf, timingsOf, weightsOf, workersOf } from './shared-flags.ts';

/** Runs per scope and timing: enough rounds of coverage-guided bias for every invariant to reach the floor. */
export const DEFAULT_RUNS = 400;

export const CHECK_FLAGS: FlagSpec = {
  ...randomRunFlags('small,medium', 'same report', DEFAULT_RUNS),
  ...ONLY_FLAG,
  ...WEIGHTS_FLAG,
  ...SWARM_FLAG,
  'save-counterexample': { type: 'string', help: 'write the shrunk counterexample as a scenario file' },
  'export-watch': { type: 'string', help: 'write each run as a kubectl watch stream FILE.<scope>.<timing>.<n>.json (svcspec trace checks them)' },
  seeds: { type: 'string', help: 'A..B: run every scope and timing once per seed A, A+1, …, B (a job each, in the report and for --shard)' },
  ...parallelFlags('check', 'jobs (scope × timing × seed, in report order)'),
  ...reportFlags('check'),
};

// Shared with the other commands; re-exported where they were first defined.
export { checkOnly, scopesOf, timingsOf };

/** The counterexample as a scenario `svcspec run` replays as a regression test. */
export function counterexampleScenario(r: CheckReport, opts: CheckOptions): string {
  const c = r.counterexample!;
  const steps = c.transcript.ops.map((op) => {
    const { op: name, ...fields } = op as unknown as Record<string, unknown>;
    return { [name as string]: fields };
  });
  const inv = c.violation.invariant;
  const doc = {
    name: `counterexample: ${inv.id}`,
    description: `${inv.statement} Shrunk by svcspec check (${c.replay}). The last step shows the violation; the expectation states what the spec requires.`,
    cluster: { ...opts.scope.cluster, timing: opts.timing },
    steps,
  };
  return `# ${inv.id} — ${inv.statement}\n${stringify(doc, { lineWidth: 0 })}`;
}

/** The options every shard of one check must share (svcspec merge refuses shards that differ). */
export interface CheckShardOptions {
  readonly scopes: readonly string[];
  readonly timings: readonly Timing[];
  readonly runs: number;
  /** One job per seed for each scope and timing (--seeds A..B; else the one --seed). */
  readonly seeds: readonly number[];
  readonly maxSteps?: number;
  readonly only?: readonly string[];
  readonly weights?: string;
  /** Swarm testing (--swarm); absent when off, so a plain check's shard options are as before. */
  readonly swarm?: true;
}

/** One job of a shard report: its index among the check's jobs, its report as wire data, its coverage. */
export interface CheckShardPart {
  readonly job: number;
  readonly report: unknown;
  readonly visited: Visited;
  readonly seconds: number;
}

/**
 * The check's jobs, one per scope, timing and seed, scopes outer, seeds inner: small/sync,
 * small/async, medium/sync, … (with --seeds 0..1: small/sync/0, small/sync/1, small/async/0, …).
 * Their order is the order of the report and of --shard's `index ≡ I (mod N)`.
 */
export function checkJobs(spec: Spec, o: CheckShardOptions, onRun?: (job: number, done: number, total: number) => void): CheckOptions[] {
  const weights = weightsOf(spec, o.weights);
  const jobs = scopesOf(spec, o.scopes).flatMap((scope) => o.timings.flatMap((timing) => o.seeds.map((seed) => ({ scope, timing, seed }))));
  return jobs.map(({ scope, timing, seed }, job) => ({
    scope,
    timing,
    runs: o.runs,
    maxSteps: o.maxSteps ?? scope.maxSteps,
    seed,
    only: o.only,
    weights,
    ...(o.swarm ? { swarm: true } : {}),
    onRun: onRun && ((done: number, total: number) => onRun(job, done, total)),
  }));
}

export async function checkCommand(flags: Record<string, unknown>): Promise<number> {
  const spec = loadSpec();
  checkOnly(spec, flags.only as string[] | undefined);
  const options: CheckShardOptions = {
    scopes: scopesOf(spec, flags.scope as string[] | undefined).map((s) => s.name),
    timings: timingsOf(flags.timing as string[] | undefined, ['sync', 'async']),
    runs: (flags.runs as number) ?? DEFAULT_RUNS,
    seeds: seedsOf(flags),
    ...(flags['max-steps'] !== undefined ? { maxSteps: flags['max-steps'] as number } : {}),
    ...(flags.only ? { only: flags.only as string[] } : {}),
    ...(flags.weights !== undefined ? { weights: flags.weights as string } : {}),
    ...(flags.swarm === true ? { swarm: true as const } : {}),
  };
  const junit = junitFile(flags);
  const workers = workersOf(flags, cores);
  const shard = shardOf(flags);
  if (flags['export-watch'] && workers > 1) throw new UsageError('--export-watch writes the runs one by one in run order: it runs on one thread, not with --workers');
  if (flags['export-watch'] && options.seeds.length > 1) throw new UsageError('--export-watch names its files by scope, timing and run: give one --seed, not --seeds');
  if (shard && flags['save-counterexample']) throw new UsageError('--save-counterexample with --shard: give it to svcspec merge, which finds the first counterexample of all shards');
  const progress = new Progress();
  const exporter = flags['export-watch'] ? new CheckExport(flags['export-watch'] as string, modelSystem) : undefined;
  // With workers the jobs go at once: one bar for all of them.
  const done = new Map<number, number>();
  const jobs = checkJobs(spec, options, (job, n, total) => {
    exporter?.run(jobs[job].scope.name, jobs[job].timing, n);
    if (workers <= 1) return progress.bar(`check ${jobs[job].scope.name}/${jobs[job].timing}`, n, total);
    done.set(job, n);
    progress.bar('check', [...done.values()].reduce((a, b) => a + b, 0), mine.length * total);
  });
  const mine = shardJobs(jobs, shard);
  const results = await runCheckJobs(spec, mine.map((m) => m.job), workers, exporter?.system, (i, r) => {
    progress.done();
    if (r.report.counterexample) exporter?.counterexample(r.report.scope, r.report.timing);
  });
  if (shard) {
    const parts: CheckShardPart[] = results.map((r, i) => ({ job: mine[i].index, report: toWire(r.report), visited: r.visited, seconds: r.seconds }));
    const dir = (flags.reports as string) ?? 'reports';
    const file = writeShard(dir, 'check', shard, options as unknown as Record<string, unknown>, parts);
    if (!flags.json) {
      for (const r of results) printReport(r.report, r.seconds, options.seeds.length > 1);
      process.stdout.write(`shard ${shard.index}/${shard.count}: ${mine.length} of ${jobs.length} jobs (${mine.map((m) => `${m.job.scope.name}/${m.job.timing}${options.seeds.length > 1 ? `/seed ${m.job.seed}` : ''}`).join(', ') || 'none'}); report: ${file} (svcspec merge puts the shards together)\n`);
    }
    return results.some((r) => r.report.counterexample || r.report.error) ? 1 : 0;
  }
  return finish(results, jobs, flags, exporter);
}

/** --seeds A..B as a list, or the one --seed (default 0). */
function seedsOf(flags: Record<string, unknown>): number[] {
  const text = flags.seeds as string | undefined;
  if (text === undefined) return [(flags.seed as number) ?? 0];
  if (flags.seed !== undefined) throw new UsageError('--seed and --seeds: give one of them');
  const m = /^(\d+)\.\.(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) > Number(m[2])) throw new UsageError(`--seeds needs A..B, whole numbers with A ≤ B (e.g. 0..7), got "${text}"`);
  return Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i);
}

export function printReport(r: CheckReport, seconds: number, seeded = false): void {
  const verdict = r.error ? `error: ${r.error}` : r.counterexample ? 'VIOLATION' : 'all invariants held';
  process.stdout.write(`${r.scope} (${r.timing}${seeded ? `, seed ${r.seed}` : ''}): ${r.runs} runs${topUpNote(r)}, ${r.steps} steps in ${seconds.toFixed(1)}s (${Math.round(r.steps / seconds)} steps/s): ${verdict}\n`);
  const below = belowFloor(r);
  if (below.length && !r.counterexample) process.stdout.write(`  below the floor (precondition held ≥ ${FLOOR.held} times and on ≥ ${FLOOR.share * 100}% of checked steps): ${below.map((b) => `${b.id} ${b.held}/${b.checked}`).join(', ')}\n`);
  if (r.counterexample) process.stdout.write(`${counterexampleText(r)}\n`);
}

/** The reports of the whole check (its jobs' results in order), written and summed up: by check itself and by svcspec merge. */
export function finish(results: readonly CheckJobResult[], jobs: readonly CheckOptions[], flags: Record<string, unknown>, exporter?: CheckExport): number {
  const reports = results.map((r) => r.report);
  const seeded = new Set(jobs.map((j) => j.seed)).size > 1;
  if (!flags.json) for (const r of results) printReport(r.report, r.seconds, seeded);
  const first = reports.findIndex((r) => r.counterexample);
  if (first >= 0 && flags['save-counterexample']) writeFile(flags['save-counterexample'] as string, counterexampleScenario(reports[first], jobs[first]));
  const coverage = coverageOf(unionVisited(results.map((r) => r.visited)));
  const unexercised = neverExercised(reports);
  if (unexercised.length && !flags.json) process.stdout.write(`warning: never exercised in any scope or timing: ${unexercised.join(', ')}\n`);
  const dir = (flags.reports as string) ?? 'reports';
  const junit = flags.junit as string | undefined;
  const json = checkJson(reports, coverage);
  writeFile(`${dir}/check.json`, `${JSON.stringify(json, null, 2)}\n`);
  writeFile(`${dir}/check.md`, checkMarkdown(reports, coverage));
  if (junit) writeFile(junit, junitXml('svcspec check', checkSuites(results.map((r) => ({ report: r.report, seconds: r.seconds })))));
  if (flags.json) writeJsonLine(json);
  else {
    for (const c of coverage) {
      const missed = missedTransitions(c);
      const unreachable = c.unreachable.length ? ` (${c.unreachable.length} unreachable, see the report)` : '';
      process.stdout.write(`coverage ${c.machine}: ${c.states.visited.length}/${c.states.all.length} states, ${c.transitions.visited.length}/${c.transitions.all.length} transitions${unreachable}${missed.length ? `; not visited: ${missed.join(', ')}` : ''}\n`);
    }
    process.stdout.write(`reports: ${dir}/check.json, ${dir}/check.md${junit ? `, ${junit}` : ''}\n`);
    if (exporter) process.stdout.write(`watch streams: ${exporter.written.length} files, ${exporter.written[0] ?? ''} …${jobs.some((j) => j.timing === 'async') ? ' (async runs let model time pass while controllers lag and may end unsettled; svcspec trace reports that lag)' : ''}\n`);
  }
  return reports.some((r) => r.counterexample || r.error) ? 1 : 0;
}
