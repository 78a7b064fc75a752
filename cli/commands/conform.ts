/**
 * `svcspec conform --adapter "CMD"`: checks another implementation over the adapter protocol
 * (docs/adapter.md) — random operation sequences, every answer against the model, every invariant
 * on its observations; reports in reports/conform.json and conform.md. Exit 0 when everything held,
 * 1 on a violation or a fault of the implementation, 2 on bad usage or a command that cannot be
 * started, 130 when interrupted by Ctrl-C and 143 by SIGTERM (the partial report is written first).
 */
import { createWriteStream } from 'node:fs';
import { stringify } from 'yaml';
import { CommandLineError, splitCommand } from '../../conformance/command-line.ts';
import { ProcessAdapter } from '../../conformance/process-adapter.ts';
import { BadPath, BadSteps, CONFORMANCE_RULES, type ConformOptions, type ConformReport, type SettlePolicy, failureId, runConform } from '../../conformance/runner.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import { type FlagSpec, UsageError } from '../args.ts';
import { writeFile, writeJsonLine } from '../io.ts';
import { Progress } from '../progress.ts';
import { conformJson, conformMarkdown, counterexampleText, faultText, overallVerdict, summaryLine, unexercisedLines } from '../report/conform-report.ts';
import { junitXml } from '../report/junit.ts';
import { conformSuites } from '../report/junit-suites.ts';
import { toWire } from '../../properties/engine/wire.ts';
import type { Timing } from '../../properties/spec/types.ts';
import { writeShard } from '../shard-files.ts';
import { checkOnly, junitFile, randomRunFlags, reportFlags, scopesOf, shardJobs, shardOf, timingsOf } from './shared-flags.ts';

export const CONFORM_FLAGS: FlagSpec = {
  adapter: { type: 'string', help: 'the implementation: a command line, run without a shell (quotes and \\ escapes as in sh)' },
  shell: { type: 'boolean', help: 'run --adapter through /bin/sh instead (pipes, variables, cd …)' },
  ...randomRunFlags('small', 'same sequences', 200),
  path: { type: 'string', help: 'replay one shrunk run (the path a report printed) instead of searching' },
  steps: { type: 'list', help: "with --path: run only these steps of its sequence (indices from 0, as a report's replay line gives them after deleting single steps)" },
  only: { type: 'list', help: 'check only these invariants (ids or id prefixes; conform/… for the comparisons with the model)' },
  'timeout-ms': { type: 'number', help: 'how long each answer may take (default 10000; the first init gets 30 s more for start-up)' },
  settle: { type: 'string', help: 'when the runner adds a settle: never, end (after each sequence, default) or each (after every operation)' },
  'save-counterexample': { type: 'string', help: 'write the shrunk counterexample as a scenario file' },
  'protocol-log': { type: 'string', help: 'write every line exchanged with the implementation to this file' },
  shard: { type: 'string', help: 'run only the scopes × timings (in report order) whose index ≡ I mod N (I/N, from 0; e.g. 0/2) and write conform.shard-I-of-N.json for svcspec merge' },
  ...reportFlags('conform'),
};

/** --steps: ascending step indices, given only with --path. */
function stepsOf(flags: Record<string, unknown>): number[] | undefined {
  const list = flags.steps as string[] | undefined;
  if (list === undefined) return undefined;
  if (flags.path === undefined) throw new UsageError('--steps picks steps of the sequence --path names: give --path too');
  const steps = list.map((x) => (/^\d+$/.test(x.trim()) ? Number(x) : Number.NaN));
  if (!steps.length || steps.some((n, i) => Number.isNaN(n) || (i > 0 && n <= steps[i - 1]))) {
    throw new UsageError(`--steps needs step indices from 0 in ascending order, e.g. 0,2,5, got "${list.join(',')}"`);
  }
  return steps;
}

function positive(flags: Record<string, unknown>, name: string, fallback: number): number {
  const v = (flags[name] as number | undefined) ?? fallback;
  if (!Number.isInteger(v) || v <= 0) throw new UsageError(`--${name} needs a positive integer, got ${v}`);
  return v;
}

