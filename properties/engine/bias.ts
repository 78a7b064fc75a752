/**
 * Coverage-guided bias. `check` runs its sequences in rounds; after each round the generators'
 * weights shift toward the invariants whose preconditions have held least, in proportion to how
 * often each generator's steps have made those preconditions hold so far, and toward the machine
 * transitions no run has taken yet, by how often each generator's runs reached the transition's
 * source state and fired its event. Pure arithmetic over counts: the same seed gives the same
 * rounds, the same weights and the same bytes out.
 */
import type { GeneratorSpec } from '../spec/types.ts';
import type { InvariantStats } from './checker.ts';
import { floorTarget } from './floor.ts';

/** How much weight the bias adds, as a multiple of the catalogue's total: 6 sends six draws in seven toward the rules below the floor. */
const BOOST = 6;

/**
 * The bias steers each rule toward AIM times the floor the whole budget will demand, not to the
 * floor it has reached: a search that stops just above the floor on one seed stops just below it
 * on the next (bench/floor-aim.bench.ts measures it over seeds).
 */
export const AIM = 1.1;

/** A missed transition's pull, beside a rule's (a quarter for being below the floor, up to 1). */
const TRANSITION_PULL = 0.25;

export type Weights = ReadonlyMap<string, number>;

/** A machine transition the runs have not taken yet (and no reason says they cannot). */
export interface MissedTransition {
  readonly machine: string;
  readonly from: string;
  readonly event: string;
}

/** Credit keys of what a run visited: a machine state, an event taken from any state. */
export const runStateKey = (machine: string, state: string) => `state ${machine} ${state}`;
export const runEventKey = (machine: string, event: string) => `event ${machine} ${event}`;

export function catalogueWeights(generators: readonly GeneratorSpec[]): Weights {
  return new Map(generators.map((g) => [g.name, g.weight]));
}

/** The generators with these weights (those at 0 are never drawn). */
export function weighted(generators: readonly GeneratorSpec[], w: Weights): GeneratorSpec[] {
  return generators.map((g) => ({ ...g, weight: w.get(g.name) ?? g.weight }));
}

/** `name=weight,…` for the weights that differ from the catalogue's: what `--weights` reads back. */
export function weightsFlag(generators: readonly GeneratorSpec[], w: Weights): string {
  return generators.filter((g) => (w.get(g.name) ?? g.weight) !== g.weight).map((g) => `${g.name}=${w.get(g.name)}`).join(',');
}

/**
 * A GeneratorCredit as plain data, entries in the order they were first met: credits absorbed in
 * run order list them as one credit over all those runs would (next() sums in that order).
 */
export interface CreditData {
  readonly steps: readonly (readonly [string, number])[];
  readonly hits: readonly (readonly [string, readonly (readonly [string, number])[]])[];
}

/** Which generators' steps made which preconditions hold, counted over the counted runs. */
export class GeneratorCredit {
  private readonly steps = new Map<string, number>();
  private readonly hits = new Map<string, Map<string, number>>();

  data(): CreditData {
    return { steps: [...this.steps], hits: [...this.hits].map(([id, byGenerator]) => [id, [...byGenerator]] as const) };
  }

  /** Adds the credit of later runs (a slice of runs that came after those counted here). */
  absorb(later: CreditData): void {
    for (const [g, n] of later.steps) this.steps.set(g, (this.steps.get(g) ?? 0) + n);
    for (const [id, list] of later.hits) this.credit(id, list);
  }

  /**
   * A run's machine coverage, credited to every generator by its steps in the run (a transition
   * needs its source state reached and its event fired, usually by different steps): keys
   * runStateKey and runEventKey of what the run visited.
   */
  recordRun(stepsByGenerator: ReadonlyMap<string, number>, visited: readonly string[]): void {
    for (const id of visited) this.credit(id, stepsByGenerator);
  }

  record(generator: string | undefined, held: readonly string[]): void {
    if (generator === undefined) return;
    this.steps.set(generator, (this.steps.get(generator) ?? 0) + 1);
    if (held.length === 0) return;
    const once: [string, number][] = [[generator, 1]];
    for (const id of held) this.credit(id, once);
  }

