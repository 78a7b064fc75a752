/**
 * `conform`: the check engine's random operation sequences, run on an implementation over the
 * adapter protocol with the reference model in lockstep. For each operation the runner
 *   1. resolves its `$` references against the model's observation (which holds the values the
 *      implementation chose, adopted on earlier steps), sends it, then asks for `observe`;
 *   2. runs the model's step, adopting the implementation's choices where they are allowed
 *      (conformance/adoption.ts), and notes a divergence when the implementation's result is not
 *      one the model allows, or (when nothing is pending) its observation is not the model's;
 *   3. checks every invariant on the implementation's own observations, as `check` does on the
 *      model's.
 * An invariant broken is the verdict even when an earlier step had already diverged (it names the
 * rule); a divergence alone fails the run at its end. A failing sequence is shrunk (re-`init`-ing
 * the implementation for every attempt) to a minimal one that fails the same way: the same
 * invariant, or the same kind of divergence on the same operation.
 */
import fc from 'fast-check';
import type { ClusterConfig, Observation, Operation, Result } from '../model/index.ts';
import { enabledInternalSteps, initialState, normalizeConfig, observe } from '../model/index.ts';
import { named, sequenceArb } from '../properties/arbitraries/operations.ts';
import { selectInvariants } from '../properties/engine/check.ts';
import { InvariantChecker, type InvariantStats, type Violation, observationForCel } from '../properties/engine/checker.ts';
import { type Change, diffObservations } from '../properties/engine/diff.ts';
import { Resolver } from '../properties/engine/resolve.ts';
import type { Invariant, Scope, Spec, Timing } from '../properties/spec/types.ts';
import { type ImplementationStep, adopt, replayAdopted } from './adoption.ts';
import { shellQuote } from './command-line.ts';
import { type Difference, observationDifferences } from './compare.ts';
import { AdapterFault, type FaultInfo, type FaultKind, Interrupted, RAW_TEXT, isIndefinite } from './protocol.ts';

/** What the runner drives: conformance/process-adapter.ts, or the in-process loopback-adapter.ts. */
export interface Adapter {
  init(cluster: ClusterConfig): Promise<void>;
  /** Sends the operations together; their results, in order. */
  exchange(ops: readonly Operation[]): Promise<Result[]>;
  /** Ends the implementation for a protocol fault the runner found; returns the fault to throw. */
  protocolFault(kind: FaultKind, message: string): AdapterFault;
}

export type SettlePolicy = 'never' | 'end' | 'each';
export type Verdict = 'ok' | 'violation' | 'unknown' | 'error';

/** The two checks that are not invariants of the spec but of conformance itself. */
export const CONFORMANCE_RULES = {
  result: {
    id: 'conform/result-allowed',
    statement: 'When the implementation answers an operation, its answer must be one the model allows from the same state (any allowed allocation or endpoint; a refusal compared by its reason).',
  },
  observation: {
    id: 'conform/observation-agrees',
    statement: 'When nothing is pending in the model, the implementation\'s observation must be the model\'s (its own choices adopted, uids aside).',
  },
} as const;

export interface AdapterCommand {
  readonly command: string;
  readonly shell: boolean;
  readonly timeoutMs: number;
}

export interface ConformOptions {
  readonly scope: Scope;
  readonly timing: Timing;
  readonly runs: number;
  readonly maxSteps: number;
  readonly seed: number;
  /** Replays one shrunk run (fast-check's path) instead of searching. */
  readonly path?: string;
  readonly only?: readonly string[];
  readonly settle: SettlePolicy;
  readonly adapter: AdapterCommand;
  readonly onRun?: (done: number, total: number) => void;
}

export interface ConformStep {
  readonly op: Operation;
  readonly implementation: Result;
  readonly model: Result;
  /** Added by the runner (the --settle policy), not generated. */
  readonly inserted?: boolean;
  /** The implementation could not say whether the operation happened (`definite: false`). */
  readonly indefinite?: boolean;
}

export type Divergence =
  | { readonly kind: 'result'; readonly step: number; readonly op: Operation; readonly differences: readonly Difference[]; readonly alternatives: readonly Result[] }
  | { readonly kind: 'observation'; readonly step: number; readonly op?: Operation; readonly differences: readonly Difference[] };

export type Failure =
  | { readonly kind: 'invariant'; readonly violation: Violation; readonly prev: Observation; readonly state: Observation }
  | Divergence;

export interface Execution {
  readonly steps: readonly ConformStep[];
  readonly failure?: Failure;
  /** The first divergence of the run (the failure itself, or one before the invariant broke). */
  readonly divergence?: Divergence;
  readonly indefinite: number;
}

