/**
 * Runs a loaded scenario on an Implementation: each operation in order, each `expect` evaluated
 * with `state` (an observation taken now) and `last` (the previous step's result). Every step
 * yields one record, the unit of `svcspec run --json`.
 */
import type { ClusterConfig, Operation, Result } from '../../model/index.ts';
import { normalizeConfig } from '../../model/index.ts';
import { clusterVariable } from '../engine/checker.ts';
import { CelEvalError, fromCelValue, toCelValue } from '../cel/index.ts';
import type { Implementation } from '../engine/implementation.ts';
import type { Scenario, ScenarioStep } from './load.ts';

export interface ExpectOutcome {
  readonly ok: boolean;
  readonly expression: string;
  /** What the expression gave when it was not `true`. */
  readonly value?: unknown;
  readonly error?: string;
}

/** An invariant a step broke, as `run --check` reports it. */
export interface BrokenRule {
  readonly ok: false;
  readonly invariant: string;
  readonly statement: string;
  /** What `holds` gave instead of true, or the evaluation error. */
  readonly value?: unknown;
  readonly error?: string;
}

export interface StepRecord {
  readonly scenario: string;
  readonly step: number;
  /** The operation's name, `expect` for an expectation, `invariant` for a rule the step broke. */
  readonly op: string;
  readonly result: Result | ExpectOutcome | BrokenRule;
}

export interface ScenarioOutcome {
  readonly scenario: Scenario;
  readonly passed: boolean;
  readonly records: readonly StepRecord[];
}

async function evaluate(impl: Implementation, s: ScenarioStep, last: Result | undefined, cluster: ClusterConfig): Promise<ExpectOutcome> {
  const expr = s.expect!;
  const observed = await impl.step({ op: 'observe' });
  const state = observed.ok ? (observed as { state?: unknown }).state : undefined;
  try {
    const value = expr.fn({ state: toCelValue(state), last: toCelValue(last ?? null), cluster: toCelValue(clusterVariable(normalizeConfig(cluster))) });
    return value === true ? { ok: true, expression: expr.source } : { ok: false, expression: expr.source, value: fromCelValue(value) };
  } catch (e) {
    const message = e instanceof CelEvalError ? e.message : String(e);
    return { ok: false, expression: expr.source, error: message };
  }
}

/** Told of every operation with the observations around it (how `run --check` holds a scenario to the rules). */
export interface TransitionHook {
  (t: { readonly step: number; readonly prev: unknown; readonly op: Operation; readonly result: Result; readonly state: unknown }): readonly BrokenRule[];
}

async function observation(impl: Implementation): Promise<unknown> {
  const observed = await impl.step({ op: 'observe' });
  return observed.ok ? (observed as { state?: unknown }).state : undefined;
}

export async function runScenario(impl: Implementation, sc: Scenario, onRecord: (r: StepRecord) => void = () => {}, onTransition?: TransitionHook): Promise<ScenarioOutcome> {
  await impl.init(sc.cluster);
  let before = onTransition ? await observation(impl) : undefined;
  const records: StepRecord[] = [];
  let last: Result | undefined;
  let passed = true;
  const emit = (r: StepRecord) => {
    records.push(r);
    onRecord(r);
  };
  for (const s of sc.steps) {
    if (s.op) {
      last = await impl.step(s.op);
      emit({ scenario: sc.name, step: s.number, op: s.op.op, result: last });
      if (onTransition) {
        const after = await observation(impl);
        for (const broken of onTransition({ step: s.number, prev: before, op: s.op, result: last, state: after })) {
          passed = false;
          emit({ scenario: sc.name, step: s.number, op: 'invariant', result: broken });
        }
        before = after;
      }
    }
    if (s.expect) {
      const outcome = await evaluate(impl, s, last, sc.cluster);
      if (!outcome.ok) passed = false;
      emit({ scenario: sc.name, step: s.number, op: 'expect', result: outcome });
    }
  }
  return { scenario: sc, passed, records };
}
