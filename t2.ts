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
// per-invariant cost on a sample of states
{
  const samples: any[] = [];
  for (const ops of seqs.slice(0, 100)) {
    let s = modelSystem.init(scope.cluster); let obs = modelSystem.observe(s); let prev = observationForCel(obs); const r = new Resolver();
    for (const tpl of ops) { const op = named(r.resolve(tpl, obs)); const out = modelSystem.step(s, op); const nobs = modelSystem.observe(out.state); const cel = observationForCel(nobs);
      samples.push({ prev, state: cel, op: (await import('./properties/cel/index.ts')).toCelValue(op), result: (await import('./properties/cel/index.ts')).toCelValue(out.result), cluster: (checker as any).cluster, alternatives: [] });
      s = out.state; obs = nobs; prev = cel; }
  }
  const res: [string, number, string][] = [];
  for (const inv of checker.invariants) {
    const a = T();
    for (const v of samples) { try { if (!inv.when || inv.when.fn(v) === true) inv.holds.fn(v); } catch {} }
    res.push([inv.id, (T() - a) / samples.length * 1000, inv.holds.mode]);
  }
  res.sort((x, y) => y[1] - x[1]);
  console.log(res.slice(0, 15).map(([id, us, m]) => `${us.toFixed(1)}us ${m} ${id}`).join('\n'));
  console.log('total', res.reduce((a, b) => a + b[1], 0).toFixed(1), 'us over', samples.length);
}
