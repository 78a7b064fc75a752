import { allFaults } from './test/properties/faults/index.ts';
import { runCheck } from './properties/engine/check.ts';
import { loadSpec } from './properties/spec/load.ts';
import { modelSystem } from './properties/engine/system.ts';
const spec = loadSpec();
const pick = (f: any) => f.description.startsWith('the proxy never deletes the rules') || ['readiness/failure-threshold', 'readiness/restart-resets', 'edge/node-port-any-node'].includes(f.invariant) && /ignored: the first|not reset on restart|no forwarding/.test(f.description);
for (const f of allFaults.filter(pick)) {
  const scope = spec.scopes.find((s) => s.name === f.scope)!;
  const r = runCheck(spec, { scope, timing: f.timing, runs: 200, maxSteps: scope.maxSteps, seed: 42, only: [f.invariant] }, f.wrap(modelSystem as any));
  console.log(f.invariant, f.scope, r.counterexample?.violation.invariant.id ?? 'MISS', r.counterexample?.transcript.ops.length);
}
