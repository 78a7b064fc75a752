/**
 * npm test runs the spec: every invariant is checked on the reference model over random
 * sequences (fixed seed, a budget that keeps the suite fast), in both timings, and every
 * invariant must have been exercised somewhere — one whose precondition never held checked nothing.
 */
import { describe, expect, it } from 'vitest';
import { neverExercised, runCheck, type CheckReport } from '../../properties/engine/check.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import type { Timing } from '../../properties/spec/types.ts';

const spec = loadSpec();
const reports: CheckReport[] = [];

describe('the reference model holds every invariant', () => {
  for (const scopeName of ['small', 'medium']) {
    for (const timing of ['sync', 'async'] as Timing[]) {
      it(`holds in scope ${scopeName}, ${timing} timing`, () => {
        const scope = spec.scopes.find((s) => s.name === scopeName)!;
        const r = runCheck(spec, { scope, timing, runs: 120, maxSteps: scope.maxSteps, seed: 20261126 });
        reports.push(r);
        expect(r.error).toBeUndefined();
        // On failure this prints the invariant and the shrunk script.
        expect(r.counterexample && `${r.counterexample.violation.invariant.id}: ${r.counterexample.transcript.ops.map(String).join(' ; ')}`).toBeUndefined();
        expect(r.runs).toBe(120);
      });
    }
  }

  it('exercises every invariant in some scope and timing', () => {
    expect(reports).toHaveLength(4);
    expect(neverExercised(reports)).toEqual([]);
  });
});
