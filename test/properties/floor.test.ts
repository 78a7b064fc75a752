/**
 * npm test runs the spec as the default `svcspec check` does (its scopes, timings, runs and seed):
 * the reference model holds every invariant, every invariant's precondition reaches the floor in
 * every scope and timing (or the scope says why it cannot), a scope's "out of reach" is true, and
 * every transition of every machine is visited (or declared unreachable, with the reason).
 * Losing the floor — a generator change that stops reaching a rule — fails here.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RUNS } from '../../cli/commands/check.ts';
import { belowFloor, runCheck, type CheckReport } from '../../properties/engine/check.ts';
import { machineCoverage, missedTransitions } from '../../properties/engine/coverage.ts';
import { FLOOR } from '../../properties/engine/floor.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import type { Timing } from '../../properties/spec/types.ts';

const spec = loadSpec();
const reports: CheckReport[] = [];

describe('the default check', () => {
  for (const scopeName of ['small', 'medium']) {
    for (const timing of ['sync', 'async'] as Timing[]) {
      it(`holds every invariant and reaches the floor in scope ${scopeName}, ${timing} timing`, () => {
        const scope = spec.scopes.find((s) => s.name === scopeName)!;
        const r = runCheck(spec, { scope, timing, runs: DEFAULT_RUNS, maxSteps: scope.maxSteps, seed: 0 });
        reports.push(r);
        expect(r.error).toBeUndefined();
        // On failure this prints the invariant and the replay line.
        expect(r.counterexample && `${r.counterexample.violation.invariant.id}: ${r.counterexample.replay}`).toBeUndefined();
        expect(r.runs).toBe(DEFAULT_RUNS);
        // Every rule is checked in the default scopes: a generator change that stops drawing its operations must not slip past the floor.
        expect(r.invariants.filter((x) => x.floor.status === 'unchecked').map((x) => x.invariant.id)).toEqual([]);
        expect(belowFloor(r).map((b) => `${b.id}: precondition held ${b.held} times in ${b.checked} checked steps (${b.missing} short)`)).toEqual([]);
        // A scope may call an invariant out of its reach only if it really is.
        const stale = r.invariants.filter((x) => x.floor.status === 'out-of-reach' && x.stats.held >= FLOOR.held).map((x) => x.invariant.id);
        expect(stale, 'declared out of reach, yet reached').toEqual([]);
      });
    }
  }

  it('visits every state and transition of every machine that a cluster can take', () => {
    expect(reports).toHaveLength(4);
    for (const c of machineCoverage()) {
      expect(c.states.all.filter((s) => !c.states.visited.includes(s)), `${c.machine} states`).toEqual([]);
      expect(missedTransitions(c), `${c.machine} transitions`).toEqual([]);
      // A transition declared unreachable that a run took is not unreachable.
      expect(c.unreachable.filter((u) => c.transitions.visited.includes(u.transition)).map((u) => u.transition), `${c.machine}`).toEqual([]);
    }
  });
});
