// examples/k8s/check-sharded.yaml, read as Kubernetes would: an Indexed Job whose pods run
// `svcspec check --shard <index>/<completions>` — each index's command line parsed with the CLI's
// own flags — into a volume a second Job reads, whose command is a valid `svcspec merge` of the
// same directory, waiting for exactly as many shard reports as there are completions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseArgs } from '../../cli/args.ts';
import { CHECK_FLAGS } from '../../cli/commands/check.ts';
import { MERGE_FLAGS } from '../../cli/commands/merge.ts';
import { shardOf, workersOf } from '../../cli/commands/shared-flags.ts';
import { shardFileName } from '../../cli/report/shard-report.ts';
import { splitCommand } from '../../conformance/command-line.ts';

const file = join(import.meta.dirname, '../../examples/k8s/check-sharded.yaml');
const docs = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
  expect(d.errors).toEqual([]);
  return d.toJS() as any;
});
const jobs = docs.filter((d) => d.apiVersion === 'batch/v1' && d.kind === 'Job');
const shards = jobs.find((j) => j.spec.completionMode === 'Indexed');
const merge = jobs.find((j) => j !== shards);

/** The svcspec command a `sh -c` script runs for one completion index (before `|| …`). */
function shardCommand(index: number): string[] {
  const [sh, dashC, script] = shards.spec.template.spec.containers[0].command as string[];
  expect([sh, dashC]).toEqual(['sh', '-c']);
  const [command, fallback] = script.split(' || ');
  // Exit 1 (a violation, recorded in the report) must not fail the pod; exit 2 must.
  expect(fallback).toBe('[ $? -eq 1 ]');
  return splitCommand(command.replaceAll('$JOB_COMPLETION_INDEX', String(index)));
}

const mountOf = (container: any, claim: string, volumes: any[]) => {
  const volume = volumes.find((v) => v.persistentVolumeClaim?.claimName === claim);
  return container.volumeMounts.find((m: any) => m.name === volume?.name)?.mountPath as string | undefined;
};

describe('examples/k8s: a sharded check as an Indexed Job and a merge', () => {
  const completions = shards?.spec.completions as number;

  it('is an Indexed Job with one pod per shard, never restarted in place, and a merge Job', () => {
    expect(shards).toBeDefined();
    expect(merge).toBeDefined();
    expect(completions).toBeGreaterThan(1);
    expect(shards.spec.parallelism).toBe(completions);
    expect(shards.spec.template.spec.restartPolicy).toBe('Never');
    expect(docs.find((d) => d.kind === 'PersistentVolumeClaim')?.spec.accessModes).toContain('ReadWriteMany');
  });

  it('each index runs `svcspec check --shard <index>/<completions>`, flags the CLI accepts', () => {
    for (let index = 0; index < completions; index++) {
      const [bin, command, ...rest] = shardCommand(index);
      expect([bin, command]).toEqual(['svcspec', 'check']);
      const { flags, positionals } = parseArgs(rest, CHECK_FLAGS);
      expect(positionals).toEqual([]);
      expect(shardOf(flags)).toEqual({ index, count: completions });
      expect(workersOf(flags, () => 2)).toBe(2);
    }
  });

  it('the merge reads the directory the shards write, on the same volume, once all of them are there', () => {
    const shardPod = shards.spec.template.spec;
    const mergePod = merge.spec.template.spec;
    const { flags } = parseArgs(shardCommand(0).slice(2), CHECK_FLAGS);
    const shardMount = mountOf(shardPod.containers[0], 'svcspec-reports', shardPod.volumes)!;
    const mergeMount = mountOf(mergePod.containers[0], 'svcspec-reports', mergePod.volumes)!;
    expect(shardMount).toBeDefined();
    expect(mergeMount).toBe(shardMount);
    const [bin, command, ...rest] = mergePod.containers[0].command as string[];
    expect([bin, command]).toEqual(['svcspec', 'merge']);
    const merged = parseArgs(rest, MERGE_FLAGS);
    expect(merged.positionals).toEqual([flags.reports]);
    // The init container waits for the file every shard writes (shard-report.ts names them).
    const wait = mergePod.initContainers[0].command.at(-1) as string;
    const pattern = `${flags.reports}/${shardFileName('check', { index: 0, count: completions }).replace('shard-0-of', 'shard-*-of')}`;
    expect(wait).toContain(`ls ${pattern}`);
    expect(wait).toContain(`-eq ${completions} ]`);
    expect(mountOf(mergePod.initContainers[0], 'svcspec-reports', mergePod.volumes)).toBe(shardMount);
  });
});
