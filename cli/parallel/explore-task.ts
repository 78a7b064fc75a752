/**
 * One scope of `svcspec explore` as a job: what a shard explores (--shard) and its result as plain
 * data (invariants travel by id, properties/engine/wire.ts) for the merge that puts the report
 * together; and, with --workers, a range of one of its levels for a thread to expand: the thread
 * builds the scope's exploration once (properties/explore/exploration.ts), keeps it for the next
 * ranges, and reads the search's parent links from shared memory.
 */
import type { ClusterState } from '../../model/index.ts';
import { fromWire, toWire } from '../../properties/engine/wire.ts';
import { type RangeResult, type RangeTask, expandRange } from '../../properties/explore/expand-range.ts';
import type { ExploreReport, RangeLanes } from '../../properties/explore/explore.ts';
import { type ScopeExploration, type ScopeExplorationOptions, scopeExploreOptions, violatedOf } from '../../properties/explore/explore-scope.ts';
import { Exploration } from '../../properties/explore/exploration.ts';
import type { Frontier, FrontierLinks } from '../../properties/explore/frontier.ts';
import type { Spec, Timing } from '../../properties/spec/types.ts';
import { scopeNamed } from '../../properties/spec/scope-named.ts';
import type { WorkerPool } from './pool.ts';

export interface ExploreTask extends Omit<ScopeExplorationOptions, 'onProgress'> {
  readonly scope: string;
}

export interface ExplorationWire {
  readonly report: unknown;
  readonly timing: Timing;
  readonly expected: readonly string[];
}

export function explorationWire(e: ScopeExploration): ExplorationWire {
  return { report: toWire(e.report), timing: e.timing, expected: [...e.expected] };
}

/** The exploration back, its invariants and witnesses the spec's own objects. */
export function explorationOf(spec: Spec, name: string, wire: ExplorationWire): ScopeExploration {
  const scope = scopeNamed(spec, name);
  const report = fromWire<ExploreReport>(wire.report, [...spec.invariants, ...scope.witnesses]);
  const expected = new Set(wire.expected);
  return { report, timing: wire.timing, expected, violated: violatedOf(report, expected) };
}

export interface ExploreRangeTask {
  readonly exploration: ExploreTask;
  readonly range: RangeTask;
  readonly links: FrontierLinks;
}

/** The explorations this thread has expanded ranges of, by their task's JSON. */
const explorations = new Map<string, { readonly x: Exploration; readonly tree: Frontier<ClusterState> }>();

export function exploreRangeTask(spec: Spec, t: ExploreRangeTask): RangeResult {
  const key = JSON.stringify(t.exploration);
  let e = explorations.get(key);
  if (e === undefined) {
    const { scope: name, ...options } = t.exploration;
    const x = new Exploration(scopeExploreOptions(spec, scopeNamed(spec, name), options).options);
    explorations.set(key, (e = { x, tree: x.frontierOver(t.links) }));
  }
  e.tree.look(t.links);
  const r = expandRange(e.x, e.tree, t.range);
  return { ...r, violations: toWire(r.violations) as RangeResult['violations'] };
}

/** Forgets this thread's explorations (their model caches): the command is done with them. */
export function forgetExplorations(): void {
  explorations.clear();
}

/** The pool's threads as the lanes of one scope's search. */
export function rangeLanes(pool: WorkerPool, spec: Spec, job: ExploreTask): RangeLanes {
  const invariants = [...spec.invariants, ...scopeNamed(spec, job.scope).witnesses];
  return {
    count: pool.size,
    async expand(range, links) {
      const r = await pool.run<RangeResult>('explore-range', { exploration: job, range, links } satisfies ExploreRangeTask);
      return { ...r, violations: fromWire<RangeResult['violations']>(r.violations, invariants) };
    },
  };
}
