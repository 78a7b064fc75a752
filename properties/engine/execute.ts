/**
 * One sequence of (template) operations run from a fresh cluster, every applicable invariant
 * checked after every step: the unit of work of check, its shrinking and its minimization.
 */
import type { Observation, Operation, Result } from '../../model/index.ts';
import { named } from '../arbitraries/operations.ts';
import type { Scope, Timing } from '../spec/types.ts';
import { type InvariantChecker, type Violation, observationForCel } from './checker.ts';
import { RunHistory } from './history.ts';
import { Resolver } from './resolve.ts';
import { type System, alternatives } from './system.ts';

export interface Transcript {
  readonly ops: readonly Operation[];
  readonly results: readonly Result[];
}

export interface Execution {
  readonly transcript: Transcript;
  readonly violation?: Violation;
  readonly prev?: Observation;
  readonly state?: Observation;
}

/** Runs one sequence of (template) operations from a fresh cluster, checking after every step. */
export function execute<S>(system: System<S>, scope: Scope, timing: Timing, templates: readonly Operation[], checker: InvariantChecker, count = true, afterStep?: (i: number) => void): Execution {
  const cluster = { ...scope.cluster, timing };
  const resolver = new Resolver();
  let s = system.init(cluster);
  let obs = system.observe(s);
  let prevCel = observationForCel(obs);
  const ops: Operation[] = [];
  const results: Result[] = [];
  const history = checker.needsHistory ? new RunHistory() : undefined;
  // The other answers a connect could have had cost a step each: only when a rule reads them.
  const withAlternatives = checker.needsAlternatives;
  for (let i = 0; i < templates.length; i++) {
    const state = s;
    const op = named(resolver.resolve(templates[i], obs, () => system.internalSteps?.(state) ?? []));
    const out = system.step(s, op);
    ops.push(op);
    results.push(out.result);
    resolver.record(op, out.result.ok);
    const next = system.observe(out.state);
    const nextCel = observationForCel(next);
    const alts = withAlternatives && op.op === 'connect' && out.result.ok ? alternatives(system, s, op) : [];
    const violation = checker.check(i, prevCel, op, out.result, nextCel, alts, count, history?.record(i, op, out.result, prevCel, nextCel));
    afterStep?.(i);
    if (violation) return { transcript: { ops, results }, violation, prev: obs, state: next };
    s = out.state;
    obs = next;
    prevCel = nextCel;
  }
  return { transcript: { ops, results } };
}
