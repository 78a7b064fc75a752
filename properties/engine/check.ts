/**
 * `check`: random operation sequences (fast-check) run on a system, every applicable invariant
 * checked after every step; a failing sequence is shrunk to a minimal one and reported with its
 * seed and path, so one command replays it. Same seed, same bytes out.
 */
import fc from 'fast-check';
import type { Observation, Operation, Result } from '../../model/index.ts';
import { normalizeConfig } from '../../model/index.ts';
import { generatorOf, named, sequenceArb, swarmOfRun } from '../arbitraries/operations.ts';
import type { Invariant, Scope, Spec, Timing } from '../spec/types.ts';
import { GeneratorCredit, type Weights, catalogueWeights, weighted, weightsFlag } from './bias.ts';
import { type FloorVerdict, floorVerdict, outOfReachReason } from './floor.ts';
import { InvariantChecker, type InvariantStats, type Violation, observationForCel } from './checker.ts';
import { type Change, diffObservations } from './diff.ts';
import { RunHistory } from './history.ts';
import { OneMinimal } from './minimize.ts';
import { Resolver } from './resolve.ts';
import { type System, alternatives, modelSystem } from './system.ts';

export interface CheckOptions {
  readonly scope: Scope;
  readonly timing: Timing;
  readonly runs: number;
  readonly maxSteps: number;
  readonly seed: number;
  /** Replays one shrunk run (fast-check's path) instead of searching. */
  readonly path?: string;
  readonly only?: readonly string[];
  /** Fixed generator weights (a replay's, or `--weights`): no rounds of coverage-guided bias. */
  readonly weights?: Weights;
  /** Swarm testing (properties/arbitraries/swarm.ts): each run draws its own subset of the generators and their weights (`--swarm`). */
  readonly swarm?: boolean;
  readonly onRun?: (done: number, total: number) => void;
}

export interface Transcript {
  readonly ops: readonly Operation[];
  readonly results: readonly Result[];
}

export interface Counterexample {
  readonly violation: Violation;
  /** The shrunk generated operations, before their `$` references were resolved. */
  readonly templates: readonly Operation[];
  readonly transcript: Transcript;
  readonly changes: readonly Change[];
  readonly prev: Observation;
  readonly state: Observation;
  readonly seed: number;
  readonly path: string;
  /** The generator weights of the round that failed, as `--weights` takes them ('' = the catalogue's). */
  readonly weights: string;
  readonly replay: string;
  readonly shrinks: number;
  /** No single step can be deleted with the same invariant still broken (every deletion tried). */
  readonly oneMinimal: boolean;
  /** Sequences run to make it so, after fast-check's shrinking. */
  readonly deletionsTried: number;
  /** The generators the failing run drew from (swarm testing), in catalogue order. */
  readonly swarm?: readonly string[];
}

/** What swarm testing drew over the counted runs: how many generators a run kept, on average, of how many. */
export interface SwarmStats {
  readonly meanKept: number;
  readonly of: number;
}

export interface CheckReport {
  readonly scope: string;
  readonly timing: Timing;
  readonly seed: number;
  readonly runs: number;
  readonly steps: number;
  readonly invariants: readonly { invariant: Invariant; stats: InvariantStats; floor: FloorVerdict }[];
  readonly counterexample?: Counterexample;
  readonly swarm?: SwarmStats;
  /** When fast-check itself failed (an exception in the system under check). */
  readonly error?: string;
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
  for (let i = 0; i < templates.length; i++) {
    const state = s;
    const op = named(resolver.resolve(templates[i], obs, () => system.internalSteps?.(state) ?? []));
    const out = system.step(s, op);
    ops.push(op);
    results.push(out.result);
    resolver.record(op, out.result.ok);
    const next = system.observe(out.state);
    const nextCel = observationForCel(next);
    const alts = op.op === 'connect' && out.result.ok ? alternatives(system, s, op) : [];
    const violation = checker.check(i, prevCel, op, out.result, nextCel, alts, count, history?.record(i, op, out.result, prevCel, nextCel));
    afterStep?.(i);
    if (violation) return { transcript: { ops, results }, violation, prev: obs, state: next };
    s = out.state;
    obs = next;
    prevCel = nextCel;
  }
  return { transcript: { ops, results } };
}

/** Sequences the single-step deletion pass may run after shrinking (each is one run from a fresh cluster). */
export const MINIMIZE_BUDGET = 2_000;

export function replayCommand(o: CheckOptions, seed: number, path: string, weights = ''): string {
  const only = o.only?.length ? ` --only ${o.only.join(',')}` : '';
  const biased = weights ? ` --weights ${weights}` : '';
  const swarm = o.swarm ? ' --swarm' : '';
  return `npx svcspec replay --seed ${seed} --path ${path} --scope ${o.scope.name} --timing ${o.timing} --max-steps ${o.maxSteps}${only}${biased}${swarm}`;
}

export function selectInvariants(spec: Spec, timing: Timing, only?: readonly string[]): Invariant[] {
  return spec.invariants.filter((i) => i.timings.has(timing) && (!only?.length || only.some((o) => i.id === o || i.id.startsWith(`${o}/`))));
}

/** Runs per round of coverage-guided bias: after each, the weights shift toward the rules below the floor. */
export const ROUND_RUNS = 50;

