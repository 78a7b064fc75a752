// A search that ends its budget with rules below the floor that it can reach tops it up
// (properties/engine/check.ts TOP_UP_SHARE): more rounds, at most half the budget, the same report
// however the runs are sliced; a search at the floor, or whose budget is far too small for it,
// stops at its budget.
import { describe, expect, it } from 'vitest';
import { belowFloor, searchCheck } from '../../properties/engine/check.ts';
import { toWire } from '../../properties/engine/wire.ts';
import { loadSpec } from '../../properties/spec/load.ts';

const spec = loadSpec();
const small = spec.scopes.find((s) => s.name === 'small')!;
// Seed 2 ends the default budget in small sync with traffic/spreads-load below the floor
// (bench/floor-aim.bench.ts: 0.84 of it).
const options = { scope: small, timing: 'sync' as const, runs: 400, maxSteps: small.maxSteps, seed: 2 };

describe('topping the floor up past the budget', () => {
  it('runs rounds past the budget until no rule is below the floor, the same with two slices a round', () => {
    const topped = searchCheck(spec, options).report;
    expect(topped.topUp).toBe(50);
    expect(topped.runs).toBe(450);
    expect(belowFloor(topped)).toEqual([]);
    expect(toWire(searchCheck(spec, options, undefined, 2).report)).toEqual(toWire(topped));
  }, 300_000);

  it('stops at the budget when no rule is below the floor', () => {
    const report = searchCheck(spec, { ...options, runs: 40, only: ['service/cluster-ip/stable'] }).report;
    expect(belowFloor(report)).toEqual([]);
    expect(report.runs).toBe(40);
    expect(report.topUp).toBeUndefined();
  }, 120_000);

  it('does not stretch a budget far too small for the floor', () => {
    const report = searchCheck(spec, { ...options, runs: 40 }).report;
    expect(belowFloor(report).length).toBeGreaterThan(0);
    expect(report.runs).toBe(40);
    expect(report.topUp).toBeUndefined();
  }, 120_000);
});
