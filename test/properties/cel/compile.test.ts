import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compileCel, type CompiledCel } from '../../../properties/cel/compile.ts';
import { CelEvalError } from '../../../properties/cel/errors.ts';
import { toCelValue } from '../../../properties/cel/values.ts';

const state = toCelValue({
  pods: [
    { namespace: 'default', name: 'web-1', ip: '10.244.1.7', labels: { app: 'web' }, ready: true, restarts: 0 },
    { namespace: 'default', name: 'web-2', ip: '10.244.2.9', labels: { app: 'web', tier: 'x' }, ready: false, restarts: 2 },
    { namespace: 'prod', name: 'db-1', ip: '', labels: { app: 'db' }, ready: true, restarts: 1 },
  ],
  services: [{ name: 'web', clusterIP: '10.96.0.10', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] }],
  time: 2.5,
}) as Record<string, unknown>;
const vars = { state, prev: state, op: { op: 'connect' }, result: { ok: true, pod: { namespace: 'default', name: 'web-1' } } };

function compiled(src: string): CompiledCel {
  const c = compileCel(src);
  if (!c.ok) throw new Error(`${src}: ${c.error.message}`);
  return c;
}

/** Evaluates with both evaluators, requires the compiled one, and that they agree. */
function evalBoth(src: string, v: Record<string, unknown> = vars): unknown {
  const c = compiled(src);
  expect(c.mode, c.fallback?.reason).toBe('compiled');
  const got = c.fn(v);
  expect(got).toStrictEqual(c.interpret(v));
  return got;
}

function errorOf(src: string, v: Record<string, unknown> = vars): CelEvalError {
  const c = compiled(src);
  let fnErr: unknown;
  let inErr: unknown;
  try {
    c.fn(v);
  } catch (e) {
    fnErr = e;
  }
  try {
    c.interpret(v);
  } catch (e) {
    inErr = e;
  }
  expect(fnErr).toBeInstanceOf(CelEvalError);
  expect(inErr).toBeInstanceOf(CelEvalError);
  expect((fnErr as CelEvalError).code).toBe((inErr as CelEvalError).code);
  return fnErr as CelEvalError;
}

