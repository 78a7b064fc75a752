/**
 * `check`: random operation sequences (fast-check) run on a system, every applicable invariant
 * checked after every step; a failing sequence is shrunk to a minimal one and reported with its
 * seed and path, so one command replays it. Same seed, same bytes out.
 *
 * A search goes in rounds of coverage-guided bias (bias.ts); each round is cut into slices of runs
 * (check-slice.ts) that may run on other threads. The slices are added up in run order and the
 * first failure in run order ends the search, so the report does not depend on how many slices
 * there were or where they ran.
 */
import { type Observation, type Operation, normalizeConfig } from '../../model/index.ts';
import type { Invariant, Scope, Spec, Timing } from '../spec/types.ts';
import { AIM, GeneratorCredit, type Weights, catalogueWeights, weightsFlag } from './bias.ts';
import { type SliceFailure, type SliceResult, type SliceTask, runSlice } from './check-slice.ts';
import { type FloorVerdict, floorVerdict, outOfReachReason } from './floor.ts';
import { InvariantChecker, type InvariantStats, type Violation } from './checker.ts';
import { type Visited, coverageOf, markVisits, missedTransitions, transitionParts, unionVisited, visitsSinceMark } from './coverage.ts';
import { type Change, diffObservations } from './diff.ts';
import { type Transcript, execute } from './execute.ts';
import { OneMinimal } from './minimize.ts';
import { selectInvariants } from './select.ts';
import { type SwarmStats, SwarmTally } from './swarm-tally.ts';
import { type System, modelSystem } from './system.ts';

export { type Execution, type Transcript, execute } from './execute.ts';
export { selectInvariants } from './select.ts';
export type { SwarmStats } from './swarm-tally.ts';

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
  /** false turns off the pull toward missed machine transitions (bench/coverage-bias.bench.ts compares). */
  readonly transitionBias?: boolean;
  /** false steers rules to the floor they have reached, as before AIM (bench/floor-aim.bench.ts compares). */
  readonly floorAim?: boolean;
  /** false ends the search at `runs` even with a rule below the floor (bench/floor-aim.bench.ts compares). */
  readonly floorTopUp?: boolean;
  readonly onRun?: (done: number, total: number) => void;
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

export interface CheckReport {
  readonly scope: string;
  readonly timing: Timing;
  readonly seed: number;
  readonly runs: number;
  readonly steps: number;
  readonly invariants: readonly { invariant: Invariant; stats: InvariantStats; floor: FloorVerdict }[];
  readonly counterexample?: Counterexample;
  readonly swarm?: SwarmStats;
  /** Runs made past the budget because a rule was still below the floor (absent when none). */
  readonly topUp?: number;
  /** When fast-check itself failed (an exception in the system under check). */
  readonly error?: string;
}

/** Sequences the single-step deletion pass may run after shrinking (each is one run from a fresh cluster). */
export const MINIMIZE_BUDGET = 2_000;

export function replayCommand(o: CheckOptions, seed: number, path: string, weights = ''): string {
  const only = o.only?.length ? ` --only ${o.only.join(',')}` : '';
  const biased = weights ? ` --weights ${weights}` : '';
  const swarm = o.swarm ? ' --swarm' : '';
  return `npx svcspec replay --seed ${seed} --path ${path} --scope ${o.scope.name} --timing ${o.timing} --max-steps ${o.maxSteps}${only}${biased}${swarm}`;
}

/** Runs per round of coverage-guided bias: after each, the weights shift toward the rules below the floor. */
export const ROUND_RUNS = 50;

/** Rounds a missed machine transition pulls weight toward itself before it is given up on. */
export const TRANSITION_ROUNDS = 2;

/**
 * How many runs past the budget a search may make, as a share of the budget, while rules it can
 * steer are still below the floor and, at the rate each has held per run so far, all would reach
 * it within them: aiming above the floor makes it likely, this makes it hold on the seeds where a
 * rule's preconditions came in too few bursts (bench/floor-aim.bench.ts). A budget too small for
 * the floor (`--runs 5`) is not stretched.
 */
export const TOP_UP_SHARE = 0.5;

/**
 * One scope and timing's search, driven from outside: round() hands out the next round's slices,
 * absorb() takes their results in run order, finish() writes the report. Whoever runs the slices
 * (this thread, worker threads) gets the same report.
 */
export class CheckSearch {
  readonly invariants: Invariant[];
  /** Runs the search makes unless a run fails: the budget, plus the rounds topping up the floor. */
  private budget: number;
  private readonly stats: Map<string, InvariantStats>;
  private readonly credit = new GeneratorCredit();
  /** Rounds each missed transition (machine and transition) has pulled weight so far. */
  private readonly pulled = new Map<string, number>();
  private readonly fixed: boolean;
  private weights: Weights;
  private round = 0;
  private runs = 0;
  private steps = 0;
  private readonly visited: Visited[] = [];
  private readonly swarm?: SwarmTally;
  private failed?: SliceFailure;
  private error?: string;

