/**
 * The standard CEL functions compile.ts compiles (the rest of the standard library makes an
 * expression fall back to the interpreter). Each overload mirrors @marcbachmann/cel-js's
 * functions.js: the same receiver/argument types, results and error codes.
 */
import { CelEvalError, evalError } from './errors.ts';
import type { CelParamType } from './helpers.ts';
import { CEL_HELPERS } from './helpers.ts';
import { matchesParam, noMatchingOverload } from './runtime.ts';
import { typeName } from './values.ts';

export interface Overload {
  /** Receiver type for methods; absent for global functions. */
  recv?: CelParamType | 'list<string>';
  params: readonly CelParamType[];
  impl: (...args: unknown[]) => unknown;
}

const S = 'string';
const MAX_INT = 9223372036854775807n;
const MIN_INT = -9223372036854775808n;

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

const regexps = new Map<string, RegExp | undefined>();
function regexp(pattern: string): RegExp {
  let re = regexps.get(pattern);
  if (re === undefined && !regexps.has(pattern)) {
    try {
      re = new RegExp(pattern);
    } catch {
      re = undefined;
    }
    if (regexps.size > 1024) regexps.clear();
    regexps.set(pattern, re);
  }
  if (!re) throw evalError('invalid_regular_expression', `Invalid regular expression: ${pattern}`);
  return re;
}

function fromIndexCheck(s: string, i: number, fn: string): void {
  if (i < 0 || i >= s.length) throw evalError('index_out_of_range', `string.${fn}(search, fromIndex): fromIndex out of range`);
}

function substringCheck(s: string, start: number, end: number): void {
  if (start < 0 || start > s.length) throw evalError('index_out_of_range', 'string.substring(start, end): start index out of range');
  if (end < start || end > s.length) throw evalError('index_out_of_range', 'string.substring(start, end): end index out of range');
}

function joinCheck(xs: unknown[], what: string): void {
  for (const x of xs) if (typeof x !== 'string') throw evalError('invalid_list_element_type', `string.join(${what}): list must contain only strings`);
}

function toInt(v: string): bigint {
  if (v === v.trim() && v.length <= 20 && !v.includes('0x')) {
    try {
      const n = BigInt(v);
      if (n <= MAX_INT && n >= MIN_INT) return n;
    } catch {
      // not an integer literal: fall through to the conversion error
    }
  }
  throw evalError('int_conversion_error', 'int() type error: cannot convert to int');
}

function toDouble(v: string): number {
  const bad = () => evalError('double_conversion_error', 'double() type error: cannot convert to double');
  if (!v || v !== v.trim()) throw bad();
  switch (v.toLowerCase()) {
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Number.POSITIVE_INFINITY;
    case '-inf':
    case '-infinity':
      return Number.NEGATIVE_INFINITY;
    case 'nan':
      return Number.NaN;
  }
  const n = Number(v);
  if (Number.isNaN(n)) throw bad();
  return n;
}

const size = [
  { recv: S, params: [], impl: (s) => BigInt(codePoints(s as string)) },
  { recv: 'list', params: [], impl: (l) => BigInt((l as unknown[]).length) },
  { recv: 'map', params: [], impl: (m) => BigInt(Object.keys(m as object).length) },
] satisfies Overload[];