type Target = { kind: 'invariant'; id: string } | { kind: 'result'; op: string } | { kind: 'observation' };

function targetOf(f: Failure): Target {
  if (f.kind === 'invariant') return { kind: 'invariant', id: f.violation.invariant.id };
  if (f.kind === 'result') return { kind: 'result', op: f.op.op };
  return { kind: 'observation' };
}

function matches(f: Failure | undefined, t: Target): boolean {
  if (!f || f.kind !== t.kind) return false;
  if (t.kind === 'invariant') return (f as { violation: Violation }).violation.invariant.id === t.id;
  if (t.kind === 'result') return (f as { op: Operation }).op.op === t.op;
  return true;
}

export function failureId(f: Failure): string {
  return f.kind === 'invariant' ? f.violation.invariant.id : CONFORMANCE_RULES[f.kind].id;
}

interface Mode {
  readonly checker: InvariantChecker;
  readonly count: boolean;
  /** Compare results and observations with the model (off while shrinking towards an invariant). */
  readonly compare: boolean;
  readonly target?: Target;
}

interface Context {
  readonly scope: Scope;
  readonly timing: Timing;
  readonly settle: SettlePolicy;
  /** Invariants that read `result` or `alternatives`: not checked after an indefinite result. */
  readonly resultReaders: ReadonlySet<string>;
  /** The operations of the sequence being run, as sent: what a fault report lists. */
  sent: Operation[];
}

function withSettle(templates: readonly Operation[], policy: SettlePolicy): { template: Operation; inserted: boolean }[] {
  const out: { template: Operation; inserted: boolean }[] = [];
  for (const t of templates) {
    out.push({ template: t, inserted: false });
    if (policy === 'each') out.push({ template: { op: 'settle' }, inserted: true });
  }
  if (policy === 'end' && templates.length > 0) out.push({ template: { op: 'settle' }, inserted: true });
  return out;
}

function observed(impl: Adapter, r: Result, after: string, prev?: { raw?: string; obs: Observation }): { raw?: string; obs: Observation } {
  if (!r.ok) throw impl.protocolFault('bad-message', `observe ${after} was answered ok: false (${JSON.stringify((r as { error?: unknown }).error)})`);
  const raw = (r as { [RAW_TEXT]?: string })[RAW_TEXT];
  // The same text as last time: the same observation object, so CEL values and verdicts are reused.
  if (raw !== undefined && raw === prev?.raw) return prev;
  return { raw, obs: (r as { state: Observation }).state };
}

const SECTIONS = ['nodes', 'pods', 'services', 'endpoints', 'ingresses', 'proxies', 'replicationControllers'] as const;

/** Two model observations built from states that share every section (observe reuses unchanged ones). */
function sameSections(a: Observation, b: Observation): boolean {
  return a.time === b.time && SECTIONS.every((k) => a[k] === b[k]);
}

