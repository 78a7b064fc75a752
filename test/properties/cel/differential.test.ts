/**
 * Why this test: generated code replaces the interpreter on the hot path, so they must be the
 * interpreter, observably. Random expressions over random data must give the same value, or
 * both fail with the same error code.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCel } from '../../../properties/cel/compile.ts';
import { CelEvalError } from '../../../properties/cel/errors.ts';
import { toCelValue } from '../../../properties/cel/values.ts';
import { exprArb, observationArb, print } from './arbitraries.ts';

type Outcome = { value: unknown } | { error: string };

function run(f: (v: Record<string, unknown>) => unknown, vars: Record<string, unknown>): Outcome {
  try {
    return { value: f(vars) };
  } catch (e) {
    if (!(e instanceof CelEvalError)) throw e; // anything else is a bug in the evaluator itself
    return { error: e.code };
  }
}

/** Exact structural equality: 1n and 1 differ, NaN equals NaN, key order is irrelevant. */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return same(ka, kb) && ka.every((k) => same((a as never)[k], (b as never)[k]));
  }
  return false;
}

function show(o: Outcome): string {
  return JSON.stringify(o, (_, v) => (typeof v === 'bigint' ? `${v}n` : Number.isNaN(v) ? 'NaN' : v));
}

function agree(source: string, vars: Record<string, unknown>): { compiled: boolean; outcome?: Outcome } {
  const c = compileCel(source);
  if (!c.ok || c.mode !== 'compiled') return { compiled: false };
  const got = run(c.fn, vars);
  const want = run(c.interpret, vars);
  if ('error' in want) expect('error' in got ? got.error : show(got), source).toBe(want.error);
  else expect(same('value' in got ? got.value : undefined, want.value), `${source}\ncompiled ${show(got)}\ninterpreted ${show(want)}`).toBe(true);
  return { compiled: true, outcome: want };
}

describe('compiled CEL agrees with the interpreter', () => {
  it('on random expressions over random observation-like data', () => {
    const stats = { total: 0, compiled: 0, values: 0, errors: 0 };
    fc.assert(
      fc.property(exprArb, observationArb, observationArb, (expr, state, prev) => {
        const r = agree(print(expr), { state, prev });
        stats.total++;
        if (!r.compiled) return;
        stats.compiled++;
        if (r.outcome && 'value' in r.outcome) stats.values++;
        else stats.errors++;
      }),
      { numRuns: 6000, seed: 20261126 },
    );
    // The property is only worth something if many expressions type-check and many evaluate.
    expect(stats.compiled / stats.total).toBeGreaterThan(0.2);
    expect(stats.values / stats.compiled).toBeGreaterThan(0.3);
    expect(stats.errors / stats.compiled).toBeGreaterThan(0.05);
  });

  const invariants = [
    'state.items.all(s, prev.items.exists(p, p.name == s.name) ? prev.items.filter(p, p.name == s.name)[0].n == s.n : true)',
    'state.items.map(s, s.ip).filter(ip, ip != "None" && ip != "").size() == state.items.filter(s, s.ip != "None" && s.ip != "").size()',
    'unique(state.items.map(s, s.name))',
    'state.items.all(s, !has(s.selector) || state.items.exists_one(p, selects(s.selector, p.labels)))',
    'state.items.all(s, s.ip in ["None", ""] || inCIDR(s.ip, "10.96.0.0/12") || s.ip.contains(":"))',
    'state.items.exists(s, s.ok && s.n >= 1 && s.n + 1 > 2)',
    'state.items.filter(s, s.ok).map(s, s.name + "/" + string(s.n)).all(k, k.startsWith(k.split("/")[0]))',
    'size(state.labels) == 0 || state.items.exists(p, selects(state.labels, p.labels))',
    'prev.items.all(p, p.name in state.items.map(s, s.name) || !p.ok)',
  ];

  it('on the shape of real invariants over random observations', () => {
    for (const src of invariants) expect(compileCel(src)).toMatchObject({ ok: true, mode: 'compiled' });
    fc.assert(
      fc.property(fc.constantFrom(...invariants), observationArb, observationArb, (src, state, prev) => {
        agree(src, { state, prev });
      }),
      { numRuns: 2000, seed: 20261126 },
    );
  });

  it('on JSON observations converted with toCelValue', () => {
    const json = { items: [{ name: 'a', n: 3, ok: true, labels: { app: 'web' }, ip: '10.96.0.1' }], labels: { app: 'web' } };
    const state = toCelValue(json) as Record<string, unknown>;
    for (const src of invariants) agree(src, { state, prev: state });
  });
});
