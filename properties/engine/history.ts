/**
 * The CEL variable `history`: every step of the run so far, oldest first and the current one last,
 * each `{step, op, result, time, prev, state}` with the observations around it. Rules that judge
 * many answers together (load spreading, session affinity) or elapsed time against the operations
 * that caused it (readiness after failing probes) read it; a rule that reads it is checked on runs
 * (check, conform, run --check), not on the explorer's states, which carry no history.
 */
import type { Operation, Result } from '../../model/index.ts';
import { toCelValue } from '../cel/index.ts';

const EMPTY: readonly unknown[] = Object.freeze([]);

export class RunHistory {
  private readonly entries: unknown[] = [];
  private list: readonly unknown[] = EMPTY;

  /** `prev` and `state` are the observations already converted for CEL (shared, not copied). */
  record(step: number, op: Operation, result: Result, prev: unknown, state: unknown): readonly unknown[] {
    const time = (state as { time?: unknown } | undefined)?.time ?? 0n;
    this.entries.push(Object.freeze({ step: BigInt(step), op: toCelValue(op), result: toCelValue(result), time, prev, state }));
    this.list = Object.freeze(this.entries.slice());
    return this.list;
  }

  get cel(): readonly unknown[] {
    return this.list;
  }
}

/** Whether an invariant's expressions read `history` (then it needs a run, not a state). */
export function readsHistory(reads: readonly string[]): boolean {
  return reads.some((r) => r === 'history' || r.startsWith('history.'));
}
