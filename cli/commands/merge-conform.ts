/** `svcspec merge` of conform shards: each scope and timing's report from the shard that ran it, kept as one run keeps them. */
import type { ConformReport } from '../../conformance/runner.ts';
import { fromWire } from '../../properties/engine/wire.ts';
import type { Spec } from '../../properties/spec/types.ts';
import type { ShardReport } from '../report/shard-report.ts';
import { type ConformShardOptions, type ConformShardPart, finishConform } from './conform.ts';
import { UsageError } from '../args.ts';

export function mergeConform(spec: Spec, shards: readonly ShardReport[], flags: Record<string, unknown>): number {
  const o = shards[0].options as unknown as ConformShardOptions;
  const jobs = o.scopes.flatMap((scope) => o.timings.map((timing) => ({ scope, timing })));
  // A shard skips its later jobs after one that is not ok, so a job may be in no shard: the merge skips it too.
  const parts = shards.flatMap((s) => (s.parts as ConformShardPart[]).map((p) => ({ shard: s.shard, part: p })));
  for (const { shard, part } of parts) {
    if (part.job >= jobs.length || part.job % shard.count !== shard.index) throw new UsageError(`shard ${shard.index}/${shard.count} holds job ${part.job}, which is not its own (of ${jobs.length} jobs)`, 'SVC017');
  }
  const results = parts.map(({ part }) => ({ job: part.job, report: fromWire<ConformReport>(part.report, spec.invariants), seconds: part.seconds }));
  return finishConform(jobs, results, o.adapter, flags, true);
}
