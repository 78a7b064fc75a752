/**
 * `conform`: the check engine's random operation sequences, run on an implementation over the
 * adapter protocol with the reference model in lockstep (conformance/lockstep.ts runs one). An
 * invariant broken is the verdict even when an earlier step had already diverged from the model
 * (it names the rule); a divergence alone fails the run at its end. A failing sequence is shrunk
 * (re-`init`-ing the implementation for every attempt) to a minimal one that fails the same way:
 * the same invariant, or the same kind of divergence on the same operation.
 */
import type { CheckOptions } from '../properties/engine/check.ts';
import { outOfReachReason } from '../properties/engine/floor.ts';
import fc from 'fast-check';
import type { Operation, Supports } from '../model/index.ts';
import { normalizeConfig } from '../model/index.ts';
import { scopeGenerators, supportsGenerator } from '../properties/arbitraries/capabilities.ts';
import { NoGenerators, generatorOf, sequenceArb } from '../properties/arbitraries/operations.ts';
import { selectInvariants } from '../properties/engine/check.ts';
import { OneMinimal } from '../properties/engine/minimize.ts';
import { InvariantChecker, type InvariantStats } from '../properties/engine/checker.ts';
import { type Change, diffObservations } from '../properties/engine/diff.ts';
import type { Invariant, Scope, Spec, Timing } from '../properties/spec/types.ts';
import { shellQuote } from './command-line.ts';
import { type Adapter, type ConformStep, type Context, type Divergence, type Execution, type Failure, type Mode, type SettlePolicy, execute, targetOf } from './lockstep.ts';
import { knownNames } from './capabilities.ts';
import { AdapterFault, type FaultInfo, Interrupted } from './protocol.ts';

export { CONFORMANCE_RULES, failureId, type Adapter, type ConformStep, type Divergence, type Failure, type SettlePolicy } from './lockstep.ts';

export type Verdict = 'ok' | 'violation' | 'unknown' | 'error';

export interface AdapterCommand {
  readonly command: string;
  readonly shell: boolean;
  readonly timeoutMs: number;
}

/** What `check` takes, plus how to reach and settle the implementation. */
export interface ConformOptions extends CheckOptions {
  readonly settle: SettlePolicy;
  readonly adapter: AdapterCommand;
  /**
   * With `path`: run only these steps of the sequence it names (indices of its generated
   * operations, ascending), as the single-step deletion pass left them; nothing is shrunk further.
   */
  readonly steps?: readonly number[];
}

export interface FaultReport extends FaultInfo {
  /** The operations of the sequence that was running, as sent (after its init). */
  readonly sent: readonly Operation[];
  /** How many of `sent` were answered (the next one was being answered; those after it had been sent ahead). */
  readonly answered: number;
  /** Sequences completed before it. */
  readonly afterRuns: number;
  /** The command that runs the same sequence again; absent when it came at the first init (no sequence yet) or while shrinking (no path names that sequence). */
  readonly replay?: string;
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
  /** No single step can be deleted with the same failure kept (every deletion tried within MINIMIZE_BUDGET re-inits). */
  readonly oneMinimal: boolean;
  /** Re-inits spent on the deletion pass after shrinking. */
  readonly deletionsTried: number;
}

/** What a run left unexercised, so a pass is read for what it covers. */
export interface Unexercised {
  /** The scope's generators the implementation supports that no run drew. */
  readonly generators: readonly string[];
  /** The scope's generators left out because they use an operation or kind the implementation does not support. */
  readonly unsupportedGenerators: readonly string[];
  /** Operations and kinds of the contract outside the implementation's `supports` (empty without one). */
  readonly unsupported: { readonly operations: readonly string[]; readonly kinds: readonly string[] };
  /** Invariants whose precondition never held, with the scope's reason when it declares one out of reach. */
  readonly invariants: readonly { readonly id: string; readonly reason?: string }[];
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
  /** Whether answers and observations were compared with the model (not under --only without conform). */
  readonly compared: boolean;
  /** What the implementation declared in its init answer (absent: everything). */
  readonly supports?: Supports;
  readonly unexercised: Unexercised;
  readonly verdict: Verdict;
  readonly counterexample?: ConformCounterexample;
  readonly fault?: FaultReport;
  readonly interrupted?: boolean;
  /** A failure of the runner itself (a bug in svcspec), with its stack. */
  readonly error?: string;
}

/** A --path that does not fit the sequences these flags generate (another version, scope or budget). */
export class BadPath extends Error {
  constructor(readonly path: string) {
    super(`--path ${path} does not fit the sequences of this seed, scope, timing and --max-steps (printed by another version of svcspec, or with other flags?)`);
  }
}

