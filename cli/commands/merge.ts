/**
 * `svcspec merge REPORT… | DIR`: the shard reports of one sharded check, explore or conform
 * (`--shard I/N`, written as <command>.shard-I-of-N.json) merged into the reports the unsharded
 * command writes, with its summary and exit code. Reports that do not belong together — another
 * command, svcspec version, spec or options, a shard missing or given twice — are refused with
 * SVC017 before anything is written (docs/parallel.md says what a merged report may differ in).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UnknownInvariant } from '../../properties/engine/wire.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import { type FlagSpec, UsageError } from '../args.ts';
import { SHARD_FORMAT, type ShardReport } from '../report/shard-report.ts';
import { specDigest, svcspecVersion } from '../shard-files.ts';
import { junitFile } from './shared-flags.ts';

export const MERGE_FLAGS: FlagSpec = {
  reports: { type: 'string', help: 'where to write the merged reports (default reports/)' },
  json: { type: 'boolean', help: 'print the merged JSON report on stdout' },
  junit: { type: 'string', help: 'also write JUnit XML to FILE (each job\'s seconds, from the shard that ran it)' },
  'save-counterexample': { type: 'string', help: 'check: write the first shrunk counterexample as a scenario file' },
  help: { type: 'boolean', help: 'show this help' },
};

const SHARD_FILE = /\.shard-\d+-of-\d+\.json$/;

const mismatch = (message: string) => new UsageError(message, 'SVC017');

/** The files named, a directory standing for the shard reports in it. */
function shardFiles(args: readonly string[]): string[] {
  if (args.length === 0) throw new UsageError('merge needs the shard reports: files, or a directory that holds them');
  return args.flatMap((a) => {
    let dir = false;
    try {
      dir = statSync(a).isDirectory();
    } catch {
      throw new UsageError(`cannot read ${a}: no such file or directory`, 'SVC005');
    }
    if (!dir) return [a];
    const found = readdirSync(a).filter((n) => SHARD_FILE.test(n)).sort().map((n) => join(a, n));
    if (found.length === 0) throw mismatch(`${a} holds no shard report (<command>.shard-I-of-N.json)`);
    return found;
  });
}

function readShard(file: string): ShardReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'SVC005');
  }
  let r: ShardReport;
  try {
    r = JSON.parse(text) as ShardReport;
  } catch {
    throw mismatch(`${file} is not JSON: not a shard report`);
  }
  if (r?.format !== SHARD_FORMAT) throw mismatch(`${file} is not a shard report (written by --shard I/N; ${typeof r?.format === 'string' ? `its format is ${r.format}, this svcspec reads ${SHARD_FORMAT}` : `a merged or unsharded report has no "format": "${SHARD_FORMAT}"`})`);
  return r;
}

/** Every shard of one run, once each, with the same command, version, spec and options as each other and as this svcspec. */
export function checkShards(files: readonly string[], reports: readonly ShardReport[]): void {
  const [first] = reports;
  const name = (i: number) => files[i];
  for (let i = 1; i < reports.length; i++) {
    const r = reports[i];
    if (r.tool !== first.tool) throw mismatch(`${name(i)} is a ${r.tool} shard, ${name(0)} a ${first.tool} shard`);
    if (r.version !== first.version) throw mismatch(`${name(i)} was written by svcspec ${r.version}, ${name(0)} by ${first.version}`);
    if (r.spec !== first.spec) throw mismatch(`${name(i)} and ${name(0)} were written with different specs (spec digests ${r.spec} and ${first.spec})`);
    if (r.shard.count !== first.shard.count) throw mismatch(`${name(i)} is one of ${r.shard.count} shards, ${name(0)} one of ${first.shard.count}`);
    const a = JSON.stringify(r.options);
    const b = JSON.stringify(first.options);
    if (a !== b) throw mismatch(`${name(i)} and ${name(0)} ran with different options: ${a} and ${b}`);
  }
  if (first.version !== svcspecVersion()) throw mismatch(`the shards were written by svcspec ${first.version}; this is ${svcspecVersion()}: merge with the version that ran them`);
  if (first.spec !== specDigest()) throw mismatch(`the shards were written with another spec (digest ${first.spec}, this one's ${specDigest()})`);
  const seen = new Map<number, string>();
  reports.forEach((r, i) => {
    if (seen.has(r.shard.index)) throw mismatch(`shard ${r.shard.index}/${r.shard.count} is given twice: ${seen.get(r.shard.index)} and ${name(i)}`);
    seen.set(r.shard.index, name(i));
  });
  const missing = Array.from({ length: first.shard.count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length) throw mismatch(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${first.shard.count}`).join(', ')} missing (${reports.length} of ${first.shard.count} given)`);
}

export async function mergeCommand(flags: Record<string, unknown>, positionals: string[]): Promise<number> {
  const files = shardFiles(positionals);
  const reports = files.map(readShard);
  checkShards(files, reports);
  junitFile(flags);
  const spec = loadSpec();
  const ordered = [...reports].sort((a, b) => a.shard.index - b.shard.index);
  try {
    switch (ordered[0].tool) {
      case 'check':
        return (await import('./merge-check.ts')).mergeCheck(spec, ordered, flags);
      case 'explore':
        return (await import('./merge-explore.ts')).mergeExplore(spec, ordered, flags);
      case 'conform':
        return (await import('./merge-conform.ts')).mergeConform(spec, ordered, flags);
      default:
        throw mismatch(`${files[0]} is a shard of an unknown command "${String(ordered[0].tool)}"`);
    }
  } catch (e) {
    if (e instanceof UnknownInvariant) throw mismatch(e.message);
    throw e;
  }
}
