// Coverage-guided bias toward machine transitions no run has taken yet (properties/engine/bias.ts):
// a missed transition pulls weight toward the generators whose runs both reached its source state
// and fired its event, and nowhere when no run has shown either.
import { describe, expect, it } from 'vitest';
import { GeneratorCredit, catalogueWeights, runEventKey, runStateKey } from '../../properties/engine/bias.ts';
import { loadSpec } from '../../properties/spec/load.ts';

const spec = loadSpec();
const [reaches, fires, both] = spec.generators.filter((g) => g.weight > 0).map((g) => g.name);
/** Every rule at its floor: only transitions can pull. */
const met = new Map([['some/rule', { checked: 1000, held: 1000, violations: 0 }]]);

function credit(): GeneratorCredit {
  const c = new GeneratorCredit();
  const run = (g: string, steps: number, visited: string[]) => {
    for (let i = 0; i < steps; i++) c.record(g, []);
    c.recordRun(new Map([[g, steps]]), visited);
  };
  run(reaches, 4, [runStateKey('pod', 'Terminating')]);
  run(fires, 4, [runEventKey('pod', 'CONTAINER_EXITED')]);
  run(both, 4, [runStateKey('pod', 'Terminating'), runEventKey('pod', 'CONTAINER_EXITED')]);
  return c;
}

describe('the bias toward missed machine transitions', () => {
  const base = catalogueWeights(spec.generators);

  it('boosts the generator whose runs reached the source state and fired the event, not those that did one', () => {
    const missed = [{ machine: 'pod', from: 'Terminating', event: 'CONTAINER_EXITED' }];
    const c = credit();
    expect(c.canSteer(missed[0])).toBe(true);
    const w = c.next(spec.generators, met, () => false, missed);
    expect(w.get(both)!).toBeGreaterThan(base.get(both)! * 2);
    expect(w.get(reaches)).toBe(base.get(reaches));
    expect(w.get(fires)).toBe(base.get(fires));
  });

  it('cannot steer toward a transition whose source state no run has reached', () => {
    const missed = [{ machine: 'pod', from: 'Pending', event: 'CONTAINER_EXITED' }];
    const c = credit();
    expect(c.canSteer(missed[0])).toBe(false);
    expect(c.next(spec.generators, met, () => false, missed)).toEqual(base);
  });

  it('leaves the weights alone when nothing is missed and every rule is at its floor', () => {
    expect(credit().next(spec.generators, met, () => false, [])).toEqual(base);
  });
});
