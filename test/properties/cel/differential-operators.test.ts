/**
 * Why this test: random whole expressions (differential.test.ts) rarely line up two operands of
 * the kinds a rule cares about (an int against an integral double, an error on one side of &&).
 * Here every operator, function, method and short-circuit form is applied to random operands of
 * every kind, and compiled and interpreted must agree on each.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCel } from '../../../properties/cel/compile.ts';
import { CelEvalError } from '../../../properties/cel/errors.ts';
import { scalarArb, valueArb } from './arbitraries.ts';

const operandArb = fc.oneof({ weight: 4, arbitrary: scalarArb }, { weight: 1, arbitrary: valueArb });
const dataArb = fc.record({
  a: operandArb,
  b: operandArb,
  l: fc.array(operandArb, { maxLength: 4 }),
  m: fc.dictionary(fc.constantFrom('a', 'b', 'k', '1', 'true', 'length', 'keys'), operandArb, { maxKeys: 3 }),
});

function outcome(f: (v: Record<string, unknown>) => unknown, vars: Record<string, unknown>): unknown {
  try {
    return { value: f(vars) };
  } catch (e) {
    if (!(e instanceof CelEvalError)) throw e;
    return { error: e.code };
  }
}

function checkAll(templates: readonly string[], runs = 300): void {
  const compiled = templates.map((t) => {
    const c = compileCel(t);
    if (!c.ok) throw new Error(`${t}: ${c.error.message}`);
    expect(c.mode, t).toBe('compiled');
    return c;
  });
  fc.assert(
    fc.property(fc.nat(compiled.length - 1), dataArb, (i, state) => {
      const c = compiled[i]!;
      expect(outcome(c.fn, { state }), c.source).toStrictEqual(outcome(c.interpret, { state }));
    }),
    { numRuns: runs * templates.length },
  );
}

const A = 'dyn(state.a)';
const B = 'dyn(state.b)';

describe('compiled operators agree with the interpreter on operands of every kind', () => {
  it('binary and unary operators', () => {
    const ops = ['==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', 'in'];
    checkAll([
      ...ops.map((op) => `${A} ${op} ${B}`),
      ...ops.map((op) => `${A} ${op} dyn(state.l)`),
      ...ops.map((op) => `${A} ${op} dyn(state.m)`),
      ...['1', '1.0', '"a"', 'null', 'true', '[1]', '{"a": 1}'].map((lit) => `${A} == ${lit}`),
      ...['1', '"a"', 'null'].map((lit) => `${lit} != ${A}`),
      `!${A}`,
      `-${A}`,
      `dyn(state.l) == dyn(state.l).map(x, x)`,
    ]);
  });

  it('field selection, indexing and has()', () => {
    checkAll([
      `${A}.k`,
      // Names a string, list or Object.prototype has: only an own key of a map may answer.
      ...['length', 'keys', 'toString', 'valueOf', 'hasOwnProperty'].flatMap((f) => [`${A}.${f}`, `dyn(state.m).${f}`, `dyn(state.l).${f}`]),
      `${A}[${B}]`,
      `dyn(state.l)[${A}]`,
      `dyn(state.m)[${A}]`,
      'has(state.a.k)',
      'has(state.a.k.a)',
      'has(state.m.k)',
      '{"k": state.a, "a": state.b}[dyn(state.m).k]',
    ]);
  });

  it('functions, methods and helpers', () => {
    checkAll([
      `size(${A})`,
      `${A}.size()`,
      `string(${A})`,
      `int(${A})`,
      `double(${A})`,
      ...['startsWith', 'endsWith', 'contains', 'matches', 'indexOf', 'lastIndexOf', 'split'].map((m) => `${A}.${m}(${B})`),
      ...['lowerAscii', 'upperAscii', 'trim', 'join'].map((m) => `${A}.${m}()`),
      `${A}.join(${B})`,
      `dyn(state.l).join(",")`,
      `[${A}, ${B}].join()`, // a concrete list<dyn> receiver is bound at check time
      `dyn(state.l).map(x, x).join("-")`,
      `${A}.substring(${B})`,
      `${A}.substring(1, ${B})`,
      `${A}.indexOf("a", ${B})`,
      `selects(${A}, ${B})`,
      `selects(${A}, dyn(state.m))`,
      `selects(dyn(state.m), dyn(state.m))`,
      `inCIDR(${A}, ${B})`,
      `inCIDR(${A}, "10.0.0.0/8")`,
      `unique(${A})`,
      'unique(dyn(state.l))',
    ]);
  });

  it('short-circuit and error absorption in &&, ||, ?: and the quantifiers', () => {
    // Operands that are true, false, an error, or not a bool, depending on the data.
    const xs = ['true', 'false', 'state.nope', A, `${A} == 1`, `dyn(state.m).k`, `${A} < 1`];
    const logic = xs.flatMap((x) => xs.flatMap((y) => [`(${x}) && (${y})`, `(${x}) || (${y})`]));
    const preds = ['i', 'i == 1', 'dyn(i).k', 'i > 0', 'dyn(i) && true', 'i in dyn(state.l)'];
    const macros = preds.flatMap((p) => [
      `dyn(state.l).all(i, ${p})`,
      `dyn(state.l).exists(i, ${p})`,
      `dyn(state.l).exists_one(i, ${p})`,
      `dyn(state.l).filter(i, ${p})`,
      `dyn(state.l).map(i, ${p})`,
      `dyn(state.l).map(i, ${p}, i)`,
      `${A}.all(i, ${p})`,
      `dyn(state.m).exists(i, ${p})`,
    ]);
    checkAll([...logic, ...xs.map((x) => `(${x}) ? 1 : 2`), ...macros], 60);
  });

  it('evaluates list elements and call arguments in the interpreter order (the same error wins)', () => {
    checkAll([
      `[dyn(${A} + 1), dyn(${B}.k), dyn(${A} < ${B})]`,
      `[dyn(${A}.k), dyn(${B} - 1)]`,
      `${A}.startsWith(${B}.k)`,
      `selects(dyn(${A}.k), dyn(${B} + 1))`,
      `{"a": dyn(${A} + 1), "b": dyn(${B}.k)}`,
    ]);
  });
});
