/**
 * `svcspec explore`: exhaustive bounded search of each scope (spec/scopes.yaml `explore`), with a
 * progress display on a terminal and reports/explore.json and explore.md. Exit 1 when an invariant
 * declared for the timing is violated (expected violations of `alsoCheck` and witnesses do not count).
 */
import { type ScopeExploration, exploreScope, exploreScopeInParallel } from '../../properties/explore/explore-scope.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import { scopeNamed } from '../../properties/spec/scope-named.ts';
import type { Spec, Timing } from '../../properties/spec/types.ts';
import { type FlagSpec, UsageError } from '../args.ts';
import { writeFile, writeJsonLine } from '../io.ts';
import { type ExplorationWire, type ExploreTask, explorationWire, forgetExplorations, rangeLanes } from '../parallel/explore-task.ts';
import { WorkerPool, cores } from '../parallel/pool.ts';
import { Progress } from '../progress.ts';
import { writeShard } from '../shard-files.ts';
import { bytesText, collisionText, exploreJson, exploreMarkdown, traceScenario, traceText } from '../report/explore-report.ts';
import { junitXml } from '../report/junit.ts';
import { exploreSuites } from '../report/junit-suites.ts';
import { ONLY_FLAG, checkOnly, junitFile, parallelFlags, reportFlags, shardJobs, shardOf, workersOf } from './shared-flags.ts';

export const EXPLORE_FLAGS: FlagSpec = {
  scope: { type: 'list', help: 'scopes to explore (default: every scope with an explore section)' },
  depth: { type: 'number', help: 'trace length bound (default: the scope\'s explore.depth)' },
  timing: { type: 'string', help: 'sync or async (default: the scope\'s explore.timing, else sync)' },
  ...ONLY_FLAG,
  'max-states': { type: 'number', help: 'stop after this many distinct states' },
  'time-limit': { type: 'number', help: 'seconds per scope (default: the scope\'s explore.timeLimitSeconds)' },
  'exact-keys': { type: 'boolean', help: 'deduplicate on the full state text instead of its 64-bit fingerprint' },
  symmetry: { type: 'boolean', help: 'one state per renaming of interchangeable pods and nodes (the same manifests but for names)' },
  ...parallelFlags('explore', 'scopes (in the order explored)'),
  ...reportFlags('explore'),
};

/** The options every shard of one exploration must share (svcspec merge refuses shards that differ). */
export interface ExploreShardOptions extends Omit<ExploreTask, 'scope'> {
  readonly scopes: readonly string[];
}

export interface ExploreShardPart {
  readonly job: number;
  readonly exploration: ExplorationWire;
}

export async function exploreCommand(flags: Record<string, unknown>): Promise<number> {
  const spec = loadSpec();
  checkOnly(spec, flags.only as string[] | undefined);
  const names = (flags.scope as string[] | undefined) ?? spec.scopes.filter((s) => s.explore).map((s) => s.name);
  for (const name of names) {
    const scope = spec.scopes.find((s) => s.name === name);
    if (!scope) throw new UsageError(`unknown scope "${name}"`);
    if (!scope.explore) throw new UsageError(`scope ${name} has no explore section in spec/scopes.yaml`);
  }
  const timing = flags.timing as string | undefined;
  if (timing !== undefined && timing !== 'sync' && timing !== 'async') throw new UsageError(`unknown timing "${timing}"`);
  junitFile(flags);
  const workers = workersOf(flags, cores);
  const shard = shardOf(flags);
  const options: ExploreShardOptions = {
    scopes: names,
    ...(timing !== undefined ? { timing: timing as Timing } : {}),
    ...(flags.depth !== undefined ? { depth: flags.depth as number } : {}),
    ...(flags['max-states'] !== undefined ? { maxStates: flags['max-states'] as number } : {}),
    ...(flags['time-limit'] !== undefined ? { timeLimitSeconds: flags['time-limit'] as number } : {}),
    ...(flags.only ? { only: flags.only as string[] } : {}),
    exactKeys: flags['exact-keys'] === true,
    symmetry: flags.symmetry === true,
  };
  const { scopes, ...rest } = options;
  // One job per scope, in the order given (or spec/scopes.yaml's): --shard I/N explores those ≡ I (mod N).
  const mine = shardJobs(scopes.map((scope): ExploreTask => ({ scope, ...rest })), shard);
  const progress = new Progress();
  let explorations: ScopeExploration[];
  if (workers > 1) {
    // Every scope's search at once, each level's ranges expanded by every thread: a thread that
    // waits for the end of one scope's level takes a range of another's.
    const pool = new WorkerPool(workers);
    try {
      explorations = await Promise.all(mine.map(({ job }) => exploreScopeInParallel(spec, scopeNamed(spec, job.scope), job, rangeLanes(pool, spec, job))));
    } finally {
      forgetExplorations();
      await pool.close();
    }
  } else {
    explorations = mine.map(({ job }) => {
      const e = exploreScope(spec, scopeNamed(spec, job.scope), { ...job, onProgress: (p) => progress.update(`explore ${job.scope}: depth ${p.depth}, ${p.states} states, frontier ${p.frontier}, ${Math.round(p.statesPerSecond)} states/s`) });
      progress.done();
      return e;
    });
  }
  if (shard) {
    const parts: ExploreShardPart[] = explorations.map((e, i) => ({ job: mine[i].index, exploration: explorationWire(e) }));
    const file = writeShard((flags.reports as string) ?? 'reports', 'explore', shard, options as unknown as Record<string, unknown>, parts);
    if (!flags.json) {
      for (const e of explorations) printExploration(e, new Map());
      process.stdout.write(`shard ${shard.index}/${shard.count}: ${mine.length} of ${scopes.length} scopes (${mine.map((m) => m.job.scope).join(', ') || 'none'}); report: ${file} (svcspec merge puts the shards together)\n`);
    }
    return explorations.some((e) => e.violated.length) ? 1 : 0;
  }
  return finishExplore(spec, explorations, flags);
}

