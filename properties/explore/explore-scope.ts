/**
 * One scope of spec/scopes.yaml explored as `svcspec explore` does: the invariants declared for
 * the timing, plus the scope's `alsoCheck` rules and witnesses, whose violations are expected
 * (a witness is a behaviour to reach; an `alsoCheck` rule shows where a rule of another timing
 * breaks). What is left in `violated` fails the run.
 */
import type { Scope, Spec, Timing } from '../spec/types.ts';
import { type ExploreOptions, type ExploreReport, type InvariantVerdict, type RangeLanes, explore, exploreInParallel } from './explore.ts';

export interface ScopeExploration {
  readonly report: ExploreReport;
  readonly timing: Timing;
  /** Ids whose violation is expected: the scope's witnesses and its alsoCheck rules of another timing. */
  readonly expected: ReadonlySet<string>;
  /** Violations of invariants declared for this timing: these fail the run. */
  readonly violated: readonly InvariantVerdict[];
}

export interface ScopeExplorationOptions extends Partial<Pick<ExploreOptions, 'depth' | 'maxStates' | 'timeLimitSeconds' | 'exactKeys' | 'symmetry' | 'onProgress'>> {
  readonly timing?: Timing;
  readonly only?: readonly string[];
}

/** What `explore` is given for a scope, and which violations the scope expects. */
export function scopeExploreOptions(spec: Spec, scope: Scope, o: ScopeExplorationOptions = {}): { options: ExploreOptions; timing: Timing; expected: Set<string> } {
  if (!scope.explore) throw new Error(`scope ${scope.name} has no explore section in spec/scopes.yaml`);
  const timing = o.timing ?? scope.explore.timing ?? 'sync';
  const selected = (i: { id: string }) => !o.only?.length || o.only.some((x) => i.id === x || i.id.startsWith(`${x}/`));
  const invariants = spec.invariants.filter((i) => i.timings.has(timing) && selected(i));
  const alsoCheck = spec.invariants.filter((i) => (scope.explore!.alsoCheck ?? []).includes(i.id) && selected(i));
  const expected = new Set([...alsoCheck.filter((i) => !i.timings.has(timing)).map((i) => i.id), ...scope.witnesses.map((w) => w.id)]);
  const options: ExploreOptions = {
    scope,
    timing,
    depth: o.depth ?? scope.explore.depth,
    maxStates: o.maxStates ?? scope.explore.maxStates,
    timeLimitSeconds: o.timeLimitSeconds ?? scope.explore.timeLimitSeconds,
    invariants,
    alsoCheck: [...alsoCheck, ...scope.witnesses],
    exactKeys: o.exactKeys === true,
    symmetry: o.symmetry === true,
    onProgress: o.onProgress,
  };
  return { options, timing, expected };
}

export function exploreScope(spec: Spec, scope: Scope, o: ScopeExplorationOptions = {}): ScopeExploration {
  const { options, timing, expected } = scopeExploreOptions(spec, scope, o);
  const report = explore(options);
  return { report, timing, expected, violated: violatedOf(report, expected) };
}

/** The same exploration, each level's ranges expanded by `lanes` threads: the same report. */
export async function exploreScopeInParallel(spec: Spec, scope: Scope, o: ScopeExplorationOptions, lanes: RangeLanes): Promise<ScopeExploration> {
  const { options, timing, expected } = scopeExploreOptions(spec, scope, o);
  const report = await exploreInParallel(options, lanes);
  return { report, timing, expected, violated: violatedOf(report, expected) };
}

/** The violations that fail the run: of rules declared for the timing, not expected ones. */
export function violatedOf(report: ExploreReport, expected: ReadonlySet<string>): InvariantVerdict[] {
  return report.verdicts.filter((v) => v.verdict === 'violation' && !expected.has(v.invariant.id));
}