/** The counterexample as a scenario file (`svcspec run` replays it on the reference model). */
function counterexampleScenario(r: ConformReport, o: ConformOptions): string {
  const c = r.counterexample!;
  const steps = c.steps.map((s) => {
    const { op: name, ...fields } = s.op as unknown as Record<string, unknown>;
    return { [name as string]: fields };
  });
  const id = failureId(c.failure);
  const doc = {
    name: `counterexample: ${id}`,
    description: `Shrunk by svcspec conform against \`${o.adapter.command}\` (${c.replay}). The implementation broke ${id} at step ${(c.failure.kind === 'invariant' ? c.failure.violation.step : c.failure.step) + 1}; the reference model shows what the spec requires.`,
    cluster: { ...o.scope.cluster, timing: o.timing },
    steps,
  };
  return `# ${id}\n${stringify(doc, { lineWidth: 0 })}`;
}

export async function conformCommand(flags: Record<string, unknown>): Promise<number> {
  const command = flags.adapter as string | undefined;
  if (!command?.trim()) throw new UsageError('conform needs --adapter "CMD": the command that starts the implementation');
  const shell = flags.shell === true;
  if (!shell) {
    try {
      splitCommand(command);
    } catch (e) {
      if (e instanceof CommandLineError) throw new UsageError(e.message);
      throw e;
    }
  }
  const settle = ((flags.settle as string | undefined) ?? 'end') as SettlePolicy;
  if (!['never', 'end', 'each'].includes(settle)) throw new UsageError(`--settle must be never, end or each, got "${settle}"`);
  const timeoutMs = positive(flags, 'timeout-ms', 10_000);
  const runs = positive(flags, 'runs', 200);
  const spec = loadSpec();
  const only = flags.only as string[] | undefined;
  const conformRules = Object.values(CONFORMANCE_RULES).map((r) => r.id);
  checkOnly(spec, only?.filter((o) => !conformRules.some((id) => id === o || id.startsWith(`${o}/`))));
  const scopes = scopesOf(spec, (flags.scope as string[] | undefined)?.length ? (flags.scope as string[]) : ['small']);
  const timings = timingsOf(flags.timing as string[] | undefined, ['sync', 'async']);
  const junit = junitFile(flags);
  const shard = shardOf(flags);
  if (shard && flags.path !== undefined) throw new UsageError('--path replays one run of one scope and timing: not with --shard');
  const steps = stepsOf(flags);
  if (shard && flags['save-counterexample']) throw new UsageError('--save-counterexample with --shard: save it from a plain run of the failing scope and timing');
  const adapter = { command, shell, timeoutMs };
  const controller = new AbortController();
  // Ctrl-C, or SIGTERM from a CI runner or a Kubernetes Job's deadline: the partial report is written either way.
  let stoppedBy: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    stoppedBy = signal;
    process.stderr.write(`\nsvcspec conform: interrupted (${signal}); writing the partial report (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit at once)\n`);
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const logFile = flags['protocol-log'] ? createWriteStream(flags['protocol-log'] as string) : undefined;
  const impl = new ProcessAdapter({ ...adapter, signal: controller.signal, log: logFile && ((dir, line) => logFile.write(`${dir} ${line}\n`)) });
  const progress = new Progress();
  // Jobs in report order, scopes outer: --shard I/N runs those whose index ≡ I (mod N).
  const mine = shardJobs(
    scopes.flatMap((scope) => timings.map((timing) => ({ scope, timing }))),
    shard,
  );
  const results: ConformJobResult[] = [];
  let saved = false;
  try {
    for (const { job: { scope, timing }, index } of mine) {
      // A run stops at its first scope and timing that is not ok (so does the merge of shards).
      if (results.some((r) => r.report.verdict !== 'ok')) continue;
      const opts: ConformOptions = {
        scope,
        timing,
        runs,
        maxSteps: positive(flags, 'max-steps', scope.maxSteps),
        seed: (flags.seed as number) ?? 0,
        path: flags.path === undefined ? undefined : String(flags.path),
        ...(steps ? { steps } : {}),
        only,
        settle,
        adapter,
        onRun: (done, total) => progress.bar(`conform ${scope.name}/${timing}`, done, total),
      };
      const t0 = performance.now();
      const r = await runConform(spec, opts, impl).catch((e) => {
        throw e instanceof BadPath || e instanceof BadSteps ? new UsageError(e.message) : e;
      });
      progress.done();
      results.push({ job: index, report: r, seconds: (performance.now() - t0) / 1000 });
      if (!flags.json) printConform(r, (performance.now() - t0) / 1000);
      if (r.counterexample && flags['save-counterexample'] && !saved) {
        writeFile(flags['save-counterexample'] as string, counterexampleScenario(r, opts));
        saved = true;
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await impl.close();
    logFile?.end();
  }
  const interrupted = stoppedBy === 'SIGTERM' ? 143 : 130;
  const dir = (flags.reports as string) ?? 'reports';
  const jobs = scopes.flatMap((scope) => timings.map((timing) => ({ scope: scope.name, timing })));
  if (shard) {
    const options: ConformShardOptions = { scopes: scopes.map((s) => s.name), timings, runs, seed: (flags.seed as number) ?? 0, maxSteps: flags['max-steps'] as number | undefined, only, settle, adapter };
    const parts: ConformShardPart[] = results.map((r) => ({ job: r.job, report: toWire(r.report), seconds: r.seconds }));
    const file = writeShard(dir, 'conform', shard, JSON.parse(JSON.stringify(options)) as Record<string, unknown>, parts);
    if (!flags.json) process.stdout.write(`shard ${shard.index}/${shard.count}: ${results.length} of ${jobs.length} scopes and timings; report: ${file} (svcspec merge puts the shards together)\n`);
    return exitCode(results.map((r) => r.report), interrupted);
  }
  return finishConform(jobs, results, adapter, flags, false, interrupted);
}

export interface ConformJobResult {
  readonly job: number;
  readonly report: ConformReport;
  readonly seconds: number;
}

/** The options every shard of one conformance run must share (svcspec merge refuses shards that differ). */
export interface ConformShardOptions {
  readonly scopes: readonly string[];
  readonly timings: readonly Timing[];
  readonly runs: number;
  readonly seed: number;
  readonly maxSteps?: number;
  readonly only?: readonly string[];
  readonly settle: SettlePolicy;
  readonly adapter: ConformOptions['adapter'];
}

export interface ConformShardPart {
  readonly job: number;
  readonly report: unknown;
  readonly seconds: number;
}

function printConform(r: ConformReport, seconds: number): void {
  process.stdout.write(`${summaryLine(r, seconds)}\n`);
  if (r.verdict === 'ok') for (const line of unexercisedLines(r)) process.stdout.write(`  not exercised: ${line}\n`);
  if (r.counterexample) process.stdout.write(`${counterexampleText(r)}\n`);
  if (r.fault) process.stdout.write(`${faultText(r)}\n`);
  if (r.error) process.stdout.write(`${r.error}\n`);
}

/** 0, 1, 2 (the command could not be started), or `interrupted` (130 for Ctrl-C, 143 for SIGTERM). */
function exitCode(reports: readonly ConformReport[], interrupted = 130): number {
  const verdict = overallVerdict(reports);
  if (reports.some((r) => r.fault?.kind === 'spawn')) return 2;
  return verdict === 'ok' ? 0 : verdict === 'unknown' ? interrupted : 1;
}

/**
 * conform.json, conform.md and JUnit of the whole run, from the results of its jobs (in job order,
 * some maybe missing): kept up to the first that is not ok, the rest skipped as one run skips them.
 */
export function finishConform(jobs: readonly { scope: string; timing: Timing }[], results: readonly ConformJobResult[], adapter: ConformOptions['adapter'], flags: Record<string, unknown>, print = false, interrupted = 130): number {
  const reports: ConformReport[] = [];
  const timed: { report: ConformReport; seconds: number }[] = [];
  const skipped: { scope: string; timing: string }[] = [];
  jobs.forEach((job, i) => {
    const r = results.find((x) => x.job === i);
    if (!r || reports.some((x) => x.verdict !== 'ok')) return void skipped.push(job);
    reports.push(r.report);
    timed.push({ report: r.report, seconds: r.seconds });
    if (print && !flags.json) printConform(r.report, r.seconds);
  });
  const dir = (flags.reports as string) ?? 'reports';
  const junit = flags.junit as string | undefined;
  const meta = { adapter, skipped };
  const json = conformJson(reports, meta);
  writeFile(`${dir}/conform.json`, `${JSON.stringify(json, null, 2)}\n`);
  writeFile(`${dir}/conform.md`, conformMarkdown(reports, meta));
  if (junit) writeFile(junit, junitXml('svcspec conform', conformSuites(timed, skipped)));
  if (flags.json) writeJsonLine(json);
  else process.stdout.write(`reports: ${dir}/conform.json, ${dir}/conform.md${junit ? `, ${junit}` : ''}\n`);
  return exitCode(reports, interrupted);
}
