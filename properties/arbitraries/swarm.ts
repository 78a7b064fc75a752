/**
 * Swarm testing (Groce et al., "Swarm Testing", ISSTA 2012): each run of `check` draws its own
 * configuration first — which of the scope's generators it uses at all, and a random multiplier
 * for the weight of each one it keeps — then its operations from those alone. A run without
 * `delete`, say, lets state pile up that a run with every generator keeps clearing away. The
 * draw is the run's first value, so fast-check's seed and path replay it; it never shrinks, so
 * shrinking removes and simplifies operations only within the run's own configuration.
 */
import fc from 'fast-check';
import type { GeneratorSpec } from '../spec/types.ts';

/** The chance that a generator at its catalogue weight is kept in a run. */
export const KEEP = 0.5;

/**
 * A kept generator's weight is multiplied by one of 1…MAX_MULTIPLIER, drawn uniformly per run:
 * 4 caught the hard faults sooner than 2 (bench/power.bench.ts, README).
 */
export const MAX_MULTIPLIER = 4;

/** The keep draw's resolution: a chance is compared with a uniform draw of 0…KEEP_SCALE-1. */
const KEEP_SCALE = 1 << 16;

/**
 * A generator whose catalogue entry `aims` at invariants (a walkthrough built for a rule that
 * rarely holds otherwise) is kept as if the bias boosted it this many times: the floor needs it.
 */
export const AIMED_BOOST = 4;

/**
 * The chance a generator is kept, given the weight the bias gives it and its catalogue weight:
 * 1 - (1 - KEEP)^boost, boost = weight / catalogue (at least AIMED_BOOST for an aimed generator).
 * At its catalogue weight, KEEP; boosted toward rules below the floor (four times, say), nearly
 * always (0.94): swarm must not hide the generators the floor needs most.
 */
export function keepChance(weight: number, catalogue: number, aimed = false): number {
  if (weight <= 0) return 0;
  const boost = Math.max(weight / Math.max(catalogue, 1), aimed ? AIMED_BOOST : 1);
  return 1 - (1 - KEEP) ** boost;
}

/** One run's configuration: the generators it draws from, with their weights for that run. */
export interface SwarmDraw {
  readonly kept: readonly GeneratorSpec[];
  /** How many generators it could have drawn from. */
  readonly of: number;
}

/** Builds a run's configuration from its uniform draws (pure, so tested apart from fast-check). */
export function swarmOf(generators: readonly GeneratorSpec[], catalogue: ReadonlyMap<string, number>, draws: readonly (readonly [keep: number, multiplier: number])[], fallback: number): SwarmDraw {
  const live = generators.filter((g) => g.weight > 0);
  const kept = live.filter((g, i) => draws[i][0] < keepChance(g.weight, catalogue.get(g.name) ?? g.weight, Boolean(g.aims?.length)) * KEEP_SCALE);
  const chosen = kept.length ? kept : [live[fallback % live.length]];
  const multiplier = new Map(live.map((g, i) => [g.name, draws[i][1]]));
  return { kept: chosen.map((g) => ({ ...g, weight: g.weight * multiplier.get(g.name)! })), of: live.length };
}

/**
 * A run's configuration over `generators` (the weights the bias gives them; those at 0 are never
 * kept), keep chances relative to the `catalogue` weights. Never empty: when every keep draw
 * fails, one generator, drawn uniformly, is kept.
 */
export function swarmArb(generators: readonly GeneratorSpec[], catalogue: ReadonlyMap<string, number>): fc.Arbitrary<SwarmDraw> {
  const live = generators.filter((g) => g.weight > 0);
  if (live.length === 0) throw new Error('swarm: no generator has a weight above 0');
  // noBias: fast-check's bias toward small integers would skew the keep chances.
  const uniform = (max: number) => fc.noBias(fc.integer({ min: 0, max }));
  const draws = fc.tuple(...live.map(() => fc.tuple(uniform(KEEP_SCALE - 1), uniform(MAX_MULTIPLIER - 1).map((m) => m + 1))));
  return fc.noShrink(fc.tuple(draws, uniform(live.length - 1))).map(([d, fallback]) => swarmOf(live, catalogue, d, fallback));
}