  constructor(
    private readonly spec: Spec,
    private readonly o: CheckOptions,
    /** Slices per round: how many threads may share it. The report does not depend on it. */
    private readonly slices = 1,
  ) {
    this.invariants = selectInvariants(spec, o.timing, o.only);
    this.stats = new Map(this.invariants.map((i) => [i.id, { checked: 0, held: 0, violations: 0 }]));
    // A replay (or --weights) runs one fast-check run of the weights given; a search goes in rounds.
    this.fixed = o.path !== undefined || o.weights !== undefined;
    this.budget = o.path ? 1 : o.runs;
    this.weights = o.weights ?? catalogueWeights(spec.generators);
    if (o.swarm) this.swarm = new SwarmTally();
  }

  /** A rule the scope declares out of its reach in this timing: it cannot steer the bias. */
  private readonly outOfReach = (id: string) => outOfReachReason(this.o.scope, this.o.timing, id) !== undefined;

  /** Runs counted so far. */
  get done(): number {
    return this.runs;
  }

  /** Runs the search will have made, as far as it knows now. */
  get total(): number {
    return this.budget;
  }

  /** The next round's slices, in run order; undefined once the search is over. */
  next(): SliceTask[] | undefined {
    if (this.failed || this.error !== undefined) return undefined;
    if (this.runs >= this.budget) this.budget += this.topUpRuns();
    if (this.runs >= this.budget) return undefined;
    const roundRuns = this.fixed ? this.total : Math.min(ROUND_RUNS, this.total - this.runs);
    const seed = this.fixed ? this.o.seed : this.o.seed + this.round;
    this.round++;
    // A replay's path names one run and its shrinks: it is not cut.
    const count = this.o.path !== undefined ? 1 : Math.max(1, Math.min(this.slices, roundRuns));
    return Array.from({ length: count }, (_, i) => {
      const from = Math.floor((i * roundRuns) / count);
      const to = Math.floor(((i + 1) * roundRuns) / count);
      return {
        scope: this.o.scope.name,
        timing: this.o.timing,
        maxSteps: this.o.maxSteps,
        ...(this.o.only ? { only: this.o.only } : {}),
        seed,
        weights: [...this.weights],
        ...(this.o.swarm ? { swarm: true as const } : {}),
        path: this.o.path ?? String(from),
        runs: to - from,
        before: this.runs + from,
      };
    });
  }

  /** The round's slice results, in run order: added up to the first that failed, the rest dropped. */
  absorb(results: readonly SliceResult[]): void {
    for (const r of results) {
      this.runs += r.runs;
      this.steps += r.steps;
      this.invariants.forEach((inv, i) => {
        const s = this.stats.get(inv.id)!;
        const [checked, held, violations] = r.stats[i];
        s.checked += checked;
        s.held += held;
        s.violations += violations;
      });
      this.credit.absorb(r.credit);
      this.visited.push(r.visited);
      if (r.swarm) this.swarm?.absorb(r.swarm);
      if (r.failed || r.error !== undefined) {
        this.failed = r.failed;
        this.error = r.error;
        return;
      }
    }
    if (this.fixed) return;
    // Missed machine transitions pull only in a check of every rule (--only serves the rules it
    // names) and once no rule is below the floor (the floor is the report's promise; coverage comes
    // second); one still missed after TRANSITION_ROUNDS rounds of pull is most likely out of the
    // scope's reach (no cloud provider in it, say) and stops.
    const servingRules = this.o.transitionBias === false || this.o.only !== undefined || this.credit.deficits(this.spec.generators, this.stats, this.outOfReach, 1).length > 0;
    const missed = servingRules ? [] : coverageOf(unionVisited(this.visited)).flatMap((c) => missedTransitions(c).map((t) => ({ key: `${c.machine} ${t}`, machine: c.machine, ...transitionParts(t) })));
    const pulling = missed.filter((t) => (this.pulled.get(t.key) ?? 0) < TRANSITION_ROUNDS && this.credit.canSteer(t));
    for (const t of pulling) this.pulled.set(t.key, (this.pulled.get(t.key) ?? 0) + 1);
    const [aim, growth] = this.o.floorAim === false ? [1, 1] : [AIM, this.budget / this.runs];
    this.weights = this.credit.next(this.spec.generators, this.stats, this.outOfReach, pulling, aim, growth);
  }