/** Runs one sequence from a fresh cluster on the implementation and the model together. */
export async function execute(impl: Adapter, ctx: Context, templates: readonly Operation[], mode: Mode): Promise<Execution> {
  const cluster = { ...ctx.scope.cluster, timing: ctx.timing };
  ctx.sent = [];
  await impl.init(cluster);
  const initial = initialState(cluster);
  let model = initial;
  let modelObs = observe(model);
  // Pod IPs the implementation revealed (by its pod uid), and every step as adopted, so the model
  // can be replayed when a later observation shows an IP it had to choose blind (async timing).
  const learned = new Map<string, string>();
  const history: { op: Operation; impl: ImplementationStep; picks: readonly number[]; happened: boolean }[] = [];
  const [first] = await impl.exchange([{ op: 'observe' }]);
  let implSeen = observed(impl, first, 'after init');
  let implObs = implSeen.obs;
  // The last pair of observations found equal: an unchanged pair needs no second comparison.
  let agreed: { model: Observation; impl: Observation } | undefined;
  let prevCel = observationForCel(implObs);
  const steps: ConformStep[] = [];
  let divergence: Divergence | undefined;
  let indefinite = 0;
  const diverged = (d: Divergence): Execution | undefined => {
    divergence ??= d;
    return mode.target && matches(d, mode.target) ? { steps, failure: d, divergence: d, indefinite } : undefined;
  };
  if (mode.compare) {
    const differences = observationDifferences(modelObs, implObs);
    const done = differences.length ? diverged({ kind: 'observation', step: -1, differences }) : undefined;
    if (done) return done;
    if (!differences.length) agreed = { model: modelObs, impl: implObs };
  }
  const resolver = new Resolver();
  const sequence = withSettle(templates, ctx.settle);
  for (let i = 0; i < sequence.length; i++) {
    const op = named(resolver.resolve(sequence[i].template, modelObs));
    ctx.sent.push(op);
    const [implResult, obsResult] = await impl.exchange([op, { op: 'observe' }]);
    const seen = observed(impl, obsResult, `after request "${op.op}"`, implSeen);
    const implNext = seen.obs;
    const unsure = isIndefinite(implResult);
    const quiet = ctx.timing === 'sync' || enabledInternalSteps(model).length === 0;
    // In async timing only the API's own answers are comparable while work is pending: how far
    // the implementation's controllers have got is not something the model can know.
    const compareResult = mode.compare && !divergence && !unsure && (quiet || op.op === 'apply' || op.op === 'delete');
    const implStep: ImplementationStep = { result: implResult, before: implObs, after: implNext };
    const a = adopt(model, op, implStep, compareResult, learned);
    let next = a.outcome.state;
    let modelResult = a.outcome.result;
    let nextObs = observe(next);
    let happened = true;
    if (unsure) {
      // It may or may not have happened: the implementation's observation says which.
      indefinite++;
      if (observationDifferences(modelObs, implNext, 50).length < observationDifferences(nextObs, implNext, 50).length) {
        happened = false;
        next = model;
        nextObs = modelObs;
        modelResult = implResult;
      }
    }
    history.push({ op, impl: implStep, picks: a.picks, happened });
    if (learn(learned, implNext) && ipsDiffer(nextObs, implNext)) {
      next = initial;
      for (const h of history) if (h.happened) next = replayAdopted(next, h.op, h.impl, h.picks, learned).state;
      nextObs = observe(next);
    }
    steps.push({ op, implementation: implResult, model: modelResult, ...(sequence[i].inserted ? { inserted: true } : {}), ...(unsure ? { indefinite: true } : {}) });
    const nextCel = implNext === implObs ? prevCel : observationForCel(implNext);
    const skip = unsure ? (id: string) => ctx.resultReaders.has(id) : undefined;
    const [violation] = mode.checker.checkAll(i, prevCel, op, implResult, nextCel, [], mode.count, true, skip);
    if (violation) return { steps, failure: { kind: 'invariant', violation, prev: implObs, state: implNext }, divergence, indefinite };
    if (mode.compare && !divergence) {
      let done: Execution | undefined;
      if (a.allowed === false) done = diverged({ kind: 'result', step: i, op, differences: a.differences, alternatives: a.alternatives });
      else if ((ctx.timing === 'sync' || enabledInternalSteps(next).length === 0) && !(agreed && agreed.impl === implNext && sameSections(agreed.model, nextObs))) {
        const differences = observationDifferences(nextObs, implNext);
        if (differences.length) done = diverged({ kind: 'observation', step: i, op, differences });
        else agreed = { model: nextObs, impl: implNext };
      }
      if (done) return done;
    }
    resolver.record(op, modelResult.ok);
    model = next;
    modelObs = nextObs;
    implObs = implNext;
    implSeen = seen;
    prevCel = nextCel;
  }
  return { steps, failure: mode.target ? undefined : divergence, divergence, indefinite };
}

/** Records the pod IPs an observation shows; true when it showed one not known before. */
function learn(learned: Map<string, string>, obs: Observation): boolean {
  let grew = false;
  for (const p of obs.pods ?? []) {
    if (!p.uid || !p.ip || learned.get(p.uid) === p.ip) continue;
    learned.set(p.uid, p.ip);
    grew = true;
  }
  return grew;
}

function ipsDiffer(model: Observation, impl: Observation): boolean {
  const ips = new Map(impl.pods.map((p) => [`${p.namespace}/${p.name}`, p.ip]));
  return model.pods.some((p) => {
    const ip = ips.get(`${p.namespace}/${p.name}`);
    return ip !== undefined && ip !== '' && ip !== p.ip;
  });
}

export interface FaultReport extends FaultInfo {
  /** The operations of the sequence that was running, as sent (after its init). */
  readonly sent: readonly Operation[];
  /** Sequences completed before it. */
  readonly afterRuns: number;
}

export interface ConformCounterexample {
  readonly failure: Failure;
  readonly steps: readonly ConformStep[];
  readonly divergence?: Divergence;
  /** For an invariant: what changed in the implementation's observation at the breaking step. */
  readonly changes: readonly Change[];
  readonly seed: number;
  readonly path: string;
  readonly replay: string;
  readonly shrinks: number;
}

