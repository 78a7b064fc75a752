// The bias aims above the floor (properties/engine/bias.ts AIM): a rule keeps pulling until it
// holds AIM times the floor the whole budget will demand, not just the floor reached so far.
import { describe, expect, it } from 'vitest';
import { AIM, GeneratorCredit } from '../../properties/engine/bias.ts';
import { loadSpec } from '../../properties/spec/load.ts';

const spec = loadSpec();
const generator = spec.generators.find((g) => g.weight > 0)!.name;
const rule = 'some/rule';

/** A credit where `generator` has made `rule` hold. */
function credit(): GeneratorCredit {
  const c = new GeneratorCredit();
  c.record(generator, [rule]);
  return c;
}

const pulls = (held: number, checked: number, aim: number, growth: number) =>
  credit().deficits(spec.generators, new Map([[rule, { checked, held, violations: 0 }]]), () => false, aim, growth).length > 0;

describe('the bias aims above the floor', () => {
  it('still pulls a rule at the floor, until it holds AIM times it', () => {
    expect(AIM).toBeGreaterThan(1);
    expect(pulls(100, 1000, AIM, 1)).toBe(true);
    expect(pulls(Math.ceil(100 * AIM), 1000, AIM, 1)).toBe(false);
    expect(pulls(100, 1000, 1, 1)).toBe(false);
  });

  it("aims at the floor's share of the steps the whole budget will check, not of those checked so far", () => {
    // 150 holds of 10,000 checked steps meet the 1% share now; over 4× the steps they would not.
    expect(pulls(150, 10_000, 1, 1)).toBe(false);
    expect(pulls(150, 10_000, 1, 4)).toBe(true);
    expect(pulls(Math.ceil(400 * AIM), 10_000, AIM, 4)).toBe(false);
  });
});
