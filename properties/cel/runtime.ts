/**
 * Operator semantics for the generated code (codegen.ts), matching what @marcbachmann/cel-js does
 * with dynamically typed operands (our observations are `dyn` all the way down): same overloads,
 * same error codes, same quirks (e.g. `1 in {"1": x}` finds the key, mixed-kind `==` is false).
 * The differential property test (test/properties/cel/differential.test.ts) holds it to that.
 */
import { evalError } from './errors.ts';
import { celEquals, isEqual, isMapValue, kindOf, typeName } from './values.ts';
import type { CelParamType } from './helpers.ts';

const MAX_INT = 9223372036854775807n;
const MIN_INT = -9223372036854775808n;

type Obj = Record<string, unknown>;

function isPlainObject(o: unknown): o is Obj {
  if (typeof o !== 'object' || o === null) return false;
  const c = (o as object).constructor;
  return c === Object || c === undefined;
}

/** `o.name`: a present map key, else `no_such_key`. */
export function select(o: unknown, name: string, at: number): unknown {
  if (isPlainObject(o) && Object.hasOwn(o, name)) {
    const v = o[name];
    if (v !== undefined) return v;
  }
  throw evalError('no_such_key', `No such key: ${name}`, at);
}

/** `o[k]`: list index (int, or an integral double) or map key (any key, as a property name). */
export function index(o: unknown, k: unknown, at: number): unknown {
  if (Array.isArray(o)) {
    const i = typeof k === 'bigint' ? Number(k) : typeof k === 'number' ? k : undefined;
    if (i === undefined) throw evalError('no_such_key', `No such key: ${String(k)}`, at);
    const v: unknown = o[i];
    if (v === undefined) {
      const why = i < 0 ? '< 0' : `>= size ${o.length}`;
      throw evalError('index_out_of_bounds', `No such key: index out of bounds, index ${i} ${why}`, at);
    }
    return v;
  }
  if (o === null || isPlainObject(o)) {
    const v = o !== null && Object.hasOwn(o, k as PropertyKey) ? o[k as string] : undefined;
    if (v !== undefined) return v;
  }
  throw evalError('no_such_key', `No such key: ${String(k)}`, at);
}

/** `has(root.a.b.c)`: only the last field may be absent; a missing intermediate is an error. */
export function hasPath(root: unknown, names: readonly string[], at: readonly number[]): boolean {
  let o = root;
  for (let i = 0; i < names.length; i++) {
    o = isPlainObject(o) && Object.hasOwn(o, names[i]!) ? o[names[i]!] : undefined;
    if (o === undefined) {
      if (i < names.length - 1) throw evalError('no_such_key', `No such key: ${names[i]}`, at[i]);
      return false;
    }
  }
  return true;
}

function noOverload(op: string, a: unknown, b: unknown, at: number): Error {
  return evalError('no_such_overload', `no such overload: ${typeName(a)} ${op} ${typeName(b)}`, at);
}

function checkInt(v: bigint, at: number): bigint {
  if (v <= MAX_INT && v >= MIN_INT) return v;
  throw evalError('numeric_overflow', `integer overflow: ${v}`, at);
}

export type BinaryFn = (a: unknown, b: unknown, at: number) => unknown;

const arith: Record<string, BinaryFn> = {
  '+': (a, b, at) => {
    if (typeof a === 'bigint' && typeof b === 'bigint') return checkInt(a + b, at);
    if (typeof a === 'number' && typeof b === 'number') return a + b;
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    throw noOverload('+', a, b, at);
  },
  '-': (a, b, at) => {
    if (typeof a === 'bigint' && typeof b === 'bigint') return checkInt(a - b, at);
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    throw noOverload('-', a, b, at);
  },
  '*': (a, b, at) => {
    if (typeof a === 'bigint' && typeof b === 'bigint') return checkInt(a * b, at);
    if (typeof a === 'number' && typeof b === 'number') return a * b;
    throw noOverload('*', a, b, at);
  },
  '/': (a, b, at) => {
    if (typeof a === 'bigint' && typeof b === 'bigint') {
      if (b === 0n) throw evalError('division_by_zero', 'division by zero', at);
      return a / b;
    }
    if (typeof a === 'number' && typeof b === 'number') return a / b;
    throw noOverload('/', a, b, at);
  },
  '%': (a, b, at) => {
    if (typeof a === 'bigint' && typeof b === 'bigint') {
      if (b === 0n) throw evalError('modulo_by_zero', 'modulo by zero', at);
      return a % b;
    }
    throw noOverload('%', a, b, at);
  },
};

/** Ordering is defined within bool, string, and across int/double; anything else has no overload. */
function comparable(a: unknown, b: unknown): boolean {
  const ta = typeof a;
  const tb = typeof b;
  if (ta === 'bigint' || ta === 'number') return tb === 'bigint' || tb === 'number';
  return (ta === 'string' || ta === 'boolean') && ta === tb;
}

