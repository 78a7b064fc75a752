/**
 * `svcspec check`: random operation sequences against every invariant, on the reference model,
 * per scope and timing; reports in reports/check.json and check.md; exit 1 on a violation.
 */
import { stringify } from 'yaml';
import { belowFloor, neverExercised, runCheck, type CheckOptions, type CheckReport } from '../../properties/engine/check.ts';
import { machineCoverage, missedTransitions } from '../../properties/engine/coverage.ts';
import { FLOOR } from '../../properties/engine/floor.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import { modelSystem } from '../../properties/engine/system.ts';
import { CheckExport } from '../../conformance/trace/export.ts';
import type { FlagSpec } from '../args.ts';
import { writeFile, writeJsonLine } from '../io.ts';
import { Progress } from '../progress.ts';
import { checkJson, checkMarkdown, counterexampleText } from '../report/check-report.ts';
import { junitXml } from '../report/junit.ts';
import { checkSuites } from '../report/junit-suites.ts';
import { ONLY_FLAG, SWARM_FLAG, WEIGHTS_FLAG, checkOnly, junitFile, randomRunFlags, reportFlags, scopesOf, timingsOf, weightsOf } from './shared-flags.ts';

/** Runs per scope and timing: enough rounds of coverage-guided bias for every invariant to reach the floor. */
export const DEFAULT_RUNS = 400;

export const CHECK_FLAGS: FlagSpec = {
  ...randomRunFlags('small,medium', 'same report', DEFAULT_RUNS),
  ...ONLY_FLAG,
  ...WEIGHTS_FLAG,
  ...SWARM_FLAG,
  'save-counterexample': { type: 'string', help: 'write the shrunk counterexample as a scenario file' },
  'export-watch': { type: 'string', help: 'write each run as a kubectl watch stream FILE.<scope>.<timing>.<n>.json (svcspec trace checks them)' },
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

export async function checkCommand(flags: Record<string, unknown>): Promise<number> {
  const spec = loadSpec();
  checkOnly(spec, flags.only as string[] | undefined);
  const scopes = scopesOf(spec, flags.scope as string[] | undefined);
  const timings = timingsOf(flags.timing as string[] | undefined, ['sync', 'async']);
  const junit = junitFile(flags);
  const weights = weightsOf(spec, flags.weights as string | undefined);
  const progress = new Progress();
  const reports: CheckReport[] = [];
  const timed: { report: CheckReport; seconds: number }[] = [];
  let saved = false;
  const exporter = flags['export-watch'] ? new CheckExport(flags['export-watch'] as string, modelSystem) : undefined;
  for (const scope of scopes) {
    for (const timing of timings) {
      const opts: CheckOptions = {
        scope,
        timing,
        runs: (flags.runs as number) ?? DEFAULT_RUNS,
        maxSteps: (flags['max-steps'] as number) ?? scope.maxSteps,
        seed: (flags.seed as number) ?? 0,
        only: flags.only as string[] | undefined,
        weights,
        swarm: flags.swarm === true,
        onRun: (done, total) => {
          exporter?.run(scope.name, timing, done);
          progress.bar(`check ${scope.name}/${timing}`, done, total);
        },
      };
      const t0 = performance.now();
      const r = runCheck(spec, opts, exporter?.system);
      if (r.counterexample) exporter?.counterexample(scope.name, timing);
      progress.done();
      reports.push(r);
      const seconds = (performance.now() - t0) / 1000;
      timed.push({ report: r, seconds });
      if (!flags.json) {
        const verdict = r.error ? `error: ${r.error}` : r.counterexample ? 'VIOLATION' : 'all invariants held';
        process.stdout.write(`${scope.name} (${timing}): ${r.runs} runs, ${r.steps} steps in ${seconds.toFixed(1)}s (${Math.round(r.steps / seconds)} steps/s): ${verdict}\n`);
        const below = belowFloor(r);
        if (below.length && !r.counterexample) process.stdout.write(`  below the floor (precondition held ≥ ${FLOOR.held} times and on ≥ ${FLOOR.share * 100}% of checked steps): ${below.map((b) => `${b.id} ${b.held}/${b.checked}`).join(', ')}\n`);
        if (r.counterexample) process.stdout.write(`${counterexampleText(r)}\n`);
      }
      if (r.counterexample && flags['save-counterexample'] && !saved) {
        writeFile(flags['save-counterexample'] as string, counterexampleScenario(r, opts));
        saved = true;
      }
    }
  }
  const coverage = machineCoverage();
  const unexercised = neverExercised(reports);
  if (unexercised.length && !flags.json) process.stdout.write(`warning: never exercised in any scope or timing: ${unexercised.join(', ')}\n`);
  const dir = (flags.reports as string) ?? 'reports';
  const json = checkJson(reports, coverage);
  writeFile(`${dir}/check.json`, `${JSON.stringify(json, null, 2)}\n`);
  writeFile(`${dir}/check.md`, checkMarkdown(reports, coverage));
  if (junit) writeFile(junit, junitXml('svcspec check', checkSuites(timed)));
  if (flags.json) writeJsonLine(json);
  else {
    for (const c of coverage) {
      const missed = missedTransitions(c);
      const unreachable = c.unreachable.length ? ` (${c.unreachable.length} unreachable, see the report)` : '';
      process.stdout.write(`coverage ${c.machine}: ${c.states.visited.length}/${c.states.all.length} states, ${c.transitions.visited.length}/${c.transitions.all.length} transitions${unreachable}${missed.length ? `; not visited: ${missed.join(', ')}` : ''}\n`);
    }
    process.stdout.write(`reports: ${dir}/check.json, ${dir}/check.md${junit ? `, ${junit}` : ''}\n`);
    if (exporter) process.stdout.write(`watch streams: ${exporter.written.length} files, ${exporter.written[0] ?? ''} …${timings.includes('async') ? ' (async runs let model time pass while controllers lag and may end unsettled; svcspec trace reports that lag)' : ''}\n`);
  }
  return reports.some((r) => r.counterexample || r.error) ? 1 : 0;
}
