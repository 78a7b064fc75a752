/**
 * Coverage-guided bias. `check` runs its sequences in rounds; after each round the generators'
 * weights shift toward the invariants whose preconditions have held least, in proportion to how
 * often each generator's steps have made those preconditions hold so far. Pure arithmetic over
 * counts: the same seed gives the same rounds, the same weights and the same bytes out.
 */
import type { GeneratorSpec } from '../spec/types.ts';
import type { InvariantStats } from './checker.ts';
import { floorDeficit, floorTarget } from './floor.ts';

/** How much weight the bias adds, as a multiple of the catalogue's total: 6 sends six draws in seven toward the rules below the floor. */
const BOOST = 6;

export type Weights = ReadonlyMap<string, number>;

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
    for (const [id, list] of later.hits) {
      let byGenerator = this.hits.get(id);
      if (!byGenerator) this.hits.set(id, (byGenerator = new Map()));
      for (const [g, n] of list) byGenerator.set(g, (byGenerator.get(g) ?? 0) + n);
    }
  }

  record(generator: string | undefined, held: readonly string[]): void {
    if (generator === undefined) return;
    this.steps.set(generator, (this.steps.get(generator) ?? 0) + 1);
    for (const id of held) {
      let byGenerator = this.hits.get(id);
      if (!byGenerator) this.hits.set(id, (byGenerator = new Map()));
      byGenerator.set(generator, (byGenerator.get(generator) ?? 0) + 1);
    }
  }

  /**
   * The catalogue's weights plus BOOST times as much weight again, shared among the generators that reached
   * the invariants below the floor: each such invariant gets a share of the boost by how far below
   * the floor it is (and a quarter share for being below at all),
   * split among generators by the square of their hit rate relative to the best (the best
   * generator for a rule gets most of it) — and at least half a share to the generators the
   * catalogue says aim at it. An invariant nothing has reached and nothing aims at cannot steer.
   */
  next(generators: readonly GeneratorSpec[], stats: ReadonlyMap<string, InvariantStats>, outOfReach: (id: string) => boolean): Weights {
    const base = catalogueWeights(generators);
    const score = new Map<string, number>();
    const aimedAt = (id: string) => generators.filter((g) => g.aims?.includes(id)).map((g) => g.name);
    // A rule's pull: a quarter for being below the floor at all, the rest by how far below it is.
    const deficits = [...stats].filter(([id, s]) => floorDeficit(s) > 0 && !outOfReach(id) && (this.hits.has(id) || aimedAt(id).length)).map(([id, s]) => [id, 0.25 + (0.75 * floorDeficit(s)) / floorTarget(s)] as const);
    const total = deficits.reduce((a, [, d]) => a + d, 0);
    for (const [id, d] of deficits) {
      const rates = [...(this.hits.get(id) ?? [])].map(([g, n]) => [g, n / this.steps.get(g)!] as const);
      const best = Math.max(0, ...rates.map(([, r]) => r));
      const relative = new Map(rates.map(([g, r]) => [g, (r / best) ** 2]));
      // A generator built for the rule keeps at least half a share, reached or not yet.
      for (const g of aimedAt(id)) relative.set(g, Math.max(relative.get(g) ?? 0, 0.5));
      for (const [g, r] of relative) score.set(g, (score.get(g) ?? 0) + (d / total) * r);
    }
    const sum = [...score.values()].reduce((a, b) => a + b, 0);
    if (sum === 0) return base;
    const boost = BOOST * [...base.values()].reduce((a, b) => a + b, 0);
    return new Map(generators.map((g) => [g.name, g.weight > 0 ? g.weight + Math.round((boost * (score.get(g.name) ?? 0)) / sum) : 0]));
  }
}
