/** `svcspec merge` of explore shards: every scope's exploration from the shard that ran it, then explore's own reports. */
import type { Spec } from '../../properties/spec/types.ts';
import { explorationOf } from '../parallel/explore-task.ts';
import { type ShardReport, jobPartsOf } from '../report/shard-report.ts';
import { type ExploreShardOptions, type ExploreShardPart, finishExplore } from './explore.ts';

export function mergeExplore(spec: Spec, shards: readonly ShardReport[], flags: Record<string, unknown>): number {
  const { scopes } = shards[0].options as unknown as ExploreShardOptions;
  const parts = jobPartsOf<ExploreShardPart>(shards, scopes.length);
  return finishExplore(spec, parts.map((p, i) => explorationOf(spec, scopes[i], p.exploration)), flags);
}
