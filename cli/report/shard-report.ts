/**
 * A shard's report (`svcspec check|explore|conform --shard I/N`), rendered by pure functions: what
 * `svcspec merge` needs to write the report the unsharded command writes. The header says what must
 * agree between shards (command, svcspec version, the spec's digest, the options that shape the
 * search, the number of shards); `parts` is the command's own wire data (slices of runs, or
 * explored subtrees). Reading and writing the files is cli/shard-files.ts's.
 */
import type { Shard } from '../commands/shared-flags.ts';
import { UsageError } from '../args.ts';

export const SHARD_FORMAT = 'svcspec-shard/1';
export type ShardedTool = 'check' | 'explore' | 'conform';

export interface ShardReport {
  readonly format: typeof SHARD_FORMAT;
  readonly tool: ShardedTool;
  readonly version: string;
  /** sha256 of the spec files (spec/*.yaml), so shards of different specs are not merged. */
  readonly spec: string;
  readonly shard: Shard;
  /** The flags that shape the search, as the command read them: equal in every shard. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly parts: readonly unknown[];
}

export function shardReport(tool: ShardedTool, build: { version: string; spec: string }, shard: Shard, options: Record<string, unknown>, parts: readonly unknown[]): ShardReport {
  return { format: SHARD_FORMAT, tool, version: build.version, spec: build.spec, shard, options, parts };
}

export const shardFileName = (tool: ShardedTool, shard: Shard): string => `${tool}.shard-${shard.index}-of-${shard.count}.json`;

export const shardReportText = (r: ShardReport): string => `${JSON.stringify(r)}\n`;

/** Each job's part, from the shard whose index it is ≡ to: every job once, none left over. */
export function jobPartsOf<P extends { readonly job: number }>(shards: readonly ShardReport[], jobs: number): P[] {
  const parts = new Array<P | undefined>(jobs);
  for (const s of shards) {
    for (const p of s.parts as P[]) {
      if (p.job >= jobs || p.job % s.shard.count !== s.shard.index || parts[p.job]) throw new UsageError(`shard ${s.shard.index}/${s.shard.count} holds job ${p.job}, which is not its own (of ${jobs} jobs)`, 'SVC017');
      parts[p.job] = p;
    }
  }
  const missing = parts.flatMap((p, i) => (p ? [] : [i]));
  if (missing.length) throw new UsageError(`no shard holds job${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (of ${jobs})`, 'SVC017');
  return parts as P[];
}