describe('compileCel: compiled constructs', () => {
  it('literals, variables, field selection and indexing', () => {
    expect(evalBoth('[dyn(1), dyn(2.5), dyn("s"), dyn(true), dyn(null)].size()')).toBe(5n);
    expect(evalBoth('{"a": 1}.a')).toBe(1n);
    expect(evalBoth('state.pods[1].name')).toBe('web-2');
    expect(evalBoth('state.pods[0].labels["app"]')).toBe('web');
    expect(evalBoth('op.op')).toBe('connect');
    expect(errorOf('state.nope').code).toBe('no_such_key');
    expect(errorOf('state.pods[3]').code).toBe('index_out_of_bounds');
    expect(errorOf('state.x', { prev: state }).code).toBe('unknown_variable');
    expect(errorOf('state.x', { state: 1 }).code).toBe('variable_type_mismatch');
  });

  it('has() tests only the last field', () => {
    expect(evalBoth('has(state.pods)')).toBe(true);
    expect(evalBoth('has(state.nope)')).toBe(false);
    expect(evalBoth('state.services.all(s, has(s.selector))')).toBe(true);
    expect(errorOf('has(state.nope.x)').code).toBe('no_such_key');
  });

  it('arithmetic and comparison keep int, double and string apart', () => {
    expect(evalBoth('7 / 2')).toBe(3n);
    expect(evalBoth('7.0 / 2.0')).toBe(3.5);
    expect(evalBoth('-7 % 3')).toBe(-1n);
    expect(evalBoth('"a" + "b"')).toBe('ab');
    expect(evalBoth('[1] + [2]')).toStrictEqual([1n, 2n]);
    expect(evalBoth('state.services[0].ports[0].port + 1')).toBe(81n); // toCelValue made it an int
    expect(evalBoth('state.time > 2')).toBe(true); // double vs int ordering is defined
    expect(evalBoth('state.time == 2.5 && dyn(2) == dyn(2.0)')).toBe(true);
    expect(evalBoth('"a" < "b" && false < true')).toBe(true);
    expect(evalBoth('dyn(1) == dyn("1")')).toBe(false); // mixed kinds are unequal, not an error
    expect(errorOf('state.time + 1').code).toBe('no_such_overload'); // no mixed arithmetic
    expect(errorOf('dyn(1) < dyn("a")').code).toBe('no_such_overload');
    expect(errorOf('dyn(1) / dyn(0)').code).toBe('division_by_zero');
    expect(errorOf('dyn(9223372036854775807) + dyn(1)').code).toBe('numeric_overflow');
  });

  it('logical operators are commutative over errors, as in CEL', () => {
    expect(evalBoth('state.nope || true')).toBe(true);
    expect(evalBoth('state.nope && false')).toBe(false);
    expect(evalBoth('false && state.nope')).toBe(false);
    expect(errorOf('state.nope || false').code).toBe('no_such_key');
    expect(errorOf('true && dyn(1)').code).toBe('invalid_logical_operand');
    expect(evalBoth('!(op.op == "connect" && result.ok) || state.pods.exists(p, p.name == result.pod.name && p.ready)')).toBe(true);
  });

  it('ternary, in, list and map literals', () => {
    expect(evalBoth('state.pods.size() > 2 ? "many" : "few"')).toBe('many');
    expect(errorOf('dyn(1) ? 1 : 2').code).toBe('invalid_condition_type');
    expect(evalBoth('"web" in state.pods.map(p, p.labels.app)')).toBe(true);
    expect(evalBoth('"tier" in state.pods[1].labels')).toBe(true);
    expect(evalBoth('{"k": [1, 2]}')).toStrictEqual({ k: [1n, 2n] });
  });

  it('macros: all, exists, exists_one, map, filter, over lists and map keys', () => {
    expect(evalBoth('state.pods.all(p, p.namespace != "")')).toBe(true);
    expect(evalBoth('state.pods.exists(p, !p.ready)')).toBe(true);
    expect(evalBoth('state.pods.exists_one(p, p.namespace == "prod")')).toBe(true);
    expect(evalBoth('state.pods.filter(p, p.ready).map(p, p.name)')).toStrictEqual(['web-1', 'db-1']);
    expect(evalBoth('state.pods.map(p, p.restarts > 0, p.restarts)')).toStrictEqual([2n, 1n]);
    expect(evalBoth('state.pods[1].labels.all(k, k in ["app", "tier"])')).toBe(true);
    expect(evalBoth('state.pods.all(p, state.pods.exists(q, q.name == p.name))')).toBe(true);
    expect(evalBoth('state.pods.all(state, state.ready) == false')).toBe(true); // the iteration variable shadows
    // An error on one element is absorbed when another decides the result.
    expect(evalBoth('[1, 0].exists(i, 10 / i == 10)')).toBe(true);
    expect(errorOf('[1, 0].all(i, 10 / i == 10)').code).toBe('division_by_zero');
    expect(errorOf('[1, 0].filter(i, 10 / i == 10)').code).toBe('division_by_zero');
  });

  it('size and string functions', () => {
    expect(evalBoth('size("héllo") + "ab".size() + size(state.pods) + size({"a": 1})')).toBe(11n);
    expect(evalBoth('state.pods.all(p, p.name.startsWith(p.labels.app) && p.name.contains("-"))')).toBe(true);
    expect(evalBoth('"web-1".endsWith("-1") && "web-1".matches("^w[a-z]+-[0-9]$")')).toBe(true);
    expect(evalBoth('"a,b".split(",").join("+")')).toBe('a+b');
    expect(evalBoth('" A ".trim().lowerAscii() + "b".upperAscii()')).toBe('aB');
    expect(evalBoth('"web-1".indexOf("-") + "web-1".substring(4).size()')).toBe(4n);
    expect(evalBoth('string(80) + string(1.5) + string(true)')).toBe('801.5true');
    expect(evalBoth('int("42") + int(2.9)')).toBe(44n);
    expect(evalBoth('double(1) + double("0.5")')).toBe(1.5);
    expect(errorOf('"a".matches("[")').code).toBe('invalid_regular_expression');
    expect(errorOf('dyn(1).startsWith("a")').code).toBe('no_matching_overload');
  });

  it('helpers', () => {
    expect(evalBoth('state.services.all(s, state.pods.filter(p, selects(s.selector, p.labels)).size() == 2)')).toBe(true);
    expect(evalBoth('state.services.all(s, inCIDR(s.clusterIP, "10.96.0.0/12"))')).toBe(true);
    expect(evalBoth('unique(state.pods.map(p, p.name)) && !unique([dyn(1), dyn(1.0)])')).toBe(true);
    expect(errorOf('inCIDR("10.0.0.1", "10.0.0.0")').code).toBe('invalid_argument');
  });
});

