/**
 * `svcspec run --check`: the scenarios that show upstream behaviour (examples/upstream) and the
 * seed's walkthroughs (examples/scenarios) break no invariant when every rule is checked after
 * every step — a rule a correct cluster breaks is a wrong rule — and a broken rule fails the run.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelImplementation } from '../../properties/engine/implementation.ts';
import { ruleCheck } from '../../properties/scenario/check.ts';
import { loadScenario } from '../../properties/scenario/load.ts';
import { type BrokenRule, runScenario } from '../../properties/scenario/run.ts';
import { loadSpec } from '../../properties/spec/load.ts';
import type { Spec } from '../../properties/spec/types.ts';
import { ROOT, svcspec } from '../conformance/cli.ts';

const spec = loadSpec();
const files = ['examples/upstream', 'examples/scenarios'].flatMap((dir) =>
  readdirSync(join(ROOT, dir)).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => `${dir}/${f}`));

async function checked(file: string, s: Spec = spec) {
  const sc = loadScenario(join(ROOT, file));
  const rules = ruleCheck(s, sc.cluster);
  const impl = new ModelImplementation();
  try {
    const outcome = await runScenario(impl, sc, () => {}, rules.hook);
    return { outcome, rules, broken: outcome.records.filter((r) => r.op === 'invariant').map((r) => r.result as BrokenRule) };
  } finally {
    await impl.close();
  }
}

describe('every invariant after every step of the example scenarios', () => {
  it('has upstream scenarios to check', () => {
    expect(files.filter((f) => f.startsWith('examples/upstream/')).length).toBeGreaterThan(0);
  });
  for (const file of files) {
    it(`${file} passes and breaks no rule`, async () => {
      const { outcome, broken, rules } = await checked(file);
      expect(broken.map((b) => `${b.invariant}: ${JSON.stringify(b.value ?? b.error)}`)).toEqual([]);
      expect(outcome.passed).toBe(true);
      expect([...rules.stats.values()].some((s) => s.held > 0)).toBe(true);
    });
  }
});

describe('a broken rule', () => {
  it('fails the scenario at the step that broke it, named by id', async () => {
    // A rule no cluster with a pod satisfies: it must break at the first step that creates one.
    const base = spec.invariants.find((i) => i.id === 'pod/ip-unique')!;
    const wrong = { ...base, id: 'test/no-pods', statement: 'When a step ends, there must be no pod.', holds: { ...base.holds, fn: (v: Record<string, unknown>) => (v.state as { pods: unknown[] }).pods.length === 0 } };
    const { outcome, broken, rules } = await checked('examples/upstream/empty-selector-is-no-selector.yaml', { ...spec, invariants: [wrong] });
    expect(outcome.passed).toBe(false);
    expect(broken[0]).toMatchObject({ ok: false, invariant: 'test/no-pods', value: false });
    expect(outcome.records.find((r) => r.op === 'invariant')?.step).toBe(1);
    expect(rules.stats.get('test/no-pods')?.violations).toBeGreaterThan(0);
  });
});

describe('the command line', () => {
  it('reports the rules exercised and exits 0 when none broke', async () => {
    const r = await svcspec(['run', '--check', 'examples/upstream']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/rules: \d+ of \d+ exercised, 0 broken over all scenarios/);
  });
  it('refuses --only without --check, and an --only that names no invariant (exit 2)', async () => {
    expect((await svcspec(['run', '--only', 'traffic', 'examples/upstream'])).code).toBe(2);
    const r = await svcspec(['run', '--check', '--only', 'nosuch', 'examples/upstream']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--only nosuch names no invariant');
  });
});