/** A --steps index past the end of the sequence --path names. */
export class BadSteps extends Error {
  constructor(readonly index: number, readonly length: number) {
    super(`--steps names step ${index}, but the sequence of this --path has ${length} generated operations (0–${length - 1})`);
  }
}

export function replayCommand(o: ConformOptions, seed: number, path: string, steps?: readonly number[]): string {
  const parts = [
    'npx svcspec conform --adapter', shellQuote(o.adapter.command), ...(o.adapter.shell ? ['--shell'] : []),
    `--seed ${seed}`, `--path ${path}`, ...(steps ? [`--steps ${steps.join(',')}`] : []), `--scope ${o.scope.name}`, `--timing ${o.timing}`, `--max-steps ${o.maxSteps}`,
    `--settle ${o.settle}`, `--timeout-ms ${o.adapter.timeoutMs}`, ...(o.only?.length ? [`--only ${o.only.join(',')}`] : []),
  ];
  return parts.join(' ');
}

/** Shrinking attempts per counterexample (each one re-inits the implementation and replays a sequence). */
export const SHRINK_BUDGET = 200;
/** Re-inits the single-step deletion pass may spend after shrinking (properties/engine/minimize.ts). */
export const MINIMIZE_BUDGET = 200;

/** Generated operations a run got through (the settles the policy inserted are not generated). */
const templatesRun = (exec: Execution): number => exec.steps.filter((s) => !s.inserted).length;

/** Why a proxy rule went unjudged: the implementation declared no traffic. */
const NO_DATA_PLANE = 'the implementation supports no traffic (no connect or http): it has no proxies to judge';

/** An implementation that routes traffic (connect or http in its supports, or no supports at all). */
function hasDataPlane(supports: Supports | undefined): boolean {
  return !supports?.operations || supports.operations.some((op) => op === 'connect' || op === 'http');
}

/** Why a rule checked only after operations the implementation does not support went unjudged. */
function unsupportedAfter(inv: Invariant, supports: Supports | undefined): string | undefined {
  const ops = supports?.operations;
  if (!ops || !inv.after || [...inv.after].some((op) => ops.includes(op as never))) return undefined;
  return `it is checked only after ${[...inv.after].join(', ')}, which the implementation does not support`;
}

function readsProxies(inv: Invariant): boolean {
  return [...(inv.when?.reads ?? []), ...inv.holds.reads].some((r) => /^(prev|state)\.proxies/.test(r));
}

/** The contract's operations and kinds an implementation left out of its `supports`. */
function unsupportedNames(supports: Supports | undefined): Unexercised['unsupported'] {
  const known = knownNames();
  const runnerOwn = new Set(['observe', 'settle', 'sync']);
  return {
    operations: supports?.operations ? known.operations.filter((op) => !runnerOwn.has(op) && !supports.operations!.includes(op as never)) : [],
    kinds: supports?.kinds ? known.kinds.filter((k) => !supports.kinds!.includes(k as never)) : [],
  };
}

/** Whether a rule reads the operation's answer (`result`, `alternatives`), not only the observations. */
export function readsResult(inv: Invariant): boolean {
  return [...(inv.when?.reads ?? []), ...inv.holds.reads].some((r) => /^(result|alternatives)(\.|$)/.test(r));
}

/**
 * The whole search for one scope and timing on one running implementation. A run that only
 * diverged (no invariant broken) does not end the search at once: the remaining runs may break an
 * invariant, which names the rule. Only when none does is the first divergent run shrunk — found
 * again by a second pass with the same seed, which skips (without running) the runs before it.
 */