/** Methods, keyed `name/arity`. */
export const METHODS: Readonly<Record<string, readonly Overload[]>> = {
  'size/0': size,
  'startsWith/1': [{ recv: S, params: [S], impl: (a, b) => (a as string).startsWith(b as string) }],
  'endsWith/1': [{ recv: S, params: [S], impl: (a, b) => (a as string).endsWith(b as string) }],
  'contains/1': [{ recv: S, params: [S], impl: (a, b) => (a as string).includes(b as string) }],
  'matches/1': [{ recv: S, params: [S], impl: (a, b) => regexp(b as string).test(a as string) }],
  'lowerAscii/0': [{ recv: S, params: [], impl: (a) => (a as string).toLowerCase() }],
  'upperAscii/0': [{ recv: S, params: [], impl: (a) => (a as string).toUpperCase() }],
  'trim/0': [{ recv: S, params: [], impl: (a) => (a as string).trim() }],
  'indexOf/1': [{ recv: S, params: [S], impl: (a, b) => BigInt((a as string).indexOf(b as string)) }],
  'lastIndexOf/1': [{ recv: S, params: [S], impl: (a, b) => BigInt((a as string).lastIndexOf(b as string)) }],
  'indexOf/2': [
    {
      recv: S,
      params: [S, 'int'],
      impl: (s, search, from) => {
        if (search === '') return from;
        fromIndexCheck(s as string, Number(from), 'indexOf');
        return BigInt((s as string).indexOf(search as string, Number(from)));
      },
    },
  ],
  'lastIndexOf/2': [
    {
      recv: S,
      params: [S, 'int'],
      impl: (s, search, from) => {
        if (search === '') return from;
        fromIndexCheck(s as string, Number(from), 'lastIndexOf');
        return BigInt((s as string).lastIndexOf(search as string, Number(from)));
      },
    },
  ],
  'substring/1': [
    {
      recv: S,
      params: ['int'],
      impl: (s, start) => {
        substringCheck(s as string, Number(start), (s as string).length);
        return (s as string).substring(Number(start));
      },
    },
  ],
  'substring/2': [
    {
      recv: S,
      params: ['int', 'int'],
      impl: (s, start, end) => {
        substringCheck(s as string, Number(start), Number(end));
        return (s as string).substring(Number(start), Number(end));
      },
    },
  ],
  'split/1': [{ recv: S, params: [S], impl: (s, sep) => (s as string).split(sep as string) }],
  'join/0': [{ recv: 'list<string>', params: [], impl: (l) => (joinCheck(l as unknown[], ''), (l as string[]).join('')) }],
  'join/1': [
    {
      recv: 'list<string>',
      params: [S],
      impl: (l, sep) => (joinCheck(l as unknown[], 'separator'), (l as string[]).join(sep as string)),
    },
  ],
};

/** Global functions, keyed `name/arity`: size, the conversions we compile, and the svcspec helpers. */
export const FUNCTIONS: Readonly<Record<string, readonly Overload[]>> = {
  'size/1': size.map((o) => ({ params: [o.recv], impl: o.impl })),
  'dyn/1': [{ params: ['dyn'], impl: (v) => v }],
  'string/1': [
    { params: [S], impl: (v) => v },
    { params: ['bool'], impl: (v) => `${v as boolean}` },
    { params: ['int'], impl: (v) => `${v as bigint}` },
    { params: ['double'], impl: (v) => (v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : `${v as number}`) },
  ],
  'int/1': [
    { params: ['int'], impl: (v) => v },
    {
      params: ['double'],
      impl: (v) => {
        if (Number.isFinite(v)) return BigInt(Math.trunc(v as number));
        throw evalError('numeric_overflow', 'int() type error: integer overflow');
      },
    },
    { params: [S], impl: (v) => toInt(v as string) },
  ],
  'double/1': [
    { params: ['double'], impl: (v) => v },
    { params: ['int'], impl: (v) => Number(v) },
    { params: [S], impl: (v) => toDouble(v as string) },
  ],
  ...Object.fromEntries(
    CEL_HELPERS.map((h) => [`${h.name}/${h.params.length}`, h.overloads.map((params) => ({ params, impl: h.impl }))]),
  ),
};

function recvMatches(v: unknown, t: Overload['recv']): boolean {
  if (t === 'list<string>') return Array.isArray(v) && (v.length === 0 || typeof v[0] === 'string');
  return t === undefined || matchesParam(v, t);
}

/**
 * First overload whose types match the runtime values (receiver first for methods), or a
 * `no_matching_overload` error naming the call as the interpreter does.
 */
export function dispatch(
  overloads: readonly Overload[],
  name: string,
  args: readonly unknown[],
  isMethod: boolean,
  at: number,
): Overload['impl'] {
  const first = isMethod ? 1 : 0;
  const n = args.length - first;
  next: for (const o of overloads) {
    if (o.params.length !== n || (isMethod && !recvMatches(args[0], o.recv))) continue;
    for (let i = 0; i < n; i++) if (!matchesParam(args[first + i], o.params[i]!)) continue next;
    return o.impl;
  }
  const label = isMethod ? `${typeName(args[0])}.${name}` : name;
  throw noMatchingOverload(label, args.slice(first), at);
}

/** Dispatches and calls; an error the implementation throws without a position gets the call's. */
export function invoke(overloads: readonly Overload[], name: string, args: unknown[], isMethod: boolean, at: number): unknown {
  const impl = dispatch(overloads, name, args, isMethod, at);
  try {
    return impl(...args);
  } catch (e) {
    if (e instanceof CelEvalError && e.offset === undefined) e.offset = at;
    throw e;
  }
}
