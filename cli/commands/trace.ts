/**
 * `svcspec trace FILE…`: check recordings of one cluster (kubectl watch streams, audit logs, List
 * snapshots; several files are merged by recorded time) against the spec's invariants, each in its
 * trace mode. Reports in reports/trace.json and trace.md; exit 1 on a violation, 2 on a recording
 * that cannot be read (printed as file:line:col: TRCnnn message).
 */
import { TraceError } from '../../conformance/trace/event.ts';
import type { TraceFormat } from '../../conformance/trace/detect.ts';
import { checkFiles } from '../../conformance/trace/run.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import { type FlagSpec, UsageError } from '../args.ts';
import { writeFile, writeJsonLine } from '../io.ts';
import { Progress } from '../progress.ts';
import { traceJson, traceMarkdown, traceText, verdictOf } from '../report/trace-report.ts';
import { junitXml } from '../report/junit.ts';
import { traceSuites } from '../report/junit-suites.ts';
import { ONLY_FLAG, checkOnly, junitFile, reportFlags } from './shared-flags.ts';

export const TRACE_FLAGS: FlagSpec = {
  format: { type: 'string', help: 'watch, audit or list (default: told from each file)' },
  window: { type: 'string', help: 'recorded time a membership rule may take to hold again: 500ms, 1s, 2.5s (default 1s)' },
  ...ONLY_FLAG,
  'no-order-check': { type: 'boolean', help: 'accept resourceVersions that go backwards for an object' },
  ...reportFlags('trace'),
};

/** `500ms`, `1s`, `1.5s`, `2m`, or a bare number of seconds, as milliseconds. */
export function parseWindow(text: string | undefined): number {
  if (text === undefined) return 1000;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--window needs a duration such as 500ms, 1s or 2.5s, got "${text}"`);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000;
}

export async function traceCommand(flags: Record<string, unknown>, positionals: string[]): Promise<number> {
  if (positionals.length === 0) throw new UsageError('trace needs at least one recording (a watch stream, an audit log or a List)');
  const format = flags.format as string | undefined;
  if (format !== undefined && !['watch', 'audit', 'list'].includes(format)) throw new UsageError(`--format must be watch, audit or list, not "${format}"`);
  const windowMs = parseWindow(flags.window as string | undefined);
  const spec = loadSpec();
  const only = flags.only as string[] | undefined;
  checkOnly(spec, only);
  const junit = junitFile(flags);
  const invariants = spec.invariants.filter((i) => !only?.length || only.some((o) => i.id === o || i.id.startsWith(`${o}/`)));
  const progress = new Progress();
  const t0 = performance.now();
  let report;
  try {
    report = await checkFiles(positionals, invariants, {
      format: format as TraceFormat | undefined,
      windowMs,
      checkOrder: flags['no-order-check'] !== true,
      onProgress: (f, n) => progress.bar('trace', Math.round(f * 1000), 1000, `${n} events`),
    });
  } catch (e) {
    progress.done();
    if (e instanceof TraceError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    if (e instanceof Error && 'code' in e && (e as { code?: string }).code === 'ENOENT') {
      process.stderr.write(`svcspec: SVC014 cannot read ${(e as { path?: string }).path ?? 'a file'}: no such file\n`);
      return 2;
    }
    throw e;
  }
  progress.done();
  const seconds = (performance.now() - t0) / 1000;
  const dir = (flags.reports as string) ?? 'reports';
  const json = traceJson(report);
  writeFile(`${dir}/trace.json`, `${JSON.stringify(json, null, 2)}\n`);
  writeFile(`${dir}/trace.md`, traceMarkdown(report));
  if (junit) writeFile(junit, junitXml('svcspec trace', traceSuites(report, positionals, seconds)));
  if (flags.json) writeJsonLine(json);
  else {
    process.stdout.write(`trace ${positionals.length === 1 ? positionals[0] : `${positionals.length} files`}: ${traceText(report)}\n`);
    process.stdout.write(`checked in ${seconds.toFixed(2)} s (${Math.round(report.events / Math.max(seconds, 1e-9))} events/s)\n`);
    for (const w of report.warnings.slice(0, 20)) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(`reports: ${dir}/trace.json, ${dir}/trace.md${junit ? `, ${junit}` : ''}\n`);
  }
  return verdictOf(report) === 'violation' ? 1 : 0;
}