export interface ConformReport {
  readonly scope: string;
  readonly timing: Timing;
  readonly settle: SettlePolicy;
  readonly seed: number;
  readonly runs: number;
  readonly steps: number;
  readonly indefinite: number;
  readonly invariants: readonly { invariant: Invariant; stats: InvariantStats }[];
  readonly verdict: Verdict;
  readonly counterexample?: ConformCounterexample;
  readonly fault?: FaultReport;
  readonly interrupted?: boolean;
  /** A failure of the runner itself (a bug in svcspec), with its stack. */
  readonly error?: string;
}

export function replayCommand(o: ConformOptions, seed: number, path: string): string {
  const parts = [
    'npx svcspec conform --adapter', shellQuote(o.adapter.command), ...(o.adapter.shell ? ['--shell'] : []),
    `--seed ${seed}`, `--path ${path}`, `--scope ${o.scope.name}`, `--timing ${o.timing}`, `--max-steps ${o.maxSteps}`,
    `--settle ${o.settle}`, `--timeout-ms ${o.adapter.timeoutMs}`, ...(o.only?.length ? [`--only ${o.only.join(',')}`] : []),
  ];
  return parts.join(' ');
}

function readsResult(inv: Invariant): boolean {
  return [...(inv.when?.reads ?? []), ...inv.holds.reads].some((r) => /^(result|alternatives)(\.|$)/.test(r));
}

/** The whole search for one scope and timing on one running implementation. */
export async function runConform(spec: Spec, o: ConformOptions, impl: Adapter): Promise<ConformReport> {
  const invariants = selectInvariants(spec, o.timing, o.only);
  const config = normalizeConfig({ ...o.scope.cluster, timing: o.timing });
  const search: Mode = { checker: new InvariantChecker(invariants, o.timing, config), count: true, compare: true };
  const ctx: Context = { scope: o.scope, timing: o.timing, settle: o.settle, resultReaders: new Set(invariants.filter(readsResult).map((i) => i.id)), sent: [] };
  const arb = sequenceArb(spec.generators, o.scope, spec.domains, o.maxSteps);
  let runs = 0;
  let steps = 0;
  let indefinite = 0;
  let shrinking: Mode | undefined;
  let lastFailing: { templates: Operation[]; exec: Execution } | undefined;
  let fault: FaultReport | undefined;
  let interrupted = false;
  let error: string | undefined;
  const property = fc.asyncProperty(arb, async (templates) => {
    if (fault || interrupted || error) return true; // Stopped: let fast-check finish at once.
    try {
      const exec = await execute(impl, ctx, templates, shrinking ?? search);
      if (!shrinking) {
        runs++;
        steps += exec.steps.length;
        indefinite += exec.indefinite;
        o.onRun?.(runs, o.runs);
      }
      if (!exec.failure) return true;
      if (!shrinking) {
        const target = targetOf(exec.failure);
        const only = target.kind === 'invariant' ? invariants.filter((i) => i.id === target.id) : [];
        shrinking = { checker: new InvariantChecker(only, o.timing, config), count: false, compare: target.kind !== 'invariant', target };
      }
      lastFailing = { templates, exec };
      return false;
    } catch (e) {
      if (e instanceof AdapterFault) fault = { ...e.info, sent: [...ctx.sent], afterRuns: runs };
      else if (e instanceof Interrupted) interrupted = true;
      else error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      return true;
    }
  });
  const details = await fc.check(property, { seed: o.seed, numRuns: o.path ? 1 : o.runs, path: o.path, endOnFailure: false });
  const stats = invariants.map((invariant) => ({ invariant, stats: search.checker.stats.get(invariant.id)! }));
  const base = { scope: o.scope.name, timing: o.timing, settle: o.settle, seed: o.seed, runs, steps, indefinite, invariants: stats };
  const extra = { ...(fault ? { fault } : {}), ...(interrupted ? { interrupted } : {}), ...(error ? { error } : {}) };
  let counterexample: ConformCounterexample | undefined;
  if (details.failed && lastFailing?.exec.failure) {
    const { exec } = lastFailing;
    const f = exec.failure!;
    const path = details.counterexamplePath ?? '';
    counterexample = {
      failure: f,
      steps: exec.steps,
      ...(exec.divergence && exec.divergence !== f ? { divergence: exec.divergence } : {}),
      changes: f.kind === 'invariant' ? diffObservations(f.prev, f.state) : [],
      seed: details.seed,
      path,
      replay: replayCommand(o, details.seed, path),
      shrinks: details.numShrinks,
    };
  }
  const verdict: Verdict = fault || error ? 'error' : counterexample ? 'violation' : interrupted ? 'unknown' : 'ok';
  return { ...base, verdict, ...(counterexample ? { counterexample } : {}), ...extra };
}
