// The library entry (lib/index.ts, `import … from 'svcspec'`) from the sources: each wrapper runs
// its engine with the CLI's defaults. test/package/pack.test.ts runs the packed one.
import { describe, expect, it } from 'vitest';
import { check, conform, explore, initialState, loadSpec, observe, run, step } from '../../lib/index.ts';
import { modelArbitrary } from '../../lib/vitest.ts';
import fc from 'fast-check';

const spec = loadSpec();

describe('svcspec as a library', () => {
  it('step and observe the model', () => {
    const out = step(initialState({}), { op: 'apply', object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } } } as never);
    expect(out.result.ok).toBe(true);
    expect(observe(out.state).services.some((s) => s.name === 'web' && s.clusterIP)).toBe(true);
  });

  it('check one scope and timing, the same report for the same seed', () => {
    const a = check({ spec, scope: 'small', timing: 'async', runs: 5, seed: 3 });
    const b = check({ spec, scope: 'small', timing: 'async', runs: 5, seed: 3 });
    expect(a).toMatchObject({ scope: 'small', timing: 'async', runs: 5 });
    expect(a.counterexample).toBeUndefined();
    expect(b.steps).toBe(a.steps);
    expect(() => check({ spec, scope: 'nowhere' })).toThrow(/unknown scope "nowhere"/);
  });

  it('explore a scope: the witness is reached, nothing violated', () => {
    const e = explore({ spec, scope: 'no-readiness-probe' });
    expect(e.violated).toEqual([]);
    expect(e.expected.has('witness/refused-by-starting-app')).toBe(true);
    expect(e.report.verdicts.find((v) => v.invariant.id === 'witness/refused-by-starting-app')?.verdict).toBe('violation');
  });

  it('run a scenario file', async () => {
    const r = await run('examples/scenarios/07-readiness-probe.yaml');
    expect(r.passed).toBe(true);
    expect(r.records.length).toBeGreaterThan(0);
  });

  it('conform the reference adapter', async () => {
    const r = await conform({ spec, adapter: 'node cli/svcspec.js serve', runs: 3 });
    expect(r.verdict).toBe('ok');
  });

  it('modelArbitrary: runs of the model with an observation around every operation', () => {
    fc.assert(fc.property(modelArbitrary({ spec, scope: 'small', maxSteps: 10 }), (r) => r.observations.length === r.ops.length + 1 && r.results.length === r.ops.length), { numRuns: 20, seed: 1 });
  });
});
