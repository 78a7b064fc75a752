import fc from 'fast-check';
import { loadSpec } from './properties/spec/load.ts';
import { sequenceArb, named } from './properties/arbitraries/operations.ts';
import { modelSystem, alternatives } from './properties/engine/system.ts';
import { Resolver } from './properties/engine/resolve.ts';
import { InvariantChecker, observationForCel } from './properties/engine/checker.ts';
import { normalizeConfig } from './model/index.ts';
const spec = loadSpec();
const scope = spec.scopes.find(s => s.name === 'small')!;
const seqs = fc.sample(sequenceArb(spec.generators, scope, spec.domains, 40), { seed: 1, numRuns: 600 });
const t = { step: 0, observe: 0, cel: 0, alt: 0, check: 0, resolve: 0 }; let n = 0;
const checker = new InvariantChecker(spec.invariants.filter(i => i.timings.has('sync')), 'sync', normalizeConfig(scope.cluster));
const T = () => performance.now();
for (const ops of seqs) {
  let s = modelSystem.init(scope.cluster); let obs = modelSystem.observe(s); let prev = observationForCel(obs); const r = new Resolver();
  for (const tpl of ops) {
    let a = T(); const op = named(r.resolve(tpl, obs)); t.resolve += T() - a;
    a = T(); const out = modelSystem.step(s, op); t.step += T() - a;
    a = T(); const nobs = modelSystem.observe(out.state); t.observe += T() - a;
    a = T(); const cel = observationForCel(nobs); t.cel += T() - a;
    a = T(); const alts = op.op === 'connect' && out.result.ok ? alternatives(modelSystem, s, op) : []; t.alt += T() - a;
    a = T(); checker.check(0, prev, op, out.result, cel, alts); t.check += T() - a;
    s = out.state; obs = nobs; prev = cel; n++;
  }
}
console.log(n, 'steps', Object.fromEntries(Object.entries(t).map(([k, v]) => [k, (v / n * 1000).toFixed(1) + 'us'])));
const slow = [...checker.invariants].map(inv => { let a = T(); return [inv.id, 0] });
