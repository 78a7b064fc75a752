// A search that ends its budget with a rule below the floor tops it up (properties/engine/check.ts
// TOP_UP_SHARE): more rounds, at most that share of the budget, the same report however the runs
// are sliced; a search at the floor stops at its budget.
import { describe, expect, it } from 'vitest';
import { TOP_UP_SHARE, belowFloor, searchCheck } from '../../properties/engine/check.ts';
import { toWire } from '../../properties/engine/wire.ts';
import { loadSpec } from '../../properties/spec/load.ts';

const spec = loadSpec();
const small = spec.scopes.find((s) => s.name === 'small')!;
const options = { scope: small, timing: 'sync' as const, runs: 40, maxSteps: small.maxSteps, seed: 3 };

describe('topping the floor up past the budget', () => {
  it('runs up to TOP_UP_SHARE of the budget more while a rule is below the floor', () => {
    const budgetOnly = searchCheck(spec, { ...options, floorTopUp: false }).report;
    expect(budgetOnly.runs).toBe(40);
    expect(budgetOnly.topUp).toBeUndefined();
    expect(belowFloor(budgetOnly).length).toBeGreaterThan(0);
    const topped = searchCheck(spec, options).report;
    expect(topped.topUp).toBe(Math.ceil(40 * TOP_UP_SHARE));
    expect(topped.runs).toBe(40 + topped.topUp!);
    // The same report when two threads share each round.
    expect(toWire(searchCheck(spec, options, undefined, 2).report)).toEqual(toWire(topped));
  }, 120_000);

  it('stops at the budget when no rule is below the floor', () => {
    const report = searchCheck(spec, { ...options, only: ['service/cluster-ip/stable'] }).report;
    expect(belowFloor(report)).toEqual([]);
    expect(report.runs).toBe(40);
    expect(report.topUp).toBeUndefined();
  }, 120_000);
});