describe('compileCel: compile errors carry a position', () => {
  it.each([
    ['state.pods.all(p, p.ready', 'syntax', 25],
    ['state.pods.size() >', 'syntax', 19],
    ['frobnicate(state)', 'unknown-function', 0],
    ['state.pods.exists(p, p.name.frobnicate())', 'unknown-function', 28],
    ['nope.pods', 'unknown-variable', 0],
    ['state.pods.all(p, q.ready)', 'unknown-variable', 18],
    ['state + 1', 'type', 0],
    ['selects(1, {})', 'type', 0],
    ['[1, "a"]', 'type', 4],
  ])('%s → %s at %i', (src, code, offset) => {
    const c = compileCel(src);
    expect(c.ok).toBe(false);
    if (c.ok) return;
    expect(c.error).toMatchObject({ code, offset, line: 1, column: offset + 1 });
    expect(c.error.message).not.toBe('');
  });

  it('reports line and column inside a multi-line expression', () => {
    const c = compileCel('state.pods.all(p,\n  p.ready &&\n  nothere(p))');
    expect(c).toMatchObject({ ok: false, error: { code: 'unknown-function', line: 3, column: 3, offset: 33 } });
  });
});

describe('compileCel: what it reports besides the evaluators', () => {
  it('falls back to the interpreter outside the subset, and says where', () => {
    for (const [src, at] of [
      ["b'ab' == b'ab'", 0],
      ['cel.bind(x, 1, x + 1) == 2', 0],
      ['type(state) == map', 0],
      ['timestamp("2024-01-01T00:00:00Z") != timestamp(0)', 0],
    ] as const) {
      const c = compiled(src);
      expect(c.mode, src).toBe('interpreted');
      expect(c.fallback?.offset).toBe(at);
      expect(c.fallback?.reason).toMatch(/.+/);
      expect(c.fn(vars)).toBe(c.interpret(vars));
    }
  });

  it('lists what the expression reads, for skipping unaffected invariants', () => {
    expect(compiled('state.pods.all(p, prev.pods.exists(q, q.uid == p.uid)) || op.op == "x" || has(result.pod)').reads).toStrictEqual(
      ['op.op', 'prev.pods', 'result.pod', 'state.pods'],
    );
    expect(compiled('state.pods.all(state, state.ready)').reads).toStrictEqual(['state.pods']);
    expect(compiled('size(state) > 0').reads).toStrictEqual(['state']);
  });

  it('exposes the checked type', () => {
    expect(compiled('state.pods.size() > 0').type).toBe('bool');
    expect(compiled('state.pods.size()').type).toBe('int');
  });
});

describe('compileCel: generated code', () => {
  it('never pastes spec text into the source: hostile strings stay strings', () => {
    const hostile = String.raw`"\"); globalThis.pwned = 1; (\"" + '*/ globalThis.pwned = 2; /*' + "\u2028\u2029\\"`;
    const c = compiled(`${hostile} + "x" == ${hostile} + "x" && {${hostile}: 1}.size() == 1`);
    expect(c.mode).toBe('compiled');
    expect(c.fn(vars)).toBe(true);
    expect((globalThis as Record<string, unknown>).pwned).toBeUndefined();
    const literal = compiled(hostile);
    expect(literal.fn(vars)).toBe(literal.interpret(vars));
  });

  it('falls back to the interpreter when code generation from strings is disabled', () => {
    const script = `const { compileCel } = await import('./properties/cel/compile.ts');
      const c = compileCel('[1, 2].exists(i, i == 2)');
      console.log(JSON.stringify({ mode: c.mode, reason: c.fallback?.reason, value: c.fn({}) }));`;
    const out = execFileSync(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8' },
    );
    expect(JSON.parse(out.trim().split('\n').pop()!)).toMatchObject({ mode: 'interpreted', reason: expect.stringMatching(/code generation/), value: true });
  });
});