  /**
   * One more round when rules are below the floor, the bias can steer each, and each, holding as
   * often per run as it has so far, would reach it within the runs the top-up has left; else 0.
   */
  private topUpRuns(): number {
    if (this.fixed || this.o.floorTopUp === false) return 0;
    const left = Math.ceil(this.o.runs * TOP_UP_SHARE) - (this.budget - this.o.runs);
    if (left <= 0) return 0;
    const steerable = new Set(this.credit.deficits(this.spec.generators, this.stats, this.outOfReach, 1).map(([id]) => id));
    const below = this.invariants.flatMap(({ id }) => {
      const s = this.stats.get(id)!;
      const verdict = floorVerdict(this.o.scope, this.o.timing, id, s);
      return verdict.status === 'below' ? [{ id, s, missing: verdict.missing }] : [];
    });
    const withinReach = below.every(({ id, s, missing }) => steerable.has(id) && s.held > 0 && (missing * this.runs) / s.held <= left);
    return below.length > 0 && withinReach ? Math.min(ROUND_RUNS, left) : 0;
  }

  /** The report, and the machine coverage of every run it counted, shrank or minimized. */
  finish<S>(system: System<S> = modelSystem as unknown as System<S>): { report: CheckReport; visited: Visited } {
    const report = { ...base(this.o, this.invariants, this.stats, this.runs, this.steps, this.swarm?.stats()), ...(this.runs > this.o.runs ? { topUp: this.runs - this.o.runs } : {}) };
    if (this.error !== undefined) return { report: { ...report, error: this.error }, visited: unionVisited(this.visited) };
    if (!this.failed) return { report, visited: unionVisited(this.visited) };
    markVisits();
    const failed = failure(this.spec, this.o, system, this.invariants, report, weightsFlag(this.spec.generators, this.weights), this.failed);
    return { report: failed, visited: unionVisited([...this.visited, visitsSinceMark()]) };
  }
}

/** A search on this thread, one slice per round unless told otherwise. */
export function searchCheck<S>(spec: Spec, o: CheckOptions, system: System<S> = modelSystem as unknown as System<S>, slices = 1): { report: CheckReport; visited: Visited } {
  const search = new CheckSearch(spec, o, slices);
  for (let tasks = search.next(); tasks; tasks = search.next()) {
    search.absorb(tasks.map((t) => runSlice(spec, t, system, (done) => o.onRun?.(t.before + done, search.total))));
  }
  return search.finish(system);
}

export function runCheck<S>(spec: Spec, o: CheckOptions, system: System<S> = modelSystem as unknown as System<S>): CheckReport {
  return searchCheck(spec, o, system).report;
}

function base(o: CheckOptions, invariants: readonly Invariant[], stats: ReadonlyMap<string, InvariantStats>, runs: number, steps: number, swarm?: SwarmStats): CheckReport {
  const rows = invariants.map((invariant) => {
    const s = stats.get(invariant.id)!;
    return { invariant, stats: s, floor: floorVerdict(o.scope, o.timing, invariant.id, s) };
  });
  return { scope: o.scope.name, timing: o.timing, seed: o.seed, runs, steps, invariants: rows, ...(swarm ? { swarm } : {}) };
}

/** The failing run, shrunk by fast-check, then made 1-minimal by trying each single deletion. */
function failure<S>(spec: Spec, o: CheckOptions, system: System<S>, invariants: readonly Invariant[], report: CheckReport, weights: string, failed: SliceFailure): CheckReport {
  const rerun = (t: readonly Operation[]) => execute(system, o.scope, o.timing, t, new InvariantChecker(invariants, o.timing, normalizeConfig({ ...o.scope.cluster, timing: o.timing })), false);
  const first = rerun(failed.shrunk);
  if (!first.violation) return { ...report, error: 'the counterexample did not reproduce (the system under check is not deterministic)' };
  const minimal = new OneMinimal(failed.shrunk.slice(0, first.transcript.ops.length), MINIMIZE_BUDGET);
  for (let c = minimal.candidate(); c; c = minimal.candidate()) {
    const e = rerun(c);
    minimal.tried(e.violation?.invariant.id === first.violation.invariant.id ? e.transcript.ops.length : undefined);
  }
  const templates = [...minimal.result];
  const exec = rerun(templates);
  return {
    ...report,
    counterexample: {
      violation: exec.violation!,
      templates,
      transcript: exec.transcript,
      prev: exec.prev!,
      state: exec.state!,
      changes: diffObservations(exec.prev!, exec.state!),
      seed: failed.seed,
      path: failed.path,
      weights,
      replay: replayCommand(o, failed.seed, failed.path, weights),
      shrinks: failed.shrinks,
      oneMinimal: minimal.oneMinimal,
      deletionsTried: minimal.attemptsMade,
      ...(failed.swarm ? { swarm: failed.swarm } : {}),
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
