/**
 * Why this test: generated CEL first tries a fast path (plain JavaScript on booleans) and gives
 * up to the exact path wherever an operand is an error or not a bool (codegen.ts). The
 * differential tests hold the answer to the interpreter's; this one holds the fast path to its
 * purpose — on the observations real runs make, it answers, so the exact path is the exception —
 * and shows where it must give up.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sequenceArb } from '../../../properties/arbitraries/operations.ts';
import { compileCel, type CelVars, type CompiledCel } from '../../../properties/cel/compile.ts';
import { InvariantChecker } from '../../../properties/engine/checker.ts';
import { execute } from '../../../properties/engine/execute.ts';
import { modelSystem } from '../../../properties/engine/system.ts';
import { loadSpec } from '../../../properties/spec/load.ts';
import type { Invariant, Timing } from '../../../properties/spec/types.ts';
import { normalizeConfig } from '../../../model/index.ts';

function compiled(source: string): CompiledCel {
  const c = compileCel(source);
  if (!c.ok || c.mode !== 'compiled' || !c.fast) throw new Error(`not compiled: ${source}`);
  return c;
}

/** Whether the fast path answers (and with the exact value), or gives up. */
function fastAnswers(c: CompiledCel, vars: CelVars): boolean {
  try {
    expect(c.fast!(vars)).toEqual(c.interpret(vars));
    return true;
  } catch (e) {
    if ((e as { name?: string }).name === 'AssertionError') throw e;
    return false;
  }
}

describe('the fast path of compiled CEL', () => {
  const state = { pods: [{ name: 'a', ready: true, labels: { app: 'web' } }, { name: 'b', ready: false }], services: [] };

  it('answers where no operand is an error, and gives up where one is (the exact path absorbs it)', () => {
    for (const src of [
      "state.pods.exists(p, p.name == 'a' && p.ready)",
      'state.pods.all(p, p.ready || !has(p.labels))',
      "state.pods.filter(p, p.ready).size() == 1 && state.services.all(s, s.name != '')",
      "state.pods.exists(p, p.name == 'b' ? !p.ready : false)",
    ]) {
      expect(fastAnswers(compiled(src), { state }), src).toBe(true);
    }
    // `p.labels` is absent from b, and a bool has no `<`: errors CEL's || absorbs (the other side
    // is true), so both are true, but only the exact path can say so.
    for (const src of ["state.pods.all(p, p.labels.app == 'web' || !p.ready)", "state.pods.exists(p, p.ready < 1 || p.name == 'a')"]) {
      const c = compiled(src);
      expect(fastAnswers(c, { state }), src).toBe(false);
      expect(c.fn({ state }), src).toEqual(c.interpret({ state }));
    }
    expect(compiled("state.pods.all(p, p.labels.app == 'web' || !p.ready)").fn({ state })).toBe(true);
    expect(compiled("state.pods.exists(p, p.ready < 1 || p.name == 'a')").fn({ state })).toBe(true);
  });

  it('answers every invariant on the observations of generated runs', () => {
    const spec = loadSpec();
    let evaluations = 0;
    let gaveUp = 0;
    const counted = (c: CompiledCel): CompiledCel => ({
      ...c,
      fn: (vars) => {
        evaluations++;
        try {
          return c.fast!(vars);
        } catch {
          gaveUp++;
          return c.fn(vars);
        }
      },
    });
    const invariants: Invariant[] = spec.invariants.map((inv) => ({ ...inv, when: inv.when && counted(inv.when), holds: counted(inv.holds) }));
    for (const name of ['small', 'dataplane', 'dns', 'control-plane']) {
      const scope = spec.scopes.find((s) => s.name === name)!;
      for (const timing of ['sync', 'async'] as Timing[]) {
        const checker = new InvariantChecker(invariants, timing, normalizeConfig({ ...scope.cluster, timing }));
        fc.assert(
          fc.property(sequenceArb(spec.generators, scope, spec.domains, 15), (templates) => {
            expect(execute(modelSystem, scope, timing, templates, checker).violation).toBeUndefined();
          }),
          { seed: 5, numRuns: 15 },
        );
      }
    }
    expect(evaluations).toBeGreaterThan(5_000);
    // Measured: none at all. A handful would be harmless (the exact path answers them); many would
    // mean the fast path stopped doing its job.
    expect(gaveUp / evaluations).toBeLessThan(0.001);
  });
});