export function runCheck<S>(spec: Spec, o: CheckOptions, system: System<S> = modelSystem as unknown as System<S>): CheckReport {
  const invariants = selectInvariants(spec, o.timing, o.only);
  const checker = new InvariantChecker(invariants, o.timing, normalizeConfig({ ...o.scope.cluster, timing: o.timing }));
  const credit = new GeneratorCredit();
  const unreachable = (id: string) => outOfReachReason(o.scope, o.timing, id) !== undefined;
  // A replay (or --weights) runs one fast-check run of the weights given; a search goes in rounds.
  const fixed = o.path !== undefined || o.weights !== undefined;
  const total = o.path ? 1 : o.runs;
  let weights = o.weights ?? catalogueWeights(spec.generators);
  let runs = 0;
  let steps = 0;
  const swarm = o.swarm ? new SwarmTally() : undefined;
  for (let round = 0; runs < total; round++) {
    const roundRuns = fixed ? total : Math.min(ROUND_RUNS, total - runs);
    const seed = fixed ? o.seed : o.seed + round;
    const arb = sequenceArb(weighted(spec.generators, weights), o.scope, spec.domains, o.maxSteps, undefined, swarm && catalogueWeights(spec.generators));
    let failed = false;
    const property = fc.property(arb, (templates) => {
      // Once a failure is found the calls are shrinking attempts: they do not count as coverage.
      const exec = execute(system, o.scope, o.timing, templates, checker, !failed, failed ? undefined : (i) => credit.record(generatorOf(templates[i]), checker.heldLastStep));
      if (!failed) {
        runs++;
        steps += exec.transcript.ops.length;
        swarm?.record(templates);
        o.onRun?.(runs, total);
      }
      if (exec.violation) failed = true;
      return exec.violation === undefined;
    });
    const details = fc.check(property, { seed, numRuns: roundRuns, path: o.path, endOnFailure: false });
    if (details.failed) return failure(spec, o, system, invariants, checker, { runs, steps, weights, swarm: swarm?.stats() }, details);
    if (!fixed) weights = credit.next(spec.generators, checker.stats, unreachable);
  }
  return base(o, invariants, checker, runs, steps, swarm?.stats());
}

/** Sums what swarm testing kept per counted run. */
class SwarmTally {
  private runs = 0;
  private kept = 0;
  private of = 0;

  record(templates: readonly Operation[]): void {
    const s = swarmOfRun(templates);
    if (!s) return;
    this.runs++;
    this.kept += s.kept.length;
    this.of = Math.max(this.of, s.of);
  }

  stats(): SwarmStats | undefined {
    return this.runs ? { meanKept: Math.round((100 * this.kept) / this.runs) / 100, of: this.of } : undefined;
  }
}

function base(o: CheckOptions, invariants: readonly Invariant[], checker: InvariantChecker, runs: number, steps: number, swarm?: SwarmStats): CheckReport {
  const stats = invariants.map((invariant) => {
    const s = checker.stats.get(invariant.id)!;
    return { invariant, stats: s, floor: floorVerdict(o.scope, o.timing, invariant.id, s) };
  });
  return { scope: o.scope.name, timing: o.timing, seed: o.seed, runs, steps, invariants: stats, ...(swarm ? { swarm } : {}) };
}

/** The failing run, shrunk by fast-check, then made 1-minimal by trying each single deletion. */
function failure<S>(spec: Spec, o: CheckOptions, system: System<S>, invariants: readonly Invariant[], checker: InvariantChecker, at: { runs: number; steps: number; weights: Weights; swarm?: SwarmStats }, details: fc.RunDetails<[Operation[]]>): CheckReport {
  const report = base(o, invariants, checker, at.runs, at.steps, at.swarm);
  if (!details.counterexample) return { ...report, error: String(details.errorInstance ?? 'fast-check failed') };
  const [shrunk] = details.counterexample;
  const rerun = (t: readonly Operation[]) => execute(system, o.scope, o.timing, t, new InvariantChecker(invariants, o.timing, normalizeConfig({ ...o.scope.cluster, timing: o.timing })), false);
  const first = rerun(shrunk);
  if (!first.violation) return { ...report, error: 'the counterexample did not reproduce (the system under check is not deterministic)' };
  const minimal = new OneMinimal(shrunk.slice(0, first.transcript.ops.length), MINIMIZE_BUDGET);
  for (let c = minimal.candidate(); c; c = minimal.candidate()) {
    const e = rerun(c);
    minimal.tried(e.violation?.invariant.id === first.violation.invariant.id ? e.transcript.ops.length : undefined);
  }
  const templates = [...minimal.result];
  const exec = rerun(templates);
  const path = details.counterexamplePath ?? '';
  const weights = weightsFlag(spec.generators, at.weights);
  const kept = swarmOfRun(shrunk)?.kept.map((g) => g.name);
  return {
    ...report,
    counterexample: {
      violation: exec.violation!,
      templates,
      transcript: exec.transcript,
      prev: exec.prev!,
      state: exec.state!,
      changes: diffObservations(exec.prev!, exec.state!),
      seed: details.seed,
      path,
      weights,
      replay: replayCommand(o, details.seed, path, weights),
      shrinks: details.numShrinks,
      oneMinimal: minimal.oneMinimal,
      deletionsTried: minimal.attemptsMade,
      ...(kept ? { swarm: kept } : {}),
    },
  };
}

/** The invariants of a run below the floor and not declared out of the scope's reach. */
export function belowFloor(r: CheckReport): { id: string; held: number; checked: number; missing: number }[] {
  return r.invariants.flatMap(({ invariant, stats, floor }) => (floor.status === 'below' ? [{ id: invariant.id, held: stats.held, checked: stats.checked, missing: floor.missing }] : []));
}

/** Invariants whose precondition held in no run at all: they checked nothing (a warning, and a failure in npm test). */
export function neverExercised(reports: readonly CheckReport[]): string[] {
  const held = new Map<string, number>();
  for (const r of reports) for (const { invariant, stats } of r.invariants) held.set(invariant.id, (held.get(invariant.id) ?? 0) + stats.held);
  return [...held].filter(([, n]) => n === 0).map(([id]) => id);
}
