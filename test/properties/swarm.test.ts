/**
 * Swarm testing (properties/arbitraries/swarm.ts, `check --swarm`): each run draws which generators
 * it uses and their weights, from the seed, as the first value of the run — never every generator
 * dropped, never a generator the weights hold at 0, a generator the bias boosts nearly always
 * kept; a run draws only from what it kept, its counterexample replays from seed and path (and
 * --swarm), and the same seed gives the same bytes of reports/check.json — cut into slices as
 * --workers runs it, on 2 workers, and in shards merged by `svcspec merge` (which refuses shards
 * that disagree on --swarm).
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { counterexampleScenario } from '../../cli/commands/check.ts';
import { weightsOf } from '../../cli/commands/shared-flags.ts';
import { checkJson, checkMarkdown } from '../../cli/report/check-report.ts';
import { generatorOf, sequenceArb, swarmOfRun } from '../../properties/arbitraries/operations.ts';
import { AIMED_BOOST, KEEP, MAX_MULTIPLIER, keepChance, swarmArb, swarmOf } from '../../properties/arbitraries/swarm.ts';
import { catalogueWeights, weighted } from '../../properties/engine/bias.ts';
import { type CheckOptions, CheckSearch, runCheck } from '../../properties/engine/check.ts';
import { runSlice } from '../../properties/engine/check-slice.ts';
import { coverageOf } from '../../properties/engine/coverage.ts';
import { modelSystem } from '../../properties/engine/system.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import { svcspec, tempDir } from '../conformance/cli.ts';
import { allFaults } from './faults/index.ts';

const spec = loadSpec();
const catalogue = catalogueWeights(spec.generators);
const small = spec.scopes.find((s) => s.name === 'small')!;
const live = spec.generators.filter((g) => g.weight > 0);

describe('a run’s swarm', () => {
  it('keeps a generator at its catalogue weight with chance KEEP, a boosted or aimed one nearly always, one at 0 never', () => {
    expect(keepChance(5, 5)).toBeCloseTo(KEEP);
    expect(keepChance(2, 2, true)).toBeCloseTo(1 - (1 - KEEP) ** AIMED_BOOST);
    expect(keepChance(0, 2, true)).toBe(0);
    expect(keepChance(20, 5)).toBeGreaterThan(0.9);
    expect(keepChance(100, 2)).toBeGreaterThan(0.999);
    expect(keepChance(0, 5)).toBe(0);
    expect(keepChance(6, 5)).toBeGreaterThan(keepChance(5, 5));
  });

  it('never drops every generator: when every keep draw fails, the fallback draw keeps one', () => {
    const draws = live.map(() => [65_535, 1] as const);
    expect(swarmOf(live, catalogue, draws, 3).kept.map((g) => g.name)).toEqual([live[3].name]);
    expect(swarmOf(live, catalogue, draws, live.length + 1).kept.map((g) => g.name)).toEqual([live[1].name]);
  });

  it('multiplies a kept generator’s weight by its multiplier', () => {
    const draws = live.map((_, i) => [0, (i % MAX_MULTIPLIER) + 1] as const);
    const s = swarmOf(live, catalogue, draws, 0);
    expect(s.kept.map((g) => g.weight)).toEqual(live.map((g, i) => g.weight * ((i % MAX_MULTIPLIER) + 1)));
    expect(s.of).toBe(live.length);
  });

  it('over many runs: about KEEP of the plain generators kept, every multiplier drawn, boosted generators kept, zeroed ones never', () => {
    const weights = new Map(catalogue);
    weights.set('connect-burst', catalogue.get('connect-burst')! * 10);
    weights.set('ping', 0);
    const draws = fc.sample(swarmArb(weighted(spec.generators, weights), catalogue), { seed: 7, numRuns: 400 });
    const kept = (name: string) => draws.filter((d) => d.kept.some((g) => g.name === name)).length / draws.length;
    const plain = live.filter((g) => !g.aims?.length && g.name !== 'ping');
    const mean = draws.reduce((a, d) => a + d.kept.filter((g) => plain.some((p) => p.name === g.name)).length, 0) / draws.length;
    const others = plain.length;
    expect(mean / others).toBeGreaterThan(KEEP - 0.05);
    expect(mean / others).toBeLessThan(KEEP + 0.05);
    expect(kept('connect-burst')).toBeGreaterThan(0.98);
    expect(kept('ping')).toBe(0);
    expect(draws.every((d) => d.kept.length > 0)).toBe(true);
    const apply = draws.flatMap((d) => d.kept.filter((g) => g.name === 'apply-pod').map((g) => g.weight));
    expect(new Set(apply)).toEqual(new Set(Array.from({ length: MAX_MULTIPLIER }, (_, i) => (i + 1) * catalogue.get('apply-pod')!)));
  });
});

describe('sequences under swarm testing', () => {
  const arb = sequenceArb(spec.generators, small, spec.domains, small.maxSteps, undefined, catalogue);

  it('draw only from the generators their run kept, and the same seed draws the same sequences', () => {
    const runs = fc.sample(arb, { seed: 11, numRuns: 60 });
    for (const ops of runs) {
      const kept = new Set(swarmOfRun(ops)!.kept.map((g) => g.name));
      for (const op of ops) expect(kept.has(generatorOf(op)!), generatorOf(op)).toBe(true);
    }
    expect(new Set(runs.map((ops) => swarmOfRun(ops)!.kept.length)).size).toBeGreaterThan(3);
    expect(JSON.stringify(fc.sample(arb, { seed: 11, numRuns: 60 }))).toBe(JSON.stringify(runs));
  });

  it('without swarm, every run draws from the whole catalogue as before', () => {
    const plain = fc.sample(sequenceArb(spec.generators, small, spec.domains, small.maxSteps), { seed: 11, numRuns: 5 });
    expect(plain.every((ops) => swarmOfRun(ops) === undefined)).toBe(true);
  });
});

describe('check under swarm testing', () => {
  it('a counterexample replays from its seed and path, and uses only its run’s generators', () => {
    const fault = allFaults.find((f) => f.invariant === 'traffic/refused-without-endpoints')!;
    const scope = spec.scopes.find((s) => s.name === fault.scope)!;
    const sys = fault.wrap(modelSystem as never);
    const found = runCheck(spec, { scope, timing: fault.timing, runs: 400, maxSteps: scope.maxSteps, seed: 2, only: [fault.invariant], swarm: true }, sys);
    const c = found.counterexample!;
    expect(c.violation.invariant.id).toBe(fault.invariant);
    expect(c.swarm!.length).toBeGreaterThan(0);
    for (const t of c.templates) expect(c.swarm).toContain(generatorOf(t));
    expect(found.swarm!.meanKept).toBeGreaterThan(0);
    expect(c.replay).toMatch(/ --swarm$/);
    // As the replay line gives it: the round's seed, the path and the round's weights (found after the first round).
    const again = runCheck(spec, { scope, timing: fault.timing, runs: 1, maxSteps: scope.maxSteps, seed: c.seed, path: c.path, only: [fault.invariant], weights: weightsOf(spec, c.weights || undefined), swarm: true }, sys);
    expect(again.counterexample?.transcript.ops).toEqual(c.transcript.ops);
    expect(again.counterexample?.swarm).toEqual(c.swarm);
  });

  it('cut into slices whose results cross a thread (as --workers runs it): the same report, mean kept, counterexample and its generators', () => {
    const fault = allFaults.find((f) => f.invariant === 'traffic/refused-without-endpoints')!;
    const scope = spec.scopes.find((s) => s.name === fault.scope)!;
    const sys = fault.wrap(modelSystem as never) as typeof modelSystem;
    const o: CheckOptions = { scope, timing: fault.timing, runs: 400, maxSteps: scope.maxSteps, seed: 2, only: [fault.invariant], swarm: true };
    // What the worker pool does: tasks and results are structured-cloned (a symbol on an array is lost).
    const sliced = (slices: number) => {
      const search = new CheckSearch(spec, o, slices);
      for (let tasks = search.next(); tasks; tasks = search.next()) search.absorb(tasks.map((t) => structuredClone(runSlice(spec, structuredClone(t), sys))));
      const { report, visited } = search.finish(sys);
      const coverage = coverageOf(visited);
      return { report, text: `${JSON.stringify(checkJson([report], coverage), null, 2)}\n${checkMarkdown([report], coverage)}` };
    };
    const one = sliced(1);
    const c = one.report.counterexample!;
    expect(c.swarm!.length).toBeGreaterThan(0);
    expect(one.report.swarm!.meanKept).toBeGreaterThan(0);
    expect(sliced(3).text).toBe(one.text);
    expect(sliced(7).text).toBe(one.text);
    // The replay line's flags reproduce it; the saved scenario names them.
    const again = runCheck(spec, { ...o, runs: 1, seed: c.seed, path: c.path, weights: weightsOf(spec, c.weights || undefined) }, sys);
    expect(again.counterexample?.swarm).toEqual(c.swarm);
    expect(again.counterexample?.transcript.ops).toEqual(c.transcript.ops);
    expect(counterexampleScenario(one.report, o)).toContain(' --swarm');
  });

  it('the same seed writes the same bytes of reports/check.json, with the swarm’s mean per run', async () => {
    const [a, b] = [tempDir('swarm-a'), tempDir('swarm-b')];
    for (const dir of [a, b]) expect((await svcspec(['check', '--swarm', '--scope', 'tiny', '--runs', '60', '--seed', '5', '--reports', dir])).code).toBe(0);
    const text = readFileSync(join(a, 'check.json'), 'utf8');
    expect(readFileSync(join(b, 'check.json'), 'utf8')).toBe(text);
    const swarm = JSON.parse(text).runs[0].swarm;
    expect(swarm.generators).toBeGreaterThan(1);
    expect(swarm.meanGeneratorsKept).toBeGreaterThan(0);
    expect(swarm.meanGeneratorsKept).toBeLessThan(swarm.generators);
  }, 120_000);
});

describe('check --swarm on workers and shards', () => {
  const dir = tempDir('swarm-parallel');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const read = (...p: string[]) => readFileSync(join(dir, ...p), 'utf8');
  // Two jobs (small sync and async), two rounds each (50 runs, then 10): small runs count.
  const args = ['check', '--swarm', '--scope', 'small', '--runs', '60', '--seed', '3'];

  it('--workers 2 and two shards merged write the bytes one worker writes; a merge of a --swarm shard with a plain one is refused', async () => {
    const runs = await Promise.all([
      svcspec([...args, '--reports', join(dir, 'one')]),
      svcspec([...args, '--workers', '2', '--reports', join(dir, 'two')]),
      svcspec([...args, '--shard', '0/2', '--reports', join(dir, 'shards')]),
      svcspec([...args, '--shard', '1/2', '--reports', join(dir, 'shards')]),
      svcspec([...args.filter((a) => a !== '--swarm'), '--shard', '1/2', '--reports', join(dir, 'plain')]),
    ]);
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0]);
    const merged = await svcspec(['merge', join(dir, 'shards'), '--reports', join(dir, 'merged')]);
    expect(merged.code).toBe(0);
    expect(JSON.parse(read('one', 'check.json')).runs.map((r: any) => r.swarm.meanGeneratorsKept > 0)).toEqual([true, true]);
    for (const f of ['check.json', 'check.md']) {
      expect(read('two', f)).toBe(read('one', f));
      expect(read('merged', f)).toBe(read('one', f));
    }
    const mixed = await svcspec(['merge', join(dir, 'shards', 'check.shard-0-of-2.json'), join(dir, 'plain', 'check.shard-1-of-2.json'), '--reports', join(dir, 'mixed')]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/^svcspec: SVC017 .*ran with different options: .*"swarm":true/);
  }, 600_000);
});
