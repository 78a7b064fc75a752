/**
 * `svcspec run --check`: every invariant after every operation of a scenario, as `check` does on
 * generated sequences, so a reviewer can hold a rule to a sequence they wrote. Counts, per rule,
 * how often its precondition held (exercised) and how often it broke.
 */
import type { ClusterConfig, Observation } from '../../model/index.ts';
import { normalizeConfig } from '../../model/index.ts';
import { type InvariantStats, InvariantChecker, observationForCel } from '../engine/checker.ts';
import { RunHistory } from '../engine/history.ts';
import type { Spec } from '../spec/types.ts';
import type { BrokenRule, TransitionHook } from './run.ts';

export interface RuleCheck {
  readonly hook: TransitionHook;
  /** Per invariant id: checked, held (precondition true), violations. */
  readonly stats: ReadonlyMap<string, InvariantStats>;
}

export function ruleCheck(spec: Spec, cluster: ClusterConfig, only?: readonly string[]): RuleCheck {
  const config = normalizeConfig(cluster);
  const invariants = only?.length ? spec.invariants.filter((i) => only.some((o) => i.id === o || i.id.startsWith(`${o}/`))) : spec.invariants;
  const checker = new InvariantChecker(invariants, config.timing, config);
  const history = new RunHistory();
  const hook: TransitionHook = ({ step, prev, op, result, state }) => {
    if (prev === undefined || state === undefined) return [];
    const [prevCel, stateCel] = [observationForCel(prev as Observation), observationForCel(state as Observation)];
    const found = checker.checkAll(step, prevCel, op, result, stateCel, [], true, false, undefined, history.record(step, op, result, prevCel, stateCel));
    return found.map((v): BrokenRule => ({
      ok: false,
      invariant: v.invariant.id,
      statement: v.invariant.statement,
      ...(v.error !== undefined ? { error: v.error } : { value: v.value }),
    }));
  };
  return { hook, stats: checker.stats };
}
