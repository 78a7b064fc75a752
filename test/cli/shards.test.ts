// Four shard processes of the CLI (small budgets), merged by `svcspec merge`, against the unsharded
// run: check's reports byte for byte (and --workers 2's too), explore's verdicts, traces and replay
// files (and --workers 2's), conform's reports against the reference adapter (serve) byte for byte,
// and a mutant's violation found the same way. Bad --workers and --shard values, and shard reports that do not belong together, are
// usage errors: `svcspec: CODE message`, exit 2, no stack trace.
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { svcspec, tempDir } from '../conformance/cli.ts';
import { checkJobs } from '../../cli/commands/check.ts';
import { shardJobs } from '../../cli/commands/shared-flags.ts';
import { loadSpec } from '../../properties/spec/load.ts';

const dir = tempDir('shards');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const read = (...p: string[]) => readFileSync(join(dir, ...p), 'utf8');

/** The unsharded run and N shard processes at once, then the merge. */
async function sharded(name: string, args: string[], count = 4): Promise<{ single: number; merged: number; shards: number[] }> {
  const runs = await Promise.all([
    svcspec([...args, '--reports', join(dir, name, 'single')]),
    ...Array.from({ length: count }, (_, i) => svcspec([...args, '--shard', `${i}/${count}`, '--reports', join(dir, name, 'shards')])),
  ]);
  for (const r of runs) expect(r.stderr).not.toMatch(/\n\s+at /);
  const merged = await svcspec(['merge', join(dir, name, 'shards'), '--reports', join(dir, name, 'merged')]);
  expect(merged.stderr).toBe('');
  return { single: runs[0].code!, merged: merged.code!, shards: runs.slice(1).map((r) => r.code!) };
}

describe('shards merged equal the unsharded run', () => {
  it('check: check.json and check.md, byte for byte; --workers 2 too', async () => {
    // Four jobs (small and medium, sync and async), two rounds each (50 runs, then 10).
    const args = ['check', '--scope', 'small,medium', '--timing', 'sync,async', '--runs', '60', '--seed', '3'];
    const [codes, workers] = await Promise.all([sharded('check', args), svcspec([...args, '--workers', '2', '--reports', join(dir, 'check', 'workers')])]);
    expect(codes).toEqual({ single: 0, merged: 0, shards: [0, 0, 0, 0] });
    expect(readdirSync(join(dir, 'check', 'shards')).sort()).toEqual([0, 1, 2, 3].map((i) => `check.shard-${i}-of-4.json`));
    for (const f of ['check.json', 'check.md']) {
      expect(read('check', 'merged', f)).toBe(read('check', 'single', f));
      expect(read('check', 'workers', f)).toBe(read('check', 'single', f));
    }
    expect(workers.code).toBe(0);
  }, 600_000);

  it('explore: the same verdicts, traces and replay files (times may differ: docs/parallel.md); --workers 2 too, every scope cut across both threads', async () => {
    const args = ['explore', '--scope', 'tiny,no-readiness-probe,replicas,readiness-race-settled', '--depth', '4'];
    // Two shards (check's test runs four): each process costs seconds of start-up.
    const [codes, workers] = await Promise.all([sharded('explore', args, 2), svcspec([...args, '--workers', '2', '--reports', join(dir, 'explore', 'workers')])]);
    expect(codes).toEqual({ single: 0, merged: 0, shards: [0, 0] });
    expect(workers.code).toBe(0);
    // Seconds and states per second are not the search's results; nor, with workers, the steps
    // re-executed to re-materialise states (they hang on how the ranges fell on the threads).
    const strip = (f: string, also: string[] = []) =>
      JSON.stringify(JSON.parse(read('explore', f, 'explore.json'), (k, v) => (['seconds', 'statesPerSecond', ...also].includes(k) ? undefined : k === 'replay' ? v.split('/').at(-1) : v)));
    const single = strip('single');
    expect(strip('merged')).toBe(single);
    expect(strip('workers', ['replayedSteps'])).toBe(strip('single', ['replayedSteps']));
    const verdicts = JSON.parse(single).scopes.flatMap((s: any) => s.invariants.map((i: any) => i.verdict));
    expect(verdicts).toContain('violation');
    const replays = readdirSync(join(dir, 'explore', 'single')).filter((f) => f.endsWith('.yaml'));
    expect(replays.length).toBeGreaterThan(0);
    for (const f of replays) {
      expect(read('explore', 'merged', f)).toBe(read('explore', 'single', f));
      expect(read('explore', 'workers', f)).toBe(read('explore', 'single', f));
    }
  }, 600_000);

  it('conform against the reference (serve): conform.json and conform.md, byte for byte', async () => {
    const codes = await sharded('conform', ['conform', '--adapter', 'node cli/svcspec.js serve', '--scope', 'small,medium', '--runs', '6'], 2);
    expect(codes).toEqual({ single: 0, merged: 0, shards: [0, 0] });
    for (const f of ['conform.json', 'conform.md']) expect(read('conform', 'merged', f)).toBe(read('conform', 'single', f));
  }, 600_000);

  it('conform against a mutant: the same violation, shrunk the same way, in two shards', async () => {
    const codes = await sharded('mutant', ['conform', '--adapter', 'node --import tsx examples/mutants/cluster-ip-reallocated.ts', '--runs', '40'], 2);
    // Shard 1 ran async; the plain run stops after sync's violation and skips async: so does the merge.
    expect(JSON.parse(read('mutant', 'merged', 'conform.json')).skipped).toEqual([{ scope: 'small', timing: 'async' }]);
    expect(codes.single).toBe(1);
    expect(codes.merged).toBe(1);
    expect(codes.shards).toContain(1);
    for (const f of ['conform.json', 'conform.md']) expect(read('mutant', 'merged', f)).toBe(read('mutant', 'single', f));
  }, 600_000);
});

