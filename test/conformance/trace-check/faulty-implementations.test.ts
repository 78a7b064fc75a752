// The other half of the round trip: streams exported from deliberately faulty implementations must
// not check clean. The faults are the suite's realistic bugs (test/properties/faults/, among them
// kubernetes/kubernetes#103532, nodePorts reallocated on every update); each one `check` catches
// is exported through its observations, as any implementation under check would be, and
// `svcspec trace` must report the invariant the fault breaks.
import { describe, expect, it } from 'vitest';
import type { Operation } from '../../../model/index.ts';
import { runCheck } from '../../../properties/engine/check.ts';
import type { Scope } from '../../../properties/spec/types.ts';
import { DEFAULT_RUNS } from '../../../cli/commands/check.ts';
import { modelSystem } from '../../../properties/engine/system.ts';
import { allFaults } from '../../properties/faults/index.ts';
import { checkText, observedRun, spec, traced, violated } from './helpers.ts';

const tracedIds = new Set(traced.map((i) => i.id));

const apply = (object: Record<string, unknown>) => ({ op: 'apply', object }) as unknown as Operation;
/** Scripts that show a fault at once, for faults the random search needs a large budget to meet. */
const SCRIPTS: Record<string, Operation[]> = {
  'endpoints/no-terminal-pods': [
    apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } }),
    apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', labels: { app: 'web' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'app', ports: [{ containerPort: 8080 }] }] } }),
    { op: 'exit', namespace: 'default', pod: 'a', code: 0 } as Operation,
  ],
};
const faults = allFaults.filter((f) => tracedIds.has(f.invariant) && !f.knownMiss);

describe('a faulty implementation exports a stream svcspec trace rejects', () => {
  it('every trace invariant has a fault to export', () => {
    expect([...tracedIds].filter((id) => !faults.some((f) => f.invariant === id))).toEqual([]);
  });
  for (const fault of faults) {
    it(`${fault.invariant}: ${fault.description}`, async () => {
      const sys = fault.wrap(modelSystem as never);
      // check's own search as the faults suite runs it (the default budget, seed 42, the fault's scope
      // and then the other default one), or a script where that budget is not enough
      let found: { scope: Scope; ops: readonly Operation[] } | undefined;
      for (const name of [fault.scope, ...['small', 'medium'].filter((x) => x !== fault.scope)]) {
        const scope = spec.scopes.find((s) => s.name === name)!;
        const r = runCheck(spec, { scope, timing: fault.timing, runs: DEFAULT_RUNS, maxSteps: scope.maxSteps, seed: 42, only: [fault.invariant] }, sys);
        if (r.counterexample) {
          found = { scope, ops: r.counterexample.transcript.ops };
          break;
        }
      }
      const scope = found?.scope ?? spec.scopes.find((s) => s.name === fault.scope)!;
      const ops = found?.ops ?? SCRIPTS[fault.invariant];
      expect(ops, 'check finds the fault, or a script shows it').toBeDefined();
      const text = observedRun(sys, { ...scope.cluster, timing: fault.timing }, ops!);
      const report = await checkText(text, { file: `${fault.invariant.replaceAll('/', '-')}.json` });
      expect(violated(report)).toContain(fault.invariant);
    }, 240_000); // the check's budget is runs, not time: a long shrink on a loaded machine takes minutes
  }
});
