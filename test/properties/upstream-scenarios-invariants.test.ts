/**
 * The upstream scenarios (examples/upstream) show what a correct cluster does; every invariant
 * must hold after every one of their steps on the reference model. Regressions of rules that a
 * correct cluster broke: e.g. env/no-later-services once matched variables by address, and a
 * freed ClusterIP given to a later Service (env-freed-cluster-ip-reused.yaml) broke it falsely.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeConfig } from '../../model/index.ts';
import { InvariantChecker, observationForCel } from '../../properties/engine/checker.ts';
import { alternatives, modelSystem } from '../../properties/engine/system.ts';
import { loadScenario } from '../../properties/scenario/load.ts';
import { loadSpec } from '../../properties/spec/load.ts';

const spec = loadSpec();
const DIR = join(import.meta.dirname, '../../examples/upstream');

describe('every invariant holds on the upstream scenarios', () => {
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort()) {
    it(file, () => {
      const sc = loadScenario(join(DIR, file));
      const config = normalizeConfig(sc.cluster);
      const checker = new InvariantChecker(spec.invariants, config.timing, config);
      let state = modelSystem.init(sc.cluster);
      const broken: string[] = [];
      for (const s of sc.steps) {
        if (!s.op) continue;
        const prev = observationForCel(modelSystem.observe(state));
        const alts = alternatives(modelSystem, state, s.op);
        const out = modelSystem.step(state, s.op);
        state = out.state;
        const now = observationForCel(modelSystem.observe(state));
        for (const v of checker.checkAll(s.number, prev, s.op, out.result, now, alts)) broken.push(`step ${s.number}: ${v.invariant.id}${v.error ? ` (${v.error})` : ''}`);
      }
      expect(broken).toEqual([]);
    });
  }
});
