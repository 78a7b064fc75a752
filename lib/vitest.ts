/**
 * `svcspec/vitest`: hold an implementation to the spec from a user's own vitest suite, and write
 * properties over the reference model with @fast-check/vitest.
 *
 *   import { conformAdapter, modelArbitrary } from 'svcspec/vitest';
 *   test('my adapter conforms', () => conformAdapter('python3 my_adapter.py', { runs: 50 }), 120_000);
 *
 * A failure throws with the text `svcspec conform` prints: the shrunk counterexample, what the
 * model answered instead, and the command that replays it.
 */
import { conform, type ConformOptions, type ConformReport, type Timing } from './index.ts';
import { counterexampleText, faultText, summaryLine } from '../cli/report/conform-report.ts';

export { modelArbitrary, operationsArbitrary, type ModelArbitraryOptions, type ModelRun } from './model-arbitrary.ts';

export class ConformanceFailure extends Error {
  override name = 'ConformanceFailure';
  constructor(readonly report: ConformReport) {
    super([summaryLine(report), report.counterexample ? counterexampleText(report) : '', report.fault ? faultText(report) : '', report.error ?? ''].filter(Boolean).join('\n'));
  }
}

export interface ConformAdapterOptions extends Omit<ConformOptions, 'adapter' | 'timing'> {
  /** One timing or several (default both: sync, then async). */
  readonly timing?: Timing | readonly Timing[];
}

/**
 * Runs `svcspec conform` against the command, for each timing; resolves to the reports when
 * everything held, throws a ConformanceFailure (its message is the counterexample) otherwise.
 */
export async function conformAdapter(command: string, o: ConformAdapterOptions = {}): Promise<ConformReport[]> {
  const timings: readonly Timing[] = o.timing === undefined ? ['sync', 'async'] : typeof o.timing === 'string' ? [o.timing] : o.timing;
  const reports: ConformReport[] = [];
  for (const timing of timings) {
    const r = await conform({ ...o, adapter: command, timing });
    reports.push(r);
    if (r.verdict !== 'ok') throw new ConformanceFailure(r);
  }
  return reports;
}
