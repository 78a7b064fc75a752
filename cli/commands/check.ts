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
import { checkJson, checkMarkdown, counterexampleText } from '../report/check-report.ts';
import { junitXml } from '../report/junit.ts';
import { checkSuites } from '../report/junit-suites.ts';
import { ONLY_FLAG, WEIGHTS_FLAG, checkOnly, junitFile, parallelFlags, randomRunFlags, reportFlags, scopesOf, shardJobs, shardOf, timingsOf, weightsOf, workersOf } from './shared-flags.ts';

/** Runs per scope and timing: enough rounds of coverage-guided bias for every invariant to reach the floor. */
export const DEFAULT_RUNS = 400;

export const CHECK_FLAGS: FlagSpec = {
  ...randomRunFlags('small,medium', 'same report', DEFAULT_RUNS),
  ...ONLY_FLAG,
  ...WEIGHTS_FLAG,
  'save-counterexample': { type: 'string', help: 'write the shrunk counterexample as a scenario file' },
  'export-watch': { type: 'string', help: 'write each run as a kubectl watch stream FILE.<scope>.<timing>.<n>.json (svcspec trace checks them)' },
  ...parallelFlags('check', 'jobs (scope × timing, in report order)'),
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
  readonly seed: number;
  readonly maxSteps?: number;
  readonly only?: readonly string[];
  readonly weights?: string;
}

/** One job of a shard report: its index among the check's jobs, its report as wire data, its coverage. */
export interface CheckShardPart {
  readonly job: number;
  readonly report: unknown;
  readonly visited: Visited;
  readonly seconds: number;
}

/**
 * The check's jobs, one per scope and timing, scopes outer: small/sync, small/async, medium/sync, …
 * Their order is the order of the report and of --shard's `index ≡ I (mod N)`.
 */
export function checkJobs(spec: Spec, o: CheckShardOptions, onRun?: (job: number, done: number, total: number) => void): CheckOptions[] {
  const weights = weightsOf(spec, o.weights);
  return scopesOf(spec, o.scopes).flatMap((scope) => o.timings.map((timing) => ({ scope, timing }))).map(({ scope, timing }, job) => ({
    scope,
    timing,
    runs: o.runs,
    maxSteps: o.maxSteps ?? scope.maxSteps,
    seed: o.seed,
    only: o.only,
    weights,
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
    seed: (flags.seed as number) ?? 0,
    ...(flags['max-steps'] !== undefined ? { maxSteps: flags['max-steps'] as number } : {}),
    ...(flags.only ? { only: flags.only as string[] } : {}),
    ...(flags.weights !== undefined ? { weights: flags.weights as string } : {}),
  };
  const junit = junitFile(flags);
  const workers = workersOf(flags, cores);
  const shard = shardOf(flags);
  if (flags['export-watch'] && workers > 1) throw new UsageError('--export-watch writes the runs one by one in run order: it runs on one thread, not with --workers');
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
      for (const r of results) printReport(r.report, r.seconds);
      process.stdout.write(`shard ${shard.index}/${shard.count}: ${mine.length} of ${jobs.length} jobs (${mine.map((m) => `${m.job.scope.name}/${m.job.timing}`).join(', ') || 'none'}); report: ${file} (svcspec merge puts the shards together)\n`);
    }
    return results.some((r) => r.report.counterexample || r.report.error) ? 1 : 0;
  }
  return finish(results, jobs, flags, exporter);
}

export function printReport(r: CheckReport, seconds: number): void {
  const verdict = r.error ? `error: ${r.error}` : r.counterexample ? 'VIOLATION' : 'all invariants held';
  process.stdout.write(`${r.scope} (${r.timing}): ${r.runs} runs, ${r.steps} steps in ${seconds.toFixed(1)}s (${Math.round(r.steps / seconds)} steps/s): ${verdict}\n`);
  const below = belowFloor(r);
  if (below.length && !r.counterexample) process.stdout.write(`  below the floor (precondition held ≥ ${FLOOR.held} times and on ≥ ${FLOOR.share * 100}% of checked steps): ${below.map((b) => `${b.id} ${b.held}/${b.checked}`).join(', ')}\n`);
  if (r.counterexample) process.stdout.write(`${counterexampleText(r)}\n`);
}

/** The reports of the whole check (its jobs' results in order), written and summed up: by check itself and by svcspec merge. */
export function finish(results: readonly CheckJobResult[], jobs: readonly CheckOptions[], flags: Record<string, unknown>, exporter?: CheckExport): number {
  const reports = results.map((r) => r.report);
  if (!flags.json) for (const r of results) printReport(r.report, r.seconds);
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