const order: Record<string, BinaryFn> = {
  '<': (a, b, at) => {
    if (comparable(a, b)) return (a as number) < (b as number);
    throw noOverload('<', a, b, at);
  },
  '<=': (a, b, at) => {
    if (comparable(a, b)) return (a as number) <= (b as number);
    throw noOverload('<=', a, b, at);
  },
  '>': (a, b, at) => {
    if (comparable(a, b)) return (a as number) > (b as number);
    throw noOverload('>', a, b, at);
  },
  '>=': (a, b, at) => {
    if (comparable(a, b)) return (a as number) >= (b as number);
    throw noOverload('>=', a, b, at);
  },
};

/** `a in b`: element of a list (CEL equality) or key of a map; nothing else. */
export function inOp(a: unknown, b: unknown, at: number): boolean {
  if (Array.isArray(b)) {
    for (const x of b) if (isEqual(a, x)) return true;
    return false;
  }
  if (isPlainObject(b)) return Object.hasOwn(b, a as PropertyKey) ? b[a as string] !== undefined : false;
  throw noOverload('in', a, b, at);
}

export const BINARY: Readonly<Record<string, BinaryFn>> = {
  ...arith,
  ...order,
  '==': (a, b) => celEquals(a, b),
  '!=': (a, b) => !celEquals(a, b),
  in: inOp,
};

/** A declared variable read from the evaluation's `vars`: absent is an error, and a `map` variable must be a map. */
export function variable(x: unknown, name: string, type: 'map' | 'dyn', at: number): unknown {
  if (x === undefined) throw evalError('unknown_variable', `Unknown variable: ${name}`, at);
  if (type === 'map' && !isMapValue(x)) {
    throw evalError('variable_type_mismatch', `Variable '${name}' is not of type 'map<dyn, dyn>', got '${typeName(x)}'`, at);
  }
  return x;
}

/** A map literal from its evaluated entries; the keys the interpreter drops are dropped. */
export function mapLiteral(entries: readonly (readonly [unknown, unknown])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, x] of entries) if (k !== '__proto__' && k !== 'constructor' && k !== 'prototype') out[k as string] = x;
  return out;
}

/** A ternary condition: must be a bool. */
export function condition(x: unknown, at: number): boolean {
  if (typeof x === 'boolean') return x;
  throw conditionError('Ternary condition must be bool', x, at);
}

/** What a caught throw becomes as the left operand of && / ||. */
export function asError(e: unknown): Error {
  return e instanceof Error ? e : evalError('internal', String(e));
}

export function negate(a: unknown, at: number): unknown {
  if (typeof a === 'bigint') return -a;
  if (typeof a === 'number') return -a;
  throw evalError('no_such_overload', `no such overload: -${typeName(a)}`, at);
}

export function not(a: unknown, at: number): boolean {
  if (typeof a === 'boolean') return !a;
  throw evalError('no_such_overload', `no such overload: !${typeName(a)}`, at);
}

export function logicalOperandError(v: unknown, at: number): Error {
  return evalError('invalid_logical_operand', `Logical operator requires bool operands, got '${typeName(v)}'`, at);
}

export function conditionError(label: string, v: unknown, at: number): Error {
  return evalError('invalid_condition_type', `${label}, got '${typeName(v)}'`, at);
}

/** What a comprehension ranges over: a list's elements or a map's keys. */
export function iterItems(coll: unknown, at: number): readonly unknown[] {
  if (Array.isArray(coll)) return coll;
  if (coll !== null && typeof coll === 'object') return Object.keys(coll);
  throw evalError(
    'invalid_comprehension_range',
    `Expression of type '${typeName(coll)}' cannot be range of a comprehension (must be list, map, or dynamic).`,
    at,
  );
}

/** Whether a runtime value matches a declared parameter type (overload dispatch). */
export function matchesParam(v: unknown, t: CelParamType): boolean {
  return t === 'dyn' || kindOf(v) === t;
}

export function noMatchingOverload(call: string, args: readonly unknown[], at: number): Error {
  return evalError('no_matching_overload', `found no matching overload for '${call}(${args.map(typeName).join(', ')})'`, at);
}

/**
 * The fast path (codegen.ts) gives up by throwing this: not an Error, so no stack is captured, and
 * it never leaves the generated function (the exact path then evaluates the expression).
 */
const GIVE_UP = Object.freeze({ giveUp: true });

export function giveUp(): never {
  throw GIVE_UP;
}

/** A fast-path operand of `&&`, `||`, `!`, `?:` or a macro's predicate: a bool, or give up. */
export function mustBeBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  throw GIVE_UP;
}
