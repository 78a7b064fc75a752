// --junit FILE for check, explore, conform and trace, read back with a real XML parser (as a CI
// system does): one test case per invariant per scope and timing, the counts in the suite
// attributes, a broken rule as a <failure> carrying the counterexample and its replay command;
// bad values of --junit are usage errors (exit 2) without a stack trace.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSpec } from '../../properties/spec/load.ts';
import { svcspec } from '../conformance/cli.ts';
import { Cluster, addr, port } from '../conformance/trace-check/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'svcspec-junit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const spec = loadSpec();

interface Case { classname: string; name: string; failure?: { message: string; '#text': string }; skipped?: unknown; 'system-out'?: string }
interface Suite { name: string; tests: number; failures: number; errors: number; skipped: number; testcase: Case[] }

function read(file: string): { tests: number; failures: number; suites: Suite[] } {
  const xml = readFileSync(file, 'utf8');
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseAttributeValue: true, isArray: (n) => n === 'testsuite' || n === 'testcase' }).parse(xml);
  const root = doc.testsuites;
  return { tests: root.tests, failures: root.failures, suites: root.testsuite };
}

function expectCountsAgree(suite: Suite): void {
  expect(suite.tests).toBe(suite.testcase.length);
  expect(suite.failures).toBe(suite.testcase.filter((c) => c.failure).length);
  expect(suite.skipped).toBe(suite.testcase.filter((c) => c.skipped !== undefined && !c.failure).length);
}

const declared = (timing: 'sync' | 'async') => spec.invariants.filter((i) => i.timings.has(timing)).map((i) => i.id);

describe('--junit', () => {
  it('check: a suite per scope and timing, a case per invariant, no failures', async () => {
    const file = join(dir, 'check.xml');
    const r = await svcspec(['check', '--scope', 'small', '--timing', 'sync,async', '--runs', '5', '--reports', join(dir, 'r-check'), '--junit', file]);
    expect(r.code).toBe(0);
    const x = read(file);
    expect(x.suites.map((s) => s.name)).toEqual(['svcspec check small/sync', 'svcspec check small/async']);
    for (const [i, timing] of (['sync', 'async'] as const).entries()) {
      const s = x.suites[i];
      expectCountsAgree(s);
      expect(s.testcase.map((c) => c.name)).toEqual(declared(timing));
      expect(new Set(s.testcase.map((c) => c.classname))).toEqual(new Set([`small/${timing}`]));
      expect(s.failures).toBe(0);
    }
    expect(x.tests).toBe(declared('sync').length + declared('async').length);
  });

  it('conform: the broken rule fails with the counterexample and the replay command; exit code unchanged', async () => {
    const file = join(dir, 'conform.xml');
    const r = await svcspec(['conform', '--adapter', 'node --import tsx examples/mutants/cluster-ip-reallocated.ts', '--timing', 'sync', '--runs', '40', '--reports', join(dir, 'r-conform'), '--junit', file]);
    expect(r.code).toBe(1);
    const x = read(file);
    expect(x.failures).toBe(1);
    const s = x.suites[0];
    expectCountsAgree(s);
    expect(s.testcase.map((c) => c.name)).toEqual([...declared('sync'), 'conform/result-allowed', 'conform/observation-agrees']);
    const failed = s.testcase.filter((c) => c.failure);
    expect(failed.map((c) => `${c.classname} ${c.name}`)).toEqual(['small/sync service/cluster-ip/stable']);
    const text = failed[0].failure!['#text'];
    expect(failed[0].failure!.message).toMatch(/^service\/cluster-ip\/stable: /);
    expect(text).toContain('✗ service/cluster-ip/stable (small, sync timing');
    expect(text).toMatch(/replay: npx svcspec conform --adapter 'node --import tsx examples\/mutants\/cluster-ip-reallocated\.ts' --seed 0 --path \S+ --scope small --timing sync/);
    // The text is the terminal's, unchanged.
    expect(r.stdout).toContain(text.split('\n').at(-1)!.trim());
  });

  it('explore: the reached witness passes with its trace, nothing fails', async () => {
    const file = join(dir, 'explore.xml');
    const r = await svcspec(['explore', '--scope', 'no-readiness-probe', '--reports', join(dir, 'r-explore'), '--junit', file]);
    expect(r.code).toBe(0);
    const x = read(file);
    expect(x.suites).toHaveLength(1);
    const s = x.suites[0];
    expectCountsAgree(s);
    expect(s.failures).toBe(0);
    expect(new Set(s.testcase.map((c) => c.classname))).toEqual(new Set(['no-readiness-probe/sync']));
    const witness = s.testcase.find((c) => c.name === 'witness/refused-by-starting-app')!;
    expect(witness['system-out']).toMatch(/^reached: /);
    expect(witness['system-out']).toContain('replay: npx svcspec replay ');
  });

  it('trace: a violated rule fails with its events and a replay command for that rule', async () => {
    const c = new Cluster(), svc = c.uid();
    const svcSpec = (nodePort: number) => ({ type: 'NodePort', clusterIP: '10.96.0.10', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP', nodePort }] });
    c.service('ADDED', 'web', svcSpec(30080), { uid: svc })
      .endpoints('ADDED', 'web', [{ addresses: [addr('10.244.1.10')], ports: [port(8080, 'http')] }])
      .service('MODIFIED', 'web', svcSpec(31999), { uid: svc, ms: 3000 });
    const rec = join(dir, 'recording.json');
    writeFileSync(rec, c.text());
    const file = join(dir, 'trace.xml');
    const r = await svcspec(['trace', rec, '--reports', join(dir, 'r-trace'), '--junit', file]);
    expect(r.code).toBe(1);
    const x = read(file);
    const s = x.suites[0];
    expectCountsAgree(s);
    expect(s.testcase.length).toBe(spec.invariants.length);
    expect(s.testcase.filter((c) => c.failure).map((c) => c.name)).toContain('service/node-port/stable');
    const text = s.testcase.find((c) => c.name === 'service/node-port/stable')!.failure!['#text'];
    expect(text).toContain('event: ');
    expect(text).toContain(`replay: npx svcspec trace ${rec} --only service/node-port/stable`);
  });

  it('bad values are usage errors: exit 2, one line, no stack trace', async () => {
    const cases: [string[], RegExp][] = [
      [['check', '--junit'], /--junit needs a value/],
      [['check', '--junit', '--runs', '5'], /--junit needs a value/],
      [['explore', '--scope', 'no-readiness-probe', '--junit', dir], /--junit .*: cannot write \(it is a directory\)/],
      [['conform', '--adapter', 'node cli/svcspec.js serve', '--junit', join(dir, 'recording.json', 'x.xml')], /cannot write \(a parent is not a directory\)/],
      [['trace', 'nothing.json', '--junit', ''], /--junit needs a file name/],
    ];
    for (const [args, message] of cases) {
      const r = await svcspec(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