  /** Adds these generators' counts to what they have done for `id`. */
  private credit(id: string, counts: Iterable<readonly [string, number]>): void {
    let byGenerator = this.hits.get(id);
    if (!byGenerator) this.hits.set(id, (byGenerator = new Map()));
    for (const [g, n] of counts) byGenerator.set(g, (byGenerator.get(g) ?? 0) + n);
  }

  /**
   * The rules short of `aim` times their floor that can steer, each with its pull: a quarter for
   * being short at all, the rest by how far short. `growth` is how many times over the steps
   * checked so far the budget will check (the floor's share is of the final count). A rule out of
   * the scope's reach, or that nothing has reached and nothing aims at, cannot steer.
   */
  deficits(generators: readonly GeneratorSpec[], stats: ReadonlyMap<string, InvariantStats>, outOfReach: (id: string) => boolean, aim = AIM, growth = 1): (readonly [string, number])[] {
    const aimed = (id: string) => generators.some((g) => g.aims?.includes(id));
    const target = (s: InvariantStats) => Math.ceil(aim * floorTarget({ checked: s.checked * growth }));
    return [...stats].filter(([id, s]) => s.held < target(s) && !outOfReach(id) && (this.hits.has(id) || aimed(id))).map(([id, s]) => [id, 0.25 + (0.75 * (target(s) - s.held)) / target(s)] as const);
  }

  /** Whether runs have reached this transition's source state and fired its event, so generators can be credited for it. */
  canSteer(t: MissedTransition): boolean {
    return this.hits.has(runStateKey(t.machine, t.from)) && this.hits.has(runEventKey(t.machine, t.event));
  }

  /** Each generator's hit rate for this key, relative to the best generator's (1 for the best). */
  private relativeRates(id: string): Map<string, number> {
    const rates = [...(this.hits.get(id) ?? [])].map(([g, n]) => [g, n / (this.steps.get(g) ?? 1)] as const);
    const best = Math.max(0, ...rates.map(([, r]) => r));
    return new Map(best > 0 ? rates.map(([g, r]) => [g, r / best]) : []);
  }

  /**
   * The catalogue's weights plus BOOST times as much weight again, shared among the generators that
   * reached the invariants below the floor (deficits()), split among generators by the square of
   * their hit rate relative to the best (the best generator for a rule gets most of it) — and at
   * least half a share to the generators the catalogue says aim at it. The caller may add missed
   * machine transitions (CheckSearch does once no rule is below the floor): each pulls a
   * TRANSITION_PULL share toward the generators whose runs both reached its source state and fired
   * its event; one whose state or event no run has shown cannot steer.
   */
  next(generators: readonly GeneratorSpec[], stats: ReadonlyMap<string, InvariantStats>, outOfReach: (id: string) => boolean, missed: readonly MissedTransition[] = [], aim = AIM, growth = 1): Weights {
    const base = catalogueWeights(generators);
    const score = new Map<string, number>();
    const aimedAt = (id: string) => generators.filter((g) => g.aims?.includes(id)).map((g) => g.name);
    const deficits = this.deficits(generators, stats, outOfReach, aim, growth);
    const pulls = missed.filter((t) => this.canSteer(t)).map((t) => [this.relativeRates(runStateKey(t.machine, t.from)), this.relativeRates(runEventKey(t.machine, t.event))] as const);
    const total = deficits.reduce((a, [, d]) => a + d, 0) + TRANSITION_PULL * pulls.length;
    for (const [id, d] of deficits) {
      const relative = new Map([...this.relativeRates(id)].map(([g, r]) => [g, r ** 2]));
      // A generator built for the rule keeps at least half a share, reached or not yet.
      for (const g of aimedAt(id)) relative.set(g, Math.max(relative.get(g) ?? 0, 0.5));
      for (const [g, r] of relative) score.set(g, (score.get(g) ?? 0) + (d / total) * r);
    }
    for (const [state, event] of pulls) {
      for (const [g, r] of state) score.set(g, (score.get(g) ?? 0) + (TRANSITION_PULL * r * (event.get(g) ?? 0)) / total);
    }
    const sum = [...score.values()].reduce((a, b) => a + b, 0);
    if (sum === 0) return base;
    const boost = BOOST * [...base.values()].reduce((a, b) => a + b, 0);
    return new Map(generators.map((g) => [g.name, g.weight > 0 ? g.weight + Math.round((boost * (score.get(g.name) ?? 0)) / sum) : 0]));
  }
}
