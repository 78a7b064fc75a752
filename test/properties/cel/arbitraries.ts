/**
 * fast-check generators for the CEL differential test: random observation-like data (lists of
 * maps with strings, ints, doubles, bools, nulls, nested lists and maps) and random expressions
 * from a grammar covering the compiled subset. Expressions are generated as trees and printed
 * fully parenthesised, so precedence never decides what a test means; iteration variables are
 * references "the i-th innermost variable in scope", so every printed expression is well scoped.
 */
import fc from 'fast-check';

const KEYS = ['a', 'b', 'name', 'n', 'ok', 'items', 'labels', 'selector', 'ip'] as const;
const STRINGS = ['', 'x', 'y', 'a', 'None', '10.96.0.10', '10.244.1.7', 'fd00::1', 'web-1', 'a.b'] as const;

export const scalarArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...STRINGS),
  fc.bigInt(-3n, 3n),
  fc.constantFrom(0, 1, 2, 1.5, -2.5, Number.NaN),
  fc.boolean(),
  fc.constant(null),
);

export const valueArb: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArb,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie('v'), { maxKeys: 3 }),
  ),
})).v;

const labelsArb = fc.dictionary(fc.constantFrom('app', 'tier', 'x'), fc.constantFrom('web', 'db', 'a'), { maxKeys: 2 });

/** An object shaped like an observation entry: a few known fields plus random ones. */
export const itemArb = fc.record(
  {
    name: fc.constantFrom(...STRINGS),
    n: fc.oneof(fc.bigInt(-2n, 5n), fc.constantFrom(1.5, 2)),
    ok: fc.boolean(),
    ip: fc.constantFrom(...STRINGS),
    labels: labelsArb,
    selector: fc.oneof(labelsArb, fc.constant(null)),
    items: fc.array(valueArb, { maxLength: 3 }),
    a: valueArb,
  },
  { requiredKeys: ['name', 'n', 'ok', 'labels'] },
);

export const observationArb = fc.record({
  items: fc.array(itemArb, { maxLength: 4 }),
  a: valueArb,
  b: valueArb,
  n: fc.bigInt(-2n, 5n),
  name: fc.constantFrom(...STRINGS),
  labels: labelsArb,
});

export type Expr =
  | { k: 'lit'; v: string }
  | { k: 'var'; name: 'state' | 'prev'; key?: string }
  | { k: 'iter'; i: number }
  | { k: 'sel'; e: Expr; key: string }
  | { k: 'idx'; e: Expr; i: Expr }
  | { k: 'has'; e: Expr; keys: string[] }
  | { k: 'dyn'; e: Expr }
  | { k: 'un'; op: '!' | '-'; e: Expr }
  | { k: 'bin'; op: string; l: Expr; r: Expr }
  | { k: 'tern'; c: Expr; a: Expr; b: Expr }
  | { k: 'list'; es: Expr[] }
  | { k: 'map'; key: string; e: Expr }
  | { k: 'macro'; name: string; recv: Expr; v: string; body: Expr[] }
  | { k: 'call'; name: string; args: Expr[] }
  | { k: 'method'; name: string; recv: Expr; args: Expr[] };

const LITERALS = ['0', '1', '2', '-1', '3', '1.5', '2.0', '""', '"x"', '"a"', '"None"', '"10.96.0.0/12"', '"^w"', '"["',
  'true', 'false', 'null', '[]', '{}', '"fd00::/8"', '9223372036854775807'];
const BINOPS = ['==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%', 'in', '&&', '||'];
const FUNCS: [string, number][] = [['size', 1], ['string', 1], ['int', 1], ['double', 1], ['dyn', 1],
  ['selects', 2], ['inCIDR', 2], ['unique', 1]];
const METHODS: [string, number][] = [['size', 0], ['startsWith', 1], ['endsWith', 1], ['contains', 1], ['matches', 1],
  ['lowerAscii', 0], ['trim', 0], ['indexOf', 1], ['split', 1], ['substring', 1], ['join', 0], ['join', 1]];

const leafArb: fc.Arbitrary<Expr> = fc.oneof(
  fc.constantFrom(...LITERALS).map((v): Expr => ({ k: 'lit', v })),
  // Mostly `state.key`: a bare `state` is statically a map, and most operators reject it at compile time.
  fc
    .record({ name: fc.constantFrom('state', 'prev'), key: fc.option(fc.constantFrom('items', 'a', 'b', 'n', 'name', 'labels'), { freq: 5 }) })
    .map(({ name, key }): Expr => ({ k: 'var', name: name as 'state', ...(key === null ? {} : { key }) })),
  fc.nat(2).map((i): Expr => ({ k: 'iter', i })),
);

