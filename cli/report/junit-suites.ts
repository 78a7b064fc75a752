/**
 * The reports of check, explore, conform and trace as JUnit suites (cli/report/junit.ts): one
 * suite per scope and timing, one case per invariant (classname `scope/timing`, name the rule's
 * id). A broken rule is a <failure> carrying the counterexample as the terminal shows it and the
 * command that replays it; a rule no run exercised, or one the explorer could not decide, is
 * <skipped>; a failure of the engine itself is an <error>.
 */
import type { CheckReport } from '../../properties/engine/check.ts';
import type { ScopeExploration } from '../../properties/explore/explore-scope.ts';
import { CONFORMANCE_RULES, type ConformReport, failureId } from '../../conformance/runner.ts';
import type { TraceReport } from '../../conformance/trace/run.ts';
import { counterexampleText as checkCounterexample } from './check-report.ts';
import { counterexampleText as conformCounterexample, faultText } from './conform-report.ts';
import { traceText as exploreTrace } from './explore-report.ts';
import { violationText } from './trace-report.ts';
import type { JUnitCase, JUnitSuite } from './junit.ts';

const failed = (id: string, statement: string, text: string) => ({ message: `${id}: ${statement}`, text });

export function checkSuites(runs: readonly { report: CheckReport; seconds: number }[]): JUnitSuite[] {
  // With several seeds (check --seeds) a scope and timing has a suite per seed: `scope/timing/seed-N`.
  const seeded = new Set(runs.map((r) => r.report.seed)).size > 1;
  return runs.map(({ report: r, seconds }) => {
    const classname = `${r.scope}/${r.timing}${seeded ? `/seed-${r.seed}` : ''}`;
    const broken = r.counterexample?.violation.invariant.id;
    const cases: JUnitCase[] = r.invariants.map(({ invariant: inv, stats }) => ({
      classname,
      name: inv.id,
      ...(inv.id === broken ? { failure: failed(inv.id, inv.statement, checkCounterexample(r)) }
        : stats.held === 0 ? { skipped: 'not exercised in this scope and timing' } : {}),
    }));
    if (r.error) cases.push({ classname, name: 'svcspec check', error: { message: r.error.split('\n')[0], text: r.error } });
    return { name: `svcspec check ${classname}`, time: seconds, cases };
  });
}

export function exploreSuites(runs: readonly { exploration: ScopeExploration; replayFiles: ReadonlyMap<string, string> }[]): JUnitSuite[] {
  return runs.map(({ exploration: { report: r, expected }, replayFiles }) => {
    const classname = `${r.scope}/${r.timing}`;
    const cases = r.verdicts.map((v): JUnitCase => {
      const inv = v.invariant;
      const replay = replayFiles.get(`${r.scope}/${r.timing}/${inv.id}`);
      const trace = v.trace ? `${inv.statement}\nshortest trace, ${v.trace.length} steps:\n${exploreTrace(v)}${replay ? `\nreplay: npx svcspec replay ${replay}` : ''}` : '';
      const base = { classname, name: inv.id };
      if (v.verdict === 'violation' && !expected.has(inv.id)) return { ...base, failure: failed(inv.id, inv.statement, trace) };
      if (v.verdict === 'violation') return { ...base, output: `${inv.id.startsWith('witness/') ? 'reached' : 'violated as expected (declared for another timing)'}: ${trace}` };
      if (v.verdict === 'unknown') return { ...base, skipped: v.reason ?? `not decided within the bound (stopped by ${r.stoppedBy})` };
      return base;
    });
    return { name: `svcspec explore ${classname}`, time: r.seconds, cases };
  });
}

export function conformSuites(runs: readonly { report: ConformReport; seconds: number }[], skipped: readonly { scope: string; timing: string }[]): JUnitSuite[] {
  const suites = runs.map(({ report: r, seconds }): JUnitSuite => {
    const classname = `${r.scope}/${r.timing}`;
    const broken = r.counterexample ? failureId(r.counterexample.failure) : undefined;
    const rules = [...r.invariants.map(({ invariant: inv, stats }) => ({ id: inv.id, statement: inv.statement, held: stats.held })), ...Object.values(CONFORMANCE_RULES).map((c) => ({ ...c, held: r.runs }))];
    const cases: JUnitCase[] = rules.map((rule) => ({
      classname,
      name: rule.id,
      ...(rule.id === broken ? { failure: failed(rule.id, rule.statement, conformCounterexample(r)) }
        : r.verdict === 'unknown' ? { skipped: 'interrupted before this rule was decided' }
        : rule.held === 0 ? { skipped: 'not exercised in this scope and timing' } : {}),
    }));
    if (r.fault) cases.push({ classname, name: 'implementation fault', failure: { message: `${r.fault.kind}: ${r.fault.message}`, text: faultText(r) } });
    if (r.error) cases.push({ classname, name: 'svcspec conform', error: { message: r.error.split('\n')[0], text: r.error } });
    return { name: `svcspec conform ${classname}`, time: seconds, cases };
  });
  for (const s of skipped) {
    const classname = `${s.scope}/${s.timing}`;
    suites.push({ name: `svcspec conform ${classname}`, cases: [{ classname, name: 'not run', skipped: 'an earlier scope or timing already failed' }] });
  }
  return suites;
}

/** Recordings have no scope or timing: the classname is `trace/<format>`; the replay checks the same files for that rule. */
export function traceSuites(r: TraceReport, files: readonly string[], seconds: number): JUnitSuite[] {
  const classname = `trace/${r.format ?? 'recording'}`;
  const quoted = files.map((f) => (/^[\w./-]+$/.test(f) ? f : `'${f.replace(/'/g, `'\\''`)}'`)).join(' ');
  const cases = r.invariants.map((i): JUnitCase => {
    const base = { classname, name: i.id };
    if (i.verdict === 'violation') {
      const details = r.violations.filter((v) => v.invariant === i.id).flatMap((v) => violationText(v));
      return { ...base, failure: failed(i.id, i.statement, `${i.violations} violation${i.violations === 1 ? '' : 's'}\n${details.join('\n')}\nreplay: npx svcspec trace ${quoted} --only ${i.id}`) };
    }
    if (i.verdict === 'unknown' || i.mode === 'none') return { ...base, skipped: i.reason ?? 'a recording cannot show this rule' };
    return base;
  });
  return [{ name: `svcspec trace ${files.length === 1 ? files[0] : `${files.length} files`}`, time: seconds, cases }];
}
