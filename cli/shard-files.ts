/** Shard reports on disk: this svcspec's version and spec digest, and a report written whole or not at all. */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { packageFile } from '../properties/load/package-root.ts';
import { SPEC_DIR } from '../properties/spec/load.ts';
import type { Shard } from './commands/shared-flags.ts';
import { writeFile } from './io.ts';
import { type ShardReport, type ShardedTool, shardFileName, shardReport, shardReportText } from './report/shard-report.ts';

export function svcspecVersion(): string {
  return (JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as { version: string }).version;
}

export function specDigest(): string {
  const hash = createHash('sha256');
  for (const f of readdirSync(SPEC_DIR).filter((n) => /\.ya?ml$/.test(n)).sort()) hash.update(`${f}\n`).update(readFileSync(join(SPEC_DIR, f)));
  return hash.digest('hex').slice(0, 16);
}

/** Writes <dir>/<tool>.shard-I-of-N.json under a temporary name, then renames it (a merge waiting on a shared volume never reads half a file). */
export function writeShard(dir: string, tool: ShardedTool, shard: Shard, options: Record<string, unknown>, parts: readonly unknown[]): string {
  const r: ShardReport = shardReport(tool, { version: svcspecVersion(), spec: specDigest() }, shard, options, parts);
  const file = join(dir, shardFileName(tool, shard));
  writeFile(`${file}.partial`, shardReportText(r));
  renameSync(`${file}.partial`, file);
  return file;
}
