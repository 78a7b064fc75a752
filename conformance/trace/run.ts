// `svcspec trace` without the command line: read recordings (readers by format, merged by recorded
// time), check them (check.ts), and summarise per invariant. Pure of output: the CLI renders and
// writes what this returns. Errors in a recording are TraceErrors with file:line:col and a TRC code.
import { statSync } from 'node:fs';
import type { Invariant, TraceMode } from '../../properties/spec/types.ts';
import { type TraceFormat, readTrace } from './detect.ts';
import { type SourcePos, type TraceEvent, type TraceStats, newStats } from './event.ts';
import { TraceChecker, type TraceCheckOptions, type TraceViolation } from './check.ts';
import { mergeByTime } from './merge.ts';

export type Verdict = 'ok' | 'violation' | 'unknown';

export interface InvariantOutcome {
  readonly id: string;
  readonly statement: string;
  readonly mode: TraceMode;
  readonly verdict: Verdict;
  /** Slices evaluated, failures seen (healed or not), violations, window failures healed in time. */
  readonly evaluated: number;
  readonly failed: number;
  readonly violations: number;
  readonly healed: number;
  readonly skipped: number;
  /** Why the verdict is unknown. */
  readonly reason?: string;
}

export interface TraceReport {
  readonly files: readonly string[];
  readonly format?: TraceFormat;
  readonly windowMs: number;
  readonly events: number;
  readonly eventsByKind: Readonly<Record<string, number>>;
  readonly liveObjects: number;
  readonly peakLiveObjects: number;
  /** Objects the recording names but does not show (audit Metadata/Request level): not checked. */
  readonly opaqueObjects: number;
  readonly firstTime?: string;
  readonly lastTime?: string;
  readonly invariants: readonly InvariantOutcome[];
  readonly violations: readonly TraceViolation[];
  readonly warnings: readonly string[];
  readonly skippedKinds: Readonly<Record<string, number>>;
  readonly skippedAudit: Readonly<Record<string, number>>;
  readonly unseenObjects: number;
}

export interface CheckFilesOptions extends TraceCheckOptions {
  readonly format?: TraceFormat;
  readonly checkOrder?: boolean;
  /** Called now and then with the fraction of the input read (0..1) and the events so far. */
  readonly onProgress?: (fraction: number, events: number) => void;
}

/** Checks the files as one recording of one cluster; throws TraceError on a broken recording. */
export async function checkFiles(files: readonly string[], invariants: readonly Invariant[], opts: CheckFilesOptions = {}): Promise<TraceReport> {
  const stats = files.map(() => newStats());
  const warnings: string[] = [];
  const onWarning = (m: string, pos?: SourcePos) => {
    warnings.push(pos ? `${pos.file}:${pos.line}:${pos.column}: ${m}` : m);
  };
  const checker = new TraceChecker(invariants, { ...opts, onWarning });
  const sizes = files.map((f) => { try { return statSync(f).size; } catch { return 0; } });
  const total = sizes.reduce((a, b) => a + b, 0) || 1;
  const readAt = files.map(() => 0);
  const streams = files.map((f, i) => readTrace(f, opts.format, { stats: stats[i], onWarning, checkOrder: opts.checkOrder })[Symbol.asyncIterator]());
  const fileIndex = new Map(files.map((f, i) => [f, i]));
  await feed(checker, mergeByTime(streams), (ev) => {
    if (!opts.onProgress) return;
    const i = fileIndex.get(ev.source.file) ?? 0;
    readAt[i] = ev.source.index;
    if ((checker.events & 1023) === 0) opts.onProgress(Math.min(1, readAt.reduce((a, b) => a + b, 0) / total), checker.events);
  });
  const merged = newStats();
  for (const s of stats) {
    merged.unseenObjects += s.unseenObjects;
    for (const [k, n] of Object.entries(s.skippedKinds)) merged.skippedKinds[k] = (merged.skippedKinds[k] ?? 0) + n;
    for (const [k, n] of Object.entries(s.skippedAudit)) merged.skippedAudit[k] = (merged.skippedAudit[k] ?? 0) + n;
  }
  return summarize(checker, invariants, { files, format: opts.format, windowMs: opts.windowMs ?? 1000, stats: merged, warnings });
}

/** Feeds a stream to a checker and finishes it. */
export async function feed(checker: TraceChecker, events: AsyncIterable<TraceEvent> | Iterable<TraceEvent>, onEvent?: (ev: TraceEvent) => void): Promise<void> {
  for await (const ev of events) {
    checker.event(ev);
    onEvent?.(ev);
  }
  checker.finish();
}

export function summarize(checker: TraceChecker, invariants: readonly Invariant[],
  ctx: { files: readonly string[]; format?: TraceFormat; windowMs: number; stats?: TraceStats; warnings?: readonly string[] }): TraceReport {
  const rules = new Map(checker.rules.map((r) => [r.id, r]));
  const outcomes = invariants.map((inv): InvariantOutcome => {
    const r = rules.get(inv.id);
    const base = { id: inv.id, statement: inv.statement, mode: inv.trace };
    if (!r) return { ...base, verdict: 'unknown', evaluated: 0, failed: 0, violations: 0, healed: 0, skipped: 0, reason: 'a recording cannot show it (trace: none)' };
    const s = r.stats;
    const counts = { evaluated: s.evaluated, failed: s.failed, violations: s.violations, healed: s.healed, skipped: s.skipped };
    if (s.violations > 0) return { ...base, mode: r.mode, verdict: 'violation', ...counts };
    if (s.evaluated === 0) {
      const reason = s.skipped > 0 ? 'the recording does not show the Pods or Endpoints of the namespaces involved' : 'the recording holds nothing it applies to';
      return { ...base, mode: r.mode, verdict: 'unknown', ...counts, reason };
    }
    return { ...base, mode: r.mode, verdict: 'ok', ...counts };
  });
  const iso = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? undefined : new Date(ms).toISOString());
  const st = ctx.stats ?? newStats();
  return {
    files: ctx.files,
    ...(ctx.format ? { format: ctx.format } : {}),
    windowMs: ctx.windowMs,
    events: checker.events,
    eventsByKind: checker.eventsByKind,
    liveObjects: checker.store.size,
    peakLiveObjects: checker.store.peak,
    opaqueObjects: checker.store.opaque.size,
    ...(iso(checker.firstTime) ? { firstTime: iso(checker.firstTime) } : {}),
    ...(iso(checker.clock) ? { lastTime: iso(checker.clock) } : {}),
    invariants: outcomes,
    violations: checker.violations,
    warnings: ctx.warnings ?? checker.warnings,
    skippedKinds: st.skippedKinds,
    skippedAudit: st.skippedAudit,
    unseenObjects: st.unseenObjects,
  };
}