describe('the jobs of a check', () => {
  it('go scopes outer, seeds inner: the order of the report and of --shard I/N', () => {
    const spec = loadSpec();
    const jobs = checkJobs(spec, { scopes: ['small', 'medium'], timings: ['sync', 'async'], seeds: [0, 1], runs: 1 });
    expect(jobs.map((j) => `${j.scope.name}/${j.timing}/${j.seed}`)).toEqual(['small/sync/0', 'small/sync/1', 'small/async/0', 'small/async/1', 'medium/sync/0', 'medium/sync/1', 'medium/async/0', 'medium/async/1']);
    expect(shardJobs(jobs, { index: 1, count: 3 }).map((j) => j.index)).toEqual([1, 4, 7]);
  });

  it('--seeds A..B: shards of eight jobs merged equal the plain run', async () => {
    const codes = await sharded('seeds', ['check', '--scope', 'small', '--timing', 'sync', '--seeds', '0..7', '--runs', '5']);
    expect(codes).toEqual({ single: 0, merged: 0, shards: [0, 0, 0, 0] });
    for (const f of ['check.json', 'check.md']) expect(read('seeds', 'merged', f)).toBe(read('seeds', 'single', f));
    expect(JSON.parse(read('seeds', 'single', 'check.json')).runs.map((r: any) => r.seed)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  }, 600_000);
});

describe('bad --workers, --shard and merges', () => {
  const usage = async (args: string[], code: string, message: RegExp) => {
    const r = await svcspec(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^svcspec: ${code} `));
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  };

  it('--workers 0, --shard 5/4, --shard x', async () => {
    await Promise.all([
      usage(['check', '--workers', '0'], 'SVC014', /--workers needs a positive whole number or "auto", got "0"/),
      usage(['check', '--shard', '5/4'], 'SVC014', /--shard 5\/4: the index counts from 0, so it must be below 4/),
      usage(['explore', '--shard', 'x'], 'SVC014', /--shard needs I\/N/),
      usage(['conform', '--adapter', 'true', '--shard', '1/0'], 'SVC014', /number of shards must be at least 1/),
      usage(['check', '--seeds', '3..1'], 'SVC014', /--seeds needs A\.\.B/),
      usage(['check', '--seeds', '0..1', '--seed', '2'], 'SVC014', /--seed and --seeds/),
      usage(['explore', '--workers', 'many'], 'SVC014', /--workers needs a positive whole number/),
      usage(['check', '--workers', '2', '--export-watch', join(dir, 'w')], 'SVC014', /--export-watch .* not with --workers/),
      usage(['conform', '--adapter', 'true', '--shard', '0/2', '--path', '1:2'], 'SVC014', /--path .* not with --shard/),
    ]);
  }, 120_000);

  it('merges of reports from different options, versions or with shards missing are refused (SVC017)', async () => {
    const base = ['check', '--scope', 'small', '--timing', 'sync', '--runs', '2'];
    await Promise.all([
      svcspec([...base, '--shard', '0/2', '--reports', join(dir, 'bad', 'a')]),
      svcspec([...base, '--runs', '3', '--shard', '1/2', '--reports', join(dir, 'bad', 'a')]),
      svcspec([...base, '--shard', '0/2', '--reports', join(dir, 'bad', 'b')]),
    ]);
    const a0 = join(dir, 'bad', 'a', 'check.shard-0-of-2.json');
    const a1 = join(dir, 'bad', 'a', 'check.shard-1-of-2.json');
    const older = join(dir, 'bad', 'older.shard-1-of-2.json');
    writeFileSync(older, JSON.stringify({ ...JSON.parse(readFileSync(a1, 'utf8')), version: '0.0.1', options: JSON.parse(readFileSync(a0, 'utf8')).options }));
    const unsharded = join(dir, 'bad', 'check.json');
    writeFileSync(unsharded, JSON.stringify({ tool: 'svcspec check', runs: [] }));
    await Promise.all([
      usage(['merge', a0, a1], 'SVC017', /ran with different options/),
      usage(['merge', a0, older], 'SVC017', /written by svcspec 0\.0\.1/),
      usage(['merge', join(dir, 'bad', 'b')], 'SVC017', /shard 1\/2 missing/),
      usage(['merge', a0, a0], 'SVC017', /given twice/),
      usage(['merge', unsharded], 'SVC017', /not a shard report/),
      usage(['merge', join(dir, 'no-such-file.json')], 'SVC005', /cannot read/),
      usage(['merge'], 'SVC014', /merge needs the shard reports/),
    ]);
  }, 300_000);
});
