/**
 * svcspec as a library: `import { check, explore, conform, trace, run, loadSpec, step } from 'svcspec'`.
 * This file is the whole public surface; each function is a thin wrapper over the engine the CLI
 * command of the same name drives (docs/library.md has examples). Options take scope names as
 * spec/scopes.yaml spells them; results are the engines' own reports.
 */
import { initialState, observe } from '../model/index.ts';
import { type CheckReport, runCheck } from '../properties/engine/check.ts';
import { ModelImplementation } from '../properties/engine/implementation.ts';
import { type ScopeExploration, type ScopeExplorationOptions, exploreScope } from '../properties/explore/explore-scope.ts';
import { type Scenario, loadScenario } from '../properties/scenario/load.ts';
import { type ScenarioOutcome, runScenario } from '../properties/scenario/run.ts';
import { loadSpec } from '../properties/spec/load.ts';
import { scopeNamed } from '../properties/spec/scope-named.ts';
import type { Scope, Spec, Timing } from '../properties/spec/types.ts';
import { ProcessAdapter } from '../conformance/process-adapter.ts';
import { type ConformReport, type SettlePolicy, runConform } from '../conformance/runner.ts';
import { type CheckFilesOptions, type TraceReport, checkFiles } from '../conformance/trace/run.ts';

export type * from '../model/contract/types.generated.ts';
export type { ClusterState, StepOutcome, Chooser } from '../model/index.ts';
export type { CheckReport, Counterexample } from '../properties/engine/check.ts';
export type { ExploreReport, InvariantVerdict } from '../properties/explore/explore.ts';
export type { ScopeExploration } from '../properties/explore/explore-scope.ts';
export type { ConformReport, ConformCounterexample } from '../conformance/runner.ts';
export type { TraceReport } from '../conformance/trace/run.ts';
export type { Wrapper, StepFn } from '../conformance/serve-loop.ts';
export type { Scenario } from '../properties/scenario/load.ts';
export type { ScenarioOutcome, StepRecord } from '../properties/scenario/run.ts';
export type { Invariant, Scope, Spec, Timing } from '../properties/spec/types.ts';
export { InputError, formatDiagnostic, type Diagnostic } from '../properties/load/diagnostics.ts';
export { loadSpec, loadScenario, initialState, observe };
// step(state, op) → { state, result }: pure; the state is persistent, so the old one stays valid.
export { step, seededChooser, canonicalChooser } from '../model/index.ts';

/**
 * The reference model as an adapter on stdin/stdout (what `svcspec serve` runs). With a Wrapper,
 * the reference with a change put in — how examples/mutants write an implementation with one bug.
 */
export { serveStdio as serveAdapter } from '../conformance/serve-loop.ts';

/** Which spec to use: the one shipped with the package unless given (loadSpec('path/to/spec')). */
interface WithSpec {
  readonly spec?: Spec;
}

export interface RandomRunOptions extends WithSpec {
  /** A scope of spec/scopes.yaml (default "small"). */
  readonly scope?: string;
  /** Default "sync". */
  readonly timing?: Timing;
  /** Random sequences (default 200). */
  readonly runs?: number;
  /** Operations per sequence (default: the scope's maxSteps). */
  readonly maxSteps?: number;
  /** Default 0: the same seed gives the same sequences and the same report. */
  readonly seed?: number;
  /** Replay one shrunk run (the path a report printed) instead of searching. */
  readonly path?: string;
  /** Only these invariants (ids or id prefixes). */
  readonly only?: readonly string[];
}

function randomRun(o: RandomRunOptions) {
  const spec = o.spec ?? loadSpec();
  const scope = scopeNamed(spec, o.scope ?? 'small');
  return { spec, scope, timing: o.timing ?? ('sync' as Timing), runs: o.runs ?? 200, maxSteps: o.maxSteps ?? scope.maxSteps, seed: o.seed ?? 0, path: o.path, only: o.only };
}

/** `svcspec check` for one scope and timing: random sequences on the reference model, every invariant after every step. */
export function check(o: RandomRunOptions = {}): CheckReport {
  const { spec, ...opts } = randomRun(o);
  return runCheck(spec, opts);
}

export interface ExploreOptions extends WithSpec, ScopeExplorationOptions {
  /** A scope of spec/scopes.yaml with an explore section. */
  readonly scope: string;
}

/** `svcspec explore` for one scope: `violated` lists the invariants broken within the bound (with shortest traces). */
export function explore(o: ExploreOptions): ScopeExploration {
  const spec = o.spec ?? loadSpec();
  return exploreScope(spec, scopeNamed(spec, o.scope), o);
}

export interface ConformOptions extends RandomRunOptions {
  /** The command that starts the implementation (run without a shell unless `shell`). */
  readonly adapter: string;
  readonly shell?: boolean;
  /** How long each answer may take (default 10000 ms). */
  readonly timeoutMs?: number;
  /** When a settle is sent: never, at the end of each sequence (default) or after every operation. */
  readonly settle?: SettlePolicy;
}

/** `svcspec conform` for one scope and timing: starts the adapter, drives it, stops it. */
export async function conform(o: ConformOptions): Promise<ConformReport> {
  const { spec, ...opts } = randomRun(o);
  const adapter = { command: o.adapter, shell: o.shell === true, timeoutMs: o.timeoutMs ?? 10_000 };
  const impl = new ProcessAdapter(adapter);
  try {
    return await runConform(spec, { ...opts, settle: o.settle ?? 'end', adapter }, impl);
  } finally {
    await impl.close();
  }
}

export interface TraceOptions extends WithSpec, Pick<CheckFilesOptions, 'format' | 'windowMs'> {
  readonly only?: readonly string[];
}

/** `svcspec trace`: recordings of one cluster (watch streams, audit logs, Lists) against the invariants. */
export async function trace(files: readonly string[], o: TraceOptions = {}): Promise<TraceReport> {
  const spec = o.spec ?? loadSpec();
  const invariants = spec.invariants.filter((i) => !o.only?.length || o.only.some((x) => i.id === x || i.id.startsWith(`${x}/`)));
  return checkFiles(files, invariants, { format: o.format, windowMs: o.windowMs });
}

/** `svcspec run` for one scenario (a file, or one already loaded): `passed` and every step's record. */
export async function run(scenario: string | Scenario): Promise<ScenarioOutcome> {
  return runScenario(new ModelImplementation(), typeof scenario === 'string' ? loadScenario(scenario) : scenario);
}