/** Replay files, the summary, explore.json, explore.md and JUnit of the whole exploration: by explore itself and by svcspec merge. */
export function finishExplore(spec: Spec, explorations: readonly ScopeExploration[], flags: Record<string, unknown>): number {
  const dir = (flags.reports as string) ?? 'reports';
  const junit = flags.junit as string | undefined;
  const replayFiles = new Map<string, string>();
  for (const { report: r, timing } of explorations) {
    const scope = scopeNamed(spec, r.scope);
    for (const v of r.verdicts.filter((x) => x.trace)) {
      const file = `${dir}/explore-${r.scope}-${v.invariant.id.replace(/\//g, '-')}.yaml`;
      writeFile(file, traceScenario(scope, timing, v));
      replayFiles.set(`${r.scope}/${timing}/${v.invariant.id}`, file);
    }
  }
  if (!flags.json) for (const e of explorations) printExploration(e, replayFiles);
  const reports = explorations.map((e) => e.report);
  const json = exploreJson(reports, replayFiles);
  writeFile(`${dir}/explore.json`, `${JSON.stringify(json, null, 2)}\n`);
  writeFile(`${dir}/explore.md`, exploreMarkdown(reports, replayFiles));
  if (junit) writeFile(junit, junitXml('svcspec explore', exploreSuites(explorations.map((exploration) => ({ exploration, replayFiles })))));
  if (flags.json) writeJsonLine(json);
  return explorations.some((e) => e.violated.length) ? 1 : 0;
}

function printExploration({ report: r, timing: explored, expected }: ScopeExploration, replayFiles: ReadonlyMap<string, string>): void {
  const name = r.scope;
  process.stdout.write(
    `${name} (${explored}): ${r.states} distinct states, ${r.transitions} transitions, depth ${r.depthCompleted} completed` +
      ` (${r.stoppedBy}) in ${r.seconds.toFixed(1)}s, ${Math.round(r.statesPerSecond)} states/s, ${bytesText(r)}\n  ${collisionText(r)}\n`,
  );
  const counts = { ok: 0, violation: 0, unknown: 0 };
  for (const v of r.verdicts) counts[v.verdict]++;
  const history = r.verdicts.filter((v) => v.reason).length;
  if (r.symmetry) process.stdout.write(`  symmetry: ${r.symmetry.length ? r.symmetry.map((g) => g.join(' ~ ')).join('; ') : 'no interchangeable pods or nodes'}\n`);
  const vacuous = r.verdicts.filter((v) => v.verdict === 'ok' && v.exercised === 0).map((v) => v.invariant.id);
  process.stdout.write(`  ${counts.ok} ok${vacuous.length ? ` (${vacuous.length} never exercised)` : ''}, ${counts.violation} violated, ${counts.unknown} unknown${history ? ` (${history} of them judge a run's history: checked by check and conform, not here)` : ''}\n`);
  if (vacuous.length) process.stdout.write(`  never exercised (their precondition never held in this scope): ${vacuous.join(', ')}\n`);
  for (const v of r.verdicts.filter((x) => x.trace)) {
    const tag = expected.has(v.invariant.id) ? (v.invariant.id.startsWith('witness/') ? 'reached' : 'violated (expected: declared for another timing)') : 'VIOLATED';
    const file = replayFiles.get(`${name}/${explored}/${v.invariant.id}`);
    process.stdout.write(`  ${tag}: ${v.invariant.id} — shortest trace, ${v.trace!.length} steps\n  ${v.invariant.statement}\n${traceText(v)}\n${file ? `  replay: npx svcspec replay ${file}\n` : ''}`);
  }
}
