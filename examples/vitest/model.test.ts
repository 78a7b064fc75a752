// Properties of your own over the reference model, with @fast-check/vitest: modelArbitrary draws
// whole runs (the operations svcspec check generates, applied to a fresh cluster of a scope).
import { fc, test } from '@fast-check/vitest';
import { expect } from 'vitest';
import { modelArbitrary } from 'svcspec/vitest';

test.prop([modelArbitrary({ scope: 'small', maxSteps: 20 })], { numRuns: 50, seed: 1 })('no two Services share a ClusterIP', (run) => {
  for (const obs of run.observations) {
    const ips = obs.services.map((s) => s.clusterIP).filter((ip) => ip && ip !== 'None');
    expect(new Set(ips).size).toBe(ips.length);
  }
});

test.prop([modelArbitrary({ scope: 'small', maxSteps: 20 }), fc.nat()], { numRuns: 20, seed: 2 })('a run has an observation before and after every operation', (run) => {
  expect(run.observations).toHaveLength(run.ops.length + 1);
});
