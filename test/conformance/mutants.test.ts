/**
 * Every mutant in examples/mutants — the reference adapter with one real bug put in — must be
 * caught by `svcspec conform` with its default budget, and caught by the very invariant its header
 * names (`Breaks: <id>`): the spec's rules are what find these bugs, not luck. A header may also
 * promise a short counterexample (`Counterexample: at most N steps`), and the shrunk one must keep it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, commandFor, conformHere } from './cli.ts';

const DIR = 'examples/mutants';
const mutants = readdirSync(join(ROOT, DIR))
  .filter((f) => /\.(ts|py)$/.test(f) && !f.startsWith('_'))
  .sort()
  .map((file) => {
    const text = readFileSync(join(ROOT, DIR, file), 'utf8');
    const most = /Counterexample: at most (\d+) steps/.exec(text)?.[1];
    // `Breaks: a, b` when the bug breaks several rules and which one a run meets first is the draw's.
    const breaks = /Breaks: (.+)/.exec(text)?.[1].split(',').map((x) => x.trim()) ?? [];
    return { file, breaks, shebang: text.split('\n')[0], mostSteps: most ? Number(most) : undefined };
  });

describe('the mutants', () => {
  it('are at least 12, each naming the invariant it breaks, two or more of them not in TypeScript', () => {
    expect(mutants.length).toBeGreaterThanOrEqual(12);
    for (const m of mutants) {
      expect(m.breaks.length, m.file).toBeGreaterThan(0);
      for (const id of m.breaks) expect(id, m.file).toMatch(/^[a-z-]+\/[a-z/-]+$/);
    }
    expect(mutants.filter((m) => m.file.endsWith('.py')).length).toBeGreaterThanOrEqual(2);
    for (const m of mutants) expect(m.shebang, m.file).toMatch(m.file.endsWith('.py') ? /^#!\/usr\/bin\/env python3/ : /^#!\/usr\/bin\/env -S npx tsx/);
  });
});

describe.concurrent('svcspec conform catches each mutant with the invariant it names', () => {
  for (const m of mutants) {
    it(`${m.file} breaks ${m.breaks.join(' or ')}`, async () => {
      const { code, report } = await conformHere(['--adapter', commandFor(join(DIR, m.file)), '--json']);
      const failed = report.runs.find((r: any) => r.verdict !== 'ok');
      expect(failed?.fault).toBeUndefined();
      expect(code).toBe(1);
      expect(report.verdict).toBe('violation');
      expect(m.breaks).toContain(failed.counterexample.rule);
      expect(failed.counterexample.replay).toContain('--path');
      expect(failed.counterexample.oneMinimal, 'no single step can be deleted with the failure kept').toBe(true);
      if (m.mostSteps !== undefined) expect(failed.counterexample.steps.length, 'the counterexample is as short as the header promises').toBeLessThanOrEqual(m.mostSteps);
    }, 300_000);
  }
});