/**
 * Expressions up to depth n. Weighted towards variables and field selection, so that most
 * expressions type-check (literals of the wrong type are rejected at compile time and test nothing).
 */
const exprOf: (n: number) => fc.Arbitrary<Expr> = fc.memo((n) => {
  if (n <= 1) return leafArb;
  const e = exprOf(n - 1);
  const key = fc.constantFrom(...KEYS);
  return fc.oneof(
    { weight: 2, arbitrary: leafArb },
    { weight: 4, arbitrary: fc.record({ e, key }).map((x): Expr => ({ k: 'sel', ...x })) },
    { weight: 1, arbitrary: fc.record({ e, i: e }).map((x): Expr => ({ k: 'idx', ...x })) },
    { weight: 1, arbitrary: fc.record({ e, keys: fc.array(key, { minLength: 1, maxLength: 2 }) }).map((x): Expr => ({ k: 'has', ...x })) },
    // dyn() hides static types: what the checker would reject now reaches the runtime checks.
    { weight: 3, arbitrary: e.map((x): Expr => ({ k: 'dyn', e: x })) },
    { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('!', '-'), e }).map((x): Expr => ({ k: 'un', ...(x as { op: '!'; e: Expr }) })) },
    { weight: 4, arbitrary: fc.record({ op: fc.constantFrom(...BINOPS), l: e, r: e }).map((x): Expr => ({ k: 'bin', ...x })) },
    { weight: 1, arbitrary: fc.record({ c: e, a: e, b: e }).map((x): Expr => ({ k: 'tern', ...x })) },
    { weight: 1, arbitrary: fc.array(e, { maxLength: 2 }).map((es): Expr => ({ k: 'list', es })) },
    { weight: 1, arbitrary: fc.record({ key, e }).map((x): Expr => ({ k: 'map', ...x })) },
    {
      weight: 3,
      arbitrary: fc
        .record({
          m: fc.constantFrom('all', 'exists', 'exists_one', 'map', 'map3', 'filter'),
          recv: e,
          v: fc.constantFrom('x', 'y', 'state'),
          b1: e,
          b2: e,
        })
        .map(({ m, recv, v, b1, b2 }): Expr => ({ k: 'macro', name: m === 'map3' ? 'map' : m, recv, v, body: m === 'map3' ? [b1, b2] : [b1] })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({ f: fc.constantFrom(...FUNCS), a: e, b: e })
        .map(({ f, a, b }): Expr => ({ k: 'call', name: f[0], args: [a, b].slice(0, f[1]) })),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({ m: fc.constantFrom(...METHODS), recv: e, a: e })
        .map(({ m, recv, a }): Expr => ({ k: 'method', name: m[0], recv, args: [a].slice(0, m[1]) })),
    },
  );
});

export const exprArb: fc.Arbitrary<Expr> = fc.integer({ min: 2, max: 7 }).chain((n) => exprOf(n));

/** Prints an expression, resolving `iter` references against the variables in scope. */
export function print(x: Expr, scope: string[] = []): string {
  const p = (y: Expr) => print(y, scope);
  switch (x.k) {
    case 'lit':
      return x.v;
    case 'var':
      return x.key ? `${x.name}.${x.key}` : x.name;
    case 'iter':
      return scope.length ? scope[scope.length - 1 - (x.i % scope.length)]! : 'state';
    case 'sel':
      return `(${p(x.e)}).${x.key}`;
    case 'idx':
      return `(${p(x.e)})[${p(x.i)}]`;
    case 'has': {
      const root = x.e.k === 'var' ? x.e.name : x.e.k === 'iter' ? p(x.e) : 'state';
      return `has(${root}.${x.keys.join('.')})`;
    }
    case 'dyn':
      return `dyn(${p(x.e)})`;
    case 'un':
      return `${x.op}(${p(x.e)})`;
    case 'bin':
      return `(${p(x.l)}) ${x.op} (${p(x.r)})`;
    case 'tern':
      return `(${p(x.c)}) ? (${p(x.a)}) : (${p(x.b)})`;
    case 'list':
      return `[${x.es.map(p).join(', ')}]`;
    case 'map':
      return `{"${x.key}": ${p(x.e)}}`;
    case 'macro': {
      const inner = [...scope, x.v];
      return `(${p(x.recv)}).${x.name}(${x.v}, ${x.body.map((b) => print(b, inner)).join(', ')})`;
    }
    case 'call':
      return `${x.name}(${x.args.map(p).join(', ')})`;
    case 'method':
      return `(${p(x.recv)}).${x.name}(${x.args.map(p).join(', ')})`;
  }
}
