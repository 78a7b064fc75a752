/**
 * One scope of `svcspec explore` as a task: for a worker thread (--workers) or a shard (--shard),
 * and its result as plain data (invariants travel by id, properties/engine/wire.ts) for the thread
 * or the merge that puts the report together.
 */
import { fromWire, toWire } from '../../properties/engine/wire.ts';
import type { ExploreReport } from '../../properties/explore/explore.ts';
import { type ScopeExploration, type ScopeExplorationOptions, exploreScope, violatedOf } from '../../properties/explore/explore-scope.ts';
import type { Spec, Timing } from '../../properties/spec/types.ts';

export interface ExploreTask extends Omit<ScopeExplorationOptions, 'onProgress'> {
  readonly scope: string;
}

export interface ExplorationWire {
  readonly report: unknown;
  readonly timing: Timing;
  readonly expected: readonly string[];
}

export function exploreTask(spec: Spec, task: ExploreTask): ExplorationWire {
  const { scope: name, ...options } = task;
  return explorationWire(exploreScope(spec, scopeNamed(spec, name), options));
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

function scopeNamed(spec: Spec, name: string) {
  const scope = spec.scopes.find((s) => s.name === name);
  if (!scope) throw new Error(`scope ${name} is not in this spec`);
  return scope;
}