export async function runConform(spec: Spec, o: ConformOptions, impl: Adapter): Promise<ConformReport> {
  const selected = selectInvariants(spec, o.timing, o.only);
  let invariants = selected;
  const compare = !o.only?.length || o.only.some((x) => x === 'conform' || x.startsWith('conform/'));
  const config = normalizeConfig({ ...o.scope.cluster, timing: o.timing });
  let search: Mode = { checker: new InvariantChecker(invariants, o.timing, config), count: true, compare };
  const ctx: Context = { scope: o.scope, timing: o.timing, settle: o.settle, resultReaders: new Set(invariants.filter(readsResult).map((i) => i.id)), sent: [], answered: 0 };
  let runs = 0;
  let steps = 0;
  let indefinite = 0;
  const inScope = scopeGenerators(spec.generators, o.scope);
  const drawn = new Set<string>();
  let supports: Supports | undefined;
  const summary = () => {
    const unexercised: Unexercised = {
      generators: inScope.filter((g) => supportsGenerator(g, supports) && !drawn.has(g.name)).map((g) => g.name),
      unsupportedGenerators: inScope.filter((g) => !supportsGenerator(g, supports)).map((g) => g.name),
      unsupported: unsupportedNames(supports),
      invariants: [
        ...invariants.filter((i) => search.checker.stats.get(i.id)!.held === 0).map((i) => {
          const reason = outOfReachReason(o.scope, o.timing, i.id) ?? unsupportedAfter(i, supports);
          return reason ? { id: i.id, reason } : { id: i.id };
        }),
        ...selected.filter((i) => !invariants.includes(i)).map((i) => ({ id: i.id, reason: NO_DATA_PLANE })),
      ],
    };
    return { compared: compare, ...(supports ? { supports } : {}), unexercised };
  };
  const stats = () => invariants.map((invariant) => ({ invariant, stats: search.checker.stats.get(invariant.id)! }));
  const base = () => ({ scope: o.scope.name, timing: o.timing, settle: o.settle, seed: o.seed, runs, steps, indefinite, invariants: stats(), ...summary() });
  // The implementation says what it supports in its answer to init: the first init is sent now, and
  // the first run starts from it (ctx.fresh). The runner never sends what it does not support.
  let arb: fc.Arbitrary<Operation[]>;
  try {
    supports = await impl.init({ ...o.scope.cluster, timing: o.timing });
    ctx.fresh = true;
    if (!hasDataPlane(supports)) {
      // Nothing to judge proxies on: their rules and their comparison are left out, and reported so.
      invariants = selected.filter((i) => !readsProxies(i));
      search = { ...search, checker: new InvariantChecker(invariants, o.timing, config) };
      ctx.compareProxies = false;
    }
    // The same sequences as `check` with the same seed (for an implementation that supports
    // everything). Each shrinking attempt is a whole run through the process, so shrinking stops
    // after SHRINK_BUDGET attempts (the counterexample may then be a little longer than minimal).
    arb = fc.limitShrink(sequenceArb(spec.generators, o.scope, spec.domains, o.maxSteps, supports), SHRINK_BUDGET);
  } catch (e) {
    if (e instanceof AdapterFault) return { ...base(), verdict: 'error', fault: { ...e.info, sent: [], answered: 0, afterRuns: 0 } };
    if (e instanceof Interrupted) return { ...base(), verdict: 'unknown', interrupted: true };
    if (e instanceof NoGenerators) return { ...base(), verdict: 'error', error: `nothing to run: ${e.message} (scope ${o.scope.name} draws ${inScope.map((g) => g.name).join(', ')})` };
    throw e;
  }
  let shrinking: Mode | undefined;
  let lastFailing: { templates: Operation[]; exec: Execution } | undefined;
  /** The first run that diverged without breaking an invariant: its index, and what it did. */
  let divergent: { index: number; templates: Operation[]; exec: Execution } | undefined;
  let fault: FaultReport | undefined;
  let interrupted = false;
  let error: string | undefined;
  const stopped = () => fault !== undefined || interrupted || error !== undefined;
  /** The fast-check path of the sequence running, while it is one a path can name (not a shrinking attempt). */
  let runningPath: string | undefined;
  /** One call of the property; `first` is the mode of a run that is not a shrinking attempt; `index` its place in the pass. */
  const attempt = async (templates: Operation[], first: Mode, searching: boolean, index?: number): Promise<boolean> => {
    runningPath = shrinking || index === undefined ? undefined : (o.path ?? String(index));
    try {
      const exec = await execute(impl, ctx, templates, shrinking ?? first);
      if (!shrinking && first.count) {
        runs++;
        for (const t of templates.slice(0, templatesRun(exec))) {
          const g = generatorOf(t);
          if (g) drawn.add(g);
        }
        steps += exec.steps.length;
        indefinite += exec.indefinite;
        o.onRun?.(runs, o.runs);
      }
      if (!exec.failure) return true;
      if (!shrinking && searching && exec.failure.kind !== 'invariant' && !o.path) {
        divergent ??= { index: runs - 1, templates, exec };
        return true;
      }
      if (!shrinking) {
        const target = targetOf(exec.failure);
        const only = target.kind === 'invariant' ? invariants.filter((i) => i.id === target.id) : [];
        shrinking = { checker: new InvariantChecker(only, o.timing, config), count: false, compare: target.kind !== 'invariant', target };
      }
      lastFailing = { templates, exec };
      return false;
    } catch (e) {
      if (e instanceof AdapterFault) fault = { ...e.info, sent: [...ctx.sent], answered: ctx.answered, afterRuns: runs, ...(runningPath !== undefined ? { replay: replayCommand(o, o.seed, runningPath, o.steps) } : {}) };
      else if (e instanceof Interrupted) interrupted = true;
      else error = e instanceof Error ? (e.stack ?? e.message) : String(e);
      throw STOP;
    }
  };
  // Stopped (a fault, Ctrl-C, a runner error): fast-check ends the search (or the shrinking, keeping
  // the smallest failure so far) at once.
  const STOP = new fc.PreconditionFailure(true);
  let searchCalls = 0;
  let badSteps: BadSteps | undefined;
  const property = fc.asyncProperty(arb, (templates) => {
    if (stopped()) return Promise.reject(STOP);
    // A replay runs the one sequence its path names: past it, fast-check would go on through that
    // sequence's shrink siblings (runs nobody asked for), so the search ends there.
    if (o.path !== undefined && !shrinking && searchCalls > 0) return Promise.reject(STOP);
    // Steps picked from the path's sequence are not fast-check's value: its shrinks of the whole
    // sequence mean nothing for them, so each counts as passing and the replay keeps its own.
    if (o.steps && shrinking) return Promise.resolve(true);
    if (o.steps) {
      const past = o.steps.find((i) => i >= templates.length);
      if (past !== undefined) {
        badSteps = new BadSteps(past, templates.length);
        return Promise.reject(STOP);
      }
      templates = o.steps.map((i) => templates[i]);
    }
    return attempt(templates, search, true, shrinking ? undefined : searchCalls++);
  });
  let details: fc.RunDetails<[Operation[]]>;
  try {
    details = await fc.check(property, { seed: o.seed, numRuns: o.path ? 1 : o.runs, path: o.path, endOnFailure: false });
  } catch (e) {
    if (o.path && /replay/i.test(String(e))) throw new BadPath(o.path);
    throw e;
  }
  if (badSteps) throw badSteps;
  if (!details.failed && divergent && !stopped()) {
    const { index } = divergent;
    let calls = 0;
    const again = fc.asyncProperty(arb, (templates) => {
      if (stopped()) return Promise.reject(STOP);
      const n = calls++;
      return !shrinking && n < index ? Promise.resolve(true) : attempt(templates, { ...search, count: false }, false, n);
    });
    details = await fc.check(again, { seed: o.seed, numRuns: index + 1, endOnFailure: false });
    // Not reproduced (an implementation that is not deterministic): report the run as it was.
    if (!details.failed && !stopped()) lastFailing = { templates: divergent.templates, exec: divergent.exec };
  }
  // Stopped (Ctrl-C, SIGTERM) before the divergent run could be run again: report it as it was.
  const unreplayed = interrupted && divergent !== undefined && !lastFailing;
  if (unreplayed) lastFailing = { templates: divergent!.templates, exec: divergent!.exec };
  // fast-check shrinks values; deleting single steps (each a whole run) makes the sequence 1-minimal.
  const shrunk = lastFailing ? lastFailing.templates.slice(0, templatesRun(lastFailing.exec)) : [];
  const minimal = lastFailing && details.failed && !stopped() ? new OneMinimal(shrunk, MINIMIZE_BUDGET) : undefined;
  for (let c = minimal?.candidate(); c && minimal; c = minimal.candidate()) {
    let failedAgain: boolean;
    try {
      failedAgain = !(await attempt([...c], search, false));
    } catch {
      break;
    }
    minimal.tried(failedAgain ? templatesRun(lastFailing!.exec) : undefined);
  }
  const extra = { ...(fault ? { fault } : {}), ...(interrupted ? { interrupted } : {}), ...(error ? { error } : {}) };
  let counterexample: ConformCounterexample | undefined;
  if (lastFailing?.exec.failure && (details.failed || divergent)) {
    const { exec } = lastFailing;
    const f = exec.failure!;
    const path = details.counterexamplePath ?? '';
    // The replay runs the steps the deletion pass kept, picked from the path's sequence (or from
    // the steps this replay was given).
    const picked = minimal && minimal.kept.length < shrunk.length ? minimal.kept : undefined;
    const steps = o.steps && picked ? picked.map((i) => o.steps![i]) : (picked ?? o.steps);
    counterexample = {
      failure: f,
      // A divergence is the end of the story: what ran after it (searching for an invariant) is noise.
      steps: f.kind === 'invariant' ? exec.steps : exec.steps.slice(0, f.step + 1),
      ...(exec.divergence && exec.divergence !== f ? { divergence: exec.divergence } : {}),
      changes: f.kind === 'invariant' ? diffObservations(f.prev, f.state) : [],
      seed: details.seed,
      path,
      replay: path
        ? replayCommand(o, details.seed, path, steps)
        : `${unreplayed ? 'the search was stopped before it could run it again' : 'the run did not fail again when replayed (the implementation is not deterministic)'}; to run it again: ${replayCommand(o, o.seed, String(divergent!.index))}`,
      shrinks: details.numShrinks,
      oneMinimal: minimal?.oneMinimal ?? false,
      deletionsTried: minimal?.attemptsMade ?? 0,
    };
  }
  const verdict: Verdict = fault || error ? 'error' : counterexample ? 'violation' : interrupted ? 'unknown' : 'ok';
  return { ...base(), verdict, ...(counterexample ? { counterexample } : {}), ...extra };
}
