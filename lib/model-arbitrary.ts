/**
 * The model's operation generators as fast-check arbitraries, for properties a user writes over
 * the reference model (with @fast-check/vitest or fc.assert): the same catalogue `svcspec check`
 * draws from (spec/operations.yaml), run on the model, so each value is a whole executed run.
 */
import fc from 'fast-check';
import type { ClusterConfig, Observation, Operation, Result } from '../model/index.ts';
import { type ClusterState, enabledInternalSteps, initialState, observe, step } from '../model/index.ts';
import { named, sequenceArb } from '../properties/arbitraries/operations.ts';
import { Resolver } from '../properties/engine/resolve.ts';
import { loadSpec } from '../properties/spec/load.ts';
import type { Spec, Timing } from '../properties/spec/types.ts';

export interface ModelRun {
  readonly cluster: ClusterConfig;
  /** The operations as run (the generators' `$` references resolved against the state). */
  readonly ops: readonly Operation[];
  readonly results: readonly Result[];
  /** The observation before the first operation, then after each: `observations.length === ops.length + 1`. */
  readonly observations: readonly Observation[];
  /** The model's state at the end (step it further with `step`). */
  readonly state: ClusterState;
}

export interface ModelArbitraryOptions {
  /** A scope of spec/scopes.yaml (default "small"): the cluster, names and value domains. */
  readonly scope?: string;
  readonly timing?: Timing;
  /** Operations per run (default: the scope's maxSteps). */
  readonly maxSteps?: number;
  readonly spec?: Spec;
}

/** Operation sequences as the generators draw them, before their `$` references are resolved. */
export function operationsArbitrary(o: ModelArbitraryOptions = {}): fc.Arbitrary<Operation[]> {
  const spec = o.spec ?? loadSpec();
  const scope = spec.scopes.find((s) => s.name === (o.scope ?? 'small'));
  if (!scope) throw new Error(`unknown scope "${o.scope}"; spec/scopes.yaml has ${spec.scopes.map((s) => s.name).join(', ')}`);
  return sequenceArb(spec.generators, scope, spec.domains, o.maxSteps ?? scope.maxSteps);
}

/** Runs of the reference model: generated operations applied from a fresh cluster of the scope. Shrinks as the operations do. */
export function modelArbitrary(o: ModelArbitraryOptions = {}): fc.Arbitrary<ModelRun> {
  const spec = o.spec ?? loadSpec();
  const scope = spec.scopes.find((s) => s.name === (o.scope ?? 'small'))!;
  const cluster: ClusterConfig = { ...scope?.cluster, timing: o.timing ?? 'sync' };
  return operationsArbitrary({ ...o, spec }).map((templates) => {
    const resolver = new Resolver();
    let state = initialState(cluster);
    const observations = [observe(state)];
    const ops: Operation[] = [];
    const results: Result[] = [];
    for (const template of templates) {
      const before = state;
      const op = named(resolver.resolve(template, observations[observations.length - 1], () => enabledInternalSteps(before)));
      const out = step(state, op);
      resolver.record(op, out.result.ok);
      state = out.state;
      ops.push(op);
      results.push(out.result);
      observations.push(observe(state));
    }
    return { cluster, ops, results, observations, state };
  });
}
