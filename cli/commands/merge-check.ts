/** `svcspec merge` of check shards: every job's report from the shard that ran it, then check's own reports. */
import type { CheckReport } from '../../properties/engine/check.ts';
import { fromWire } from '../../properties/engine/wire.ts';
import type { Spec } from '../../properties/spec/types.ts';
import { type ShardReport, jobPartsOf } from '../report/shard-report.ts';
import { type CheckShardOptions, type CheckShardPart, checkJobs, finish } from './check.ts';

export function mergeCheck(spec: Spec, shards: readonly ShardReport[], flags: Record<string, unknown>): number {
  const jobs = checkJobs(spec, shards[0].options as unknown as CheckShardOptions);
  const parts = jobPartsOf<CheckShardPart>(shards, jobs.length);
  const results = parts.map((p) => ({ report: fromWire<CheckReport>(p.report, spec.invariants), visited: p.visited, seconds: p.seconds }));
  return finish(results, jobs, flags);
}
