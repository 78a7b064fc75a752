/**
 * JUnit XML, the report format CI systems read (GitHub, GitLab, Jenkins): one <testsuite> per
 * run, one <testcase> per rule. Written once here; each command maps its reports to suites
 * (cli/report/junit-suites.ts). The schema CI tools accept is the Ant/Surefire one:
 * testsuites > testsuite[name,tests,failures,errors,skipped,time] > testcase[classname,name,time]
 * with an optional <failure message type>text</failure>, <error> or <skipped message>.
 */

export interface JUnitCase {
  readonly classname: string;
  readonly name: string;
  readonly time?: number;
  readonly failure?: { readonly message: string; readonly text: string };
  readonly error?: { readonly message: string; readonly text: string };
  readonly skipped?: string;
  /** Context a reader wants beside a passing case (e.g. the witness trace the explorer reached). */
  readonly output?: string;
}

export interface JUnitSuite {
  readonly name: string;
  readonly time?: number;
  readonly cases: readonly JUnitCase[];
}

// XML 1.0 allows tab, newline and carriage return below 0x20; anything else is dropped.
const INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text content: &, < and > escaped (quotes stay readable). */
export function escapeXml(s: string): string {
  return s.replace(INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const escapeAttr = (s: string) => escapeXml(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');

const attrs = (a: Record<string, string | number | undefined>) =>
  Object.entries(a).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`).join('');

const seconds = (t: number | undefined) => (t === undefined ? undefined : t.toFixed(3));

function caseXml(c: JUnitCase): string {
  const open = `    <testcase${attrs({ classname: c.classname, name: c.name, time: seconds(c.time ?? 0) })}`;
  const body: string[] = [];
  if (c.failure) body.push(`      <failure${attrs({ message: c.failure.message, type: 'violation' })}>${escapeXml(c.failure.text)}</failure>`);
  if (c.error) body.push(`      <error${attrs({ message: c.error.message, type: 'error' })}>${escapeXml(c.error.text)}</error>`);
  if (c.skipped !== undefined) body.push(`      <skipped${attrs({ message: c.skipped })}/>`);
  if (c.output) body.push(`      <system-out>${escapeXml(c.output)}</system-out>`);
  return body.length ? `${open}>\n${body.join('\n')}\n    </testcase>` : `${open}/>`;
}

function count(s: JUnitSuite) {
  return {
    tests: s.cases.length,
    failures: s.cases.filter((c) => c.failure).length,
    errors: s.cases.filter((c) => c.error).length,
    skipped: s.cases.filter((c) => c.skipped !== undefined && !c.failure && !c.error).length,
  };
}

export function junitXml(name: string, suites: readonly JUnitSuite[]): string {
  const totals = suites.map(count).reduce((a, b) => ({ tests: a.tests + b.tests, failures: a.failures + b.failures, errors: a.errors + b.errors, skipped: a.skipped + b.skipped }), { tests: 0, failures: 0, errors: 0, skipped: 0 });
  const time = suites.reduce((t, s) => t + (s.time ?? 0), 0);
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites${attrs({ name, ...totals, time: seconds(time) })}>`];
  for (const s of suites) {
    out.push(`  <testsuite${attrs({ name: s.name, ...count(s), time: seconds(s.time ?? 0) })}>`);
    out.push(...s.cases.map(caseXml));
    out.push('  </testsuite>');
  }
  out.push('</testsuites>', '');
  return out.join('\n');
}
