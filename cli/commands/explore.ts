/**
 * `svcspec explore`: exhaustive bounded search of each scope (spec/scopes.yaml `explore`), with a
 * progress display on a terminal and reports/explore.json and explore.md. Exit 1 when an invariant
 * declared for the timing is violated (expected violations of `alsoCheck` and witnesses do not count).
 */
import type { ExploreReport } from '../../properties/explore/explore.ts';
import { type ScopeExploration, exploreScope } from '../../properties/explore/explore-scope.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import type { Timing } from '../../properties/spec/types.ts';
import { type FlagSpec, UsageError } from '../args.ts';
import { writeFile, writeJsonLine } from '../io.ts';
import { Progress } from '../progress.ts';
import { bytesText, collisionText, exploreJson, exploreMarkdown, traceScenario, traceText } from '../report/explore-report.ts';
import { junitXml } from '../report/junit.ts';
import { exploreSuites } from '../report/junit-suites.ts';
import { ONLY_FLAG, checkOnly, junitFile, reportFlags } from './shared-flags.ts';

export const EXPLORE_FLAGS: FlagSpec = {
  scope: { type: 'list', help: 'scopes to explore (default: every scope with an explore section)' },
  depth: { type: 'number', help: 'trace length bound (default: the scope\'s explore.depth)' },
  timing: { type: 'string', help: 'sync or async (default: the scope\'s explore.timing, else sync)' },
  ...ONLY_FLAG,
  'max-states': { type: 'number', help: 'stop after this many distinct states' },
  'time-limit': { type: 'number', help: 'seconds per scope (default: the scope\'s explore.timeLimitSeconds)' },
  'exact-keys': { type: 'boolean', help: 'deduplicate on the full state text instead of its 64-bit fingerprint' },
  symmetry: { type: 'boolean', help: 'one state per renaming of pods whose manifests differ only in name' },
  ...reportFlags('explore'),
};

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
  const junit = junitFile(flags);
  const dir = (flags.reports as string) ?? 'reports';
  const progress = new Progress();
  const reports: ExploreReport[] = [];
  const explorations: ScopeExploration[] = [];
  const replayFiles = new Map<string, string>();
  let failed = false;
  for (const name of names) {
    const scope = spec.scopes.find((s) => s.name === name)!;
    const exploration = exploreScope(spec, scope, {
      timing: timing as Timing | undefined,
      depth: flags.depth as number | undefined,
      maxStates: flags['max-states'] as number | undefined,
      timeLimitSeconds: flags['time-limit'] as number | undefined,
      only: flags.only as string[] | undefined,
      exactKeys: flags['exact-keys'] === true,
      symmetry: flags.symmetry === true,
      onProgress: (p) => progress.update(`explore ${name}: depth ${p.depth}, ${p.states} states, frontier ${p.frontier}, ${Math.round(p.statesPerSecond)} states/s`),
    });
    progress.done();
    const { report: r, timing: explored, expected, violated } = exploration;
    reports.push(r);
    explorations.push(exploration);
    for (const v of r.verdicts.filter((x) => x.trace)) {
      const file = `${dir}/explore-${name}-${v.invariant.id.replace(/\//g, '-')}.yaml`;
      writeFile(file, traceScenario(scope, explored, v));
      replayFiles.set(`${name}/${explored}/${v.invariant.id}`, file);
    }
    if (violated.length) failed = true;
    if (!flags.json) {
      process.stdout.write(
        `${name} (${explored}): ${r.states} distinct states, ${r.transitions} transitions, depth ${r.depthCompleted} completed` +
          ` (${r.stoppedBy}) in ${r.seconds.toFixed(1)}s, ${Math.round(r.statesPerSecond)} states/s, ${bytesText(r)}\n  ${collisionText(r)}\n`,
      );
      const counts = { ok: 0, violation: 0, unknown: 0 };
      for (const v of r.verdicts) counts[v.verdict]++;
      const history = r.verdicts.filter((v) => v.reason).length;
      if (r.symmetry) process.stdout.write(`  symmetry: ${r.symmetry.length ? r.symmetry.map((g) => g.join(' ~ ')).join('; ') : 'no interchangeable pods'}\n`);
      process.stdout.write(`  ${counts.ok} ok, ${counts.violation} violated, ${counts.unknown} unknown${history ? ` (${history} of them judge a run's history: checked by check and conform, not here)` : ''}\n`);
      for (const v of r.verdicts.filter((x) => x.trace)) {
        const tag = expected.has(v.invariant.id) ? (v.invariant.id.startsWith('witness/') ? 'reached' : 'violated (expected: declared for another timing)') : 'VIOLATED';
        process.stdout.write(`  ${tag}: ${v.invariant.id} — shortest trace, ${v.trace!.length} steps\n  ${v.invariant.statement}\n${traceText(v)}\n  replay: npx svcspec replay ${replayFiles.get(`${name}/${explored}/${v.invariant.id}`)}\n`);
      }
    }
  }
  const json = exploreJson(reports, replayFiles);
  writeFile(`${dir}/explore.json`, `${JSON.stringify(json, null, 2)}\n`);
  writeFile(`${dir}/explore.md`, exploreMarkdown(reports, replayFiles));
  if (junit) writeFile(junit, junitXml('svcspec explore', exploreSuites(explorations.map((exploration) => ({ exploration, replayFiles })))));
  if (flags.json) writeJsonLine(json);
  return failed ? 1 : 0;
}
