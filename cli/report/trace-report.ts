/**
 * The trace report, rendered by pure functions: data in, text out. trace.json is the TraceReport
 * itself (stable keys, no clock readings of this run: only times the recording carries); trace.md
 * is the same for people: a table of invariants with verdict and counts, then each violation with
 * the objects involved and the events that led to it (position, resourceVersion, recorded time).
 */
import type { EventRef } from '../../conformance/trace/live.ts';
import type { TraceReport } from '../../conformance/trace/run.ts';
import type { TraceViolation } from '../../conformance/trace/check.ts';

export function traceJson(r: TraceReport): unknown {
  return { tool: 'svcspec trace', verdict: verdictOf(r), ...r };
}

export function verdictOf(r: TraceReport): 'ok' | 'violation' {
  return r.invariants.some((i) => i.verdict === 'violation') ? 'violation' : 'ok';
}

const MARK = { ok: '✓', violation: '✗', unknown: '?' } as const;

export function eventText(e: EventRef): string {
  const rv = e.resourceVersion !== undefined ? ` rv ${e.resourceVersion}` : '';
  const at = e.time !== undefined ? ` at ${e.time}` : '';
  return `${e.source.file}:${e.source.line}:${e.source.column}: ${e.type} ${e.kind} ${e.namespace ? `${e.namespace}/` : ''}${e.name}${rv}${at}`;
}

type Obj = Record<string, any>;

/** One line per observation entry, in the words of kubectl get. */
export function objectText(o: Obj): string {
  if ('subsets' in o) {
    const addr = (a: Obj) => `${a.ip}${a.pod ? ` (pod ${a.pod.namespace === o.namespace ? '' : `${a.pod.namespace}/`}${a.pod.name})` : ''}`;
    const subsets = (o.subsets as Obj[]).map((s) => {
      const ports = (s.ports as Obj[]).map((p) => `${p.name ? `${p.name}=` : ''}${p.port}/${p.protocol}`).join(',');
      return `[ready: ${(s.addresses as Obj[]).map(addr).join(' ') || '-'}; not ready: ${(s.notReadyAddresses as Obj[]).map(addr).join(' ') || '-'}; ports ${ports || '-'}]`;
    });
    return `Endpoints ${o.namespace}/${o.name} ${subsets.join(' ') || '(no subsets)'}`;
  }
  if ('clusterIP' in o) {
    const ports = (o.ports as Obj[]).map((p) => `${p.name ? `${p.name}:` : ''}${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol}→${p.targetPort}`).join(',');
    const sel = o.selector ? ` selector ${JSON.stringify(o.selector)}` : ' (no selector)';
    return `Service ${o.namespace}/${o.name} uid ${o.uid || '-'} ${o.type} clusterIP ${o.clusterIP || '-'} ports ${ports || '-'}${sel}${o.publishNotReadyAddresses ? ' publishNotReadyAddresses' : ''}`;
  }
  if ('phase' in o) {
    return `Pod ${o.namespace}/${o.name} ip ${o.ip || '-'} ${o.phase} ready=${o.ready}${o.terminating ? ' terminating' : ''} labels ${JSON.stringify(o.labels)}`;
  }
  return JSON.stringify(o);
}

export function violationText(v: TraceViolation, indent = '  '): string[] {
  const where = v.at ? `found at ${eventText(v.at)}` : 'still failing when the recording ended';
  const lines = [`${v.invariant} (${v.mode}) — ${v.subject}, ${where}`];
  if (v.since) lines.push(`${indent}failing since ${eventText(v.since)}${v.lastedMs !== undefined ? ` (${v.lastedMs} ms of recorded time)` : ''}`);
  if (v.error) lines.push(`${indent}evaluation error: ${v.error}`);
  for (const o of v.prev ?? []) lines.push(`${indent}before: ${objectText(o as Obj)}`);
  for (const o of v.objects) lines.push(`${indent}${v.prev ? 'after:  ' : ''}${objectText(o as Obj)}`);
  for (const e of v.events) lines.push(`${indent}event: ${eventText(e)}`);
  return lines;
}

/** The terminal summary (the CLI adds the rate it measured). */
export function traceText(r: TraceReport, maxViolations = 10): string {
  const kinds = Object.entries(r.eventsByKind).map(([k, n]) => `${k} ${n}`).join(', ');
  const out = [`${r.events} events${kinds ? ` (${kinds})` : ''}, peak ${r.peakLiveObjects} live objects, window ${r.windowMs} ms`];
  if (r.firstTime) out.push(`recorded ${r.firstTime} … ${r.lastTime ?? r.firstTime}`);
  for (const i of r.invariants) {
    if (i.mode === 'none') continue;
    const counts = i.verdict === 'violation' ? `${i.violations} violation${i.violations === 1 ? '' : 's'}` : i.verdict === 'unknown' ? i.reason ?? '' : `${i.evaluated} checked${i.healed ? `, ${i.healed} healed within the window` : ''}`;
    out.push(`  ${MARK[i.verdict]} ${i.id.padEnd(46)} ${i.mode.padEnd(8)} ${counts}`);
  }
  const none = r.invariants.filter((i) => i.mode === 'none').length;
  if (none) out.push(`  (${none} invariants have trace: none — a recording cannot show them)`);
  if (r.opaqueObjects) out.push(`  ${r.opaqueObjects} objects are known only by name (audit Metadata/Request level) and were not checked`);
  for (const v of r.violations.slice(0, maxViolations)) out.push(...violationText(v).map((l, i) => (i === 0 ? `✗ ${l}` : `  ${l}`)));
  if (r.violations.length > maxViolations) out.push(`… ${r.violations.length - maxViolations} more in the report`);
  return out.join('\n');
}

export function traceMarkdown(r: TraceReport): string {
  const md: string[] = ['# svcspec trace', ''];
  md.push(`Files: ${r.files.map((f) => `\`${f}\``).join(', ')}  `);
  md.push(`Events: ${r.events} (${Object.entries(r.eventsByKind).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}); live objects at the end ${r.liveObjects}, at most ${r.peakLiveObjects}; window ${r.windowMs} ms of recorded time.  `);
  if (r.firstTime) md.push(`Recorded time: ${r.firstTime} … ${r.lastTime ?? r.firstTime}.  `);
  md.push(`Verdict: **${verdictOf(r)}**`, '');
  md.push('| invariant | trace mode | verdict | checked | failed | healed in window | violations | note |', '|---|---|---|---|---|---|---|---|');
  for (const i of r.invariants) md.push(`| \`${i.id}\` | ${i.mode} | ${MARK[i.verdict]} ${i.verdict} | ${i.evaluated} | ${i.failed} | ${i.healed} | ${i.violations} | ${i.reason ?? ''} |`);
  md.push('');
  if (r.violations.length) {
    md.push('## Violations', '');
    for (const v of r.violations) {
      const [head, ...rest] = violationText(v, '');
      md.push(`### ${head}`, '', `> ${r.invariants.find((i) => i.id === v.invariant)?.statement ?? ''}`, '', '```', ...rest, '```', '');
    }
  }
  if (r.warnings.length) md.push('## Warnings', '', ...r.warnings.map((w) => `- ${w}`), '');
  const skipped = Object.entries(r.skippedKinds);
  if (skipped.length) md.push(`Skipped kinds (not covered by the model): ${skipped.map(([k, n]) => `${k} ${n}`).join(', ')}.`, '');
  if (r.opaqueObjects) md.push(`${r.opaqueObjects} objects are known only by name (audit Metadata or Request level) and were not checked.`, '');
  return `${md.join('\n')}\n`;
}
