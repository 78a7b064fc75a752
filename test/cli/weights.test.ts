/**
 * `--weights` (check and replay): the generator weights of a biased round, as a counterexample's
 * replay line names them. Bad values are usage errors: exit 2, one line, no stack trace.
 */
import { describe, expect, it } from 'vitest';
import { svcspec } from '../conformance/cli.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import { weightsOf } from '../../cli/commands/shared-flags.ts';
import { UsageError } from '../../cli/args.ts';
import { runCheck } from '../../properties/engine/check.ts';
import { modelSystem } from '../../properties/engine/system.ts';
import { allFaults } from '../properties/faults/index.ts';

const spec = loadSpec();

describe('--weights', () => {
  it('reads NAME=N over the catalogue and refuses what is not', () => {
    const w = weightsOf(spec, 'ping=9,connect-burst=0')!;
    expect(w.get('ping')).toBe(9);
    expect(w.get('connect-burst')).toBe(0);
    expect(w.get('probe')).toBe(spec.generators.find((g) => g.name === 'probe')!.weight);
    expect(weightsOf(spec, undefined)).toBeUndefined();
    for (const bad of ['ping=x', 'pign=2', 'ping', `${spec.generators.map((g) => `${g.name}=0`).join(',')}`]) expect(() => weightsOf(spec, bad), bad).toThrow(UsageError);
  });

  it('on the command line: exit 2 with the usage code and a suggestion, no stack trace', async () => {
    const r = await svcspec(['check', '--scope', 'tiny', '--runs', '1', '--weights', 'pign=2']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('svcspec: SVC014 --weights: no generator "pign" in spec/operations.yaml (did you mean "ping"?)');
    const replay = await svcspec(['replay', '--seed', '1', '--path', '0', '--scope', 'tiny', '--weights', 'ping=x']);
    expect(replay.code).toBe(2);
    expect(replay.stderr).not.toMatch(/\n\s+at /);
  });

  it("a counterexample found under other weights replays with the weights its replay line names", () => {
    const fault = allFaults.find((f) => f.invariant === 'traffic/spreads-load')!;
    const scope = spec.scopes.find((s) => s.name === 'small')!;
    const weights = weightsOf(spec, 'connect-burst=40')!;
    const sys = fault.wrap(modelSystem as never);
    const found = runCheck(spec, { scope, timing: 'sync', runs: 50, maxSteps: scope.maxSteps, seed: 3, only: [fault.invariant], weights }, sys);
    const c = found.counterexample!;
    expect(c.violation.invariant.id).toBe(fault.invariant);
    expect(c.replay).toContain('--weights connect-burst=40');
    const again = runCheck(spec, { scope, timing: 'sync', runs: 1, maxSteps: scope.maxSteps, seed: c.seed, path: c.path, only: [fault.invariant], weights: weightsOf(spec, c.weights) }, sys);
    expect(again.counterexample?.transcript.ops.length).toBe(c.transcript.ops.length);
  });
});
