/**
 * What swarm testing (`check --swarm`, ../arbitraries/swarm.ts) kept over a search's counted runs.
 * Each slice tallies its own runs; the search adds the slices' sums, so the mean in the report
 * does not depend on how a round was cut or which thread ran it.
 */
import type { Operation } from '../../model/index.ts';
import { swarmOfRun } from '../arbitraries/operations.ts';

/** What swarm testing drew over the counted runs: how many generators a run kept, on average, of how many. */
export interface SwarmStats {
  readonly meanKept: number;
  readonly of: number;
}

/** Plain sums (they cross to worker threads): runs drawn under swarm, generators they kept, the most they could. */
export interface SwarmSums {
  readonly runs: number;
  readonly kept: number;
  readonly of: number;
}

export class SwarmTally {
  private runs = 0;
  private kept = 0;
  private of = 0;

  /** A counted run: its configuration, if it was drawn under swarm testing. */
  record(templates: readonly Operation[]): void {
    const s = swarmOfRun(templates);
    if (!s) return;
    this.runs++;
    this.kept += s.kept.length;
    this.of = Math.max(this.of, s.of);
  }

  absorb(sums: SwarmSums): void {
    this.runs += sums.runs;
    this.kept += sums.kept;
    this.of = Math.max(this.of, sums.of);
  }

  sums(): SwarmSums {
    return { runs: this.runs, kept: this.kept, of: this.of };
  }

  /** The mean to two decimals (integer sums divided once, so the same for any cut of the runs). */
  stats(): SwarmStats | undefined {
    return this.runs ? { meanKept: Math.round((100 * this.kept) / this.runs) / 100, of: this.of } : undefined;
  }
}
