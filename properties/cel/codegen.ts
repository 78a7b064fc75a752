/**
 * Closure compilation of a checked CEL AST: each node becomes a JavaScript closure
 * `(vars, frame) => value`, built once at load; evaluation is then plain function calls, with
 * no AST walk, no overload lookup by type name and no context objects. Iteration variables live
 * in `frame` at a slot fixed at compile time (their nesting depth).
 *
 * Why closures and not `new Function`: no source text is generated from spec strings, so there
 * is nothing to escape and no eval (the spec is data, and nothing in it can execute code);
 * stack traces stay readable; and the speed is close enough (see bench/cel.bench.ts).
 *
 * A node outside the compiled subset throws Unsupported; compile.ts then keeps the interpreter
 * for that expression and reports why.
 */
import type { ASTNode } from '@marcbachmann/cel-js';
import { FUNCTIONS, METHODS, dispatch, type Overload } from './builtins.ts';
import { CEL_VARIABLES } from './environment.ts';
import { CelEvalError, evalError } from './errors.ts';
import * as rt from './runtime.ts';
import { isMapValue, typeName } from './values.ts';

export type Vars = Readonly<Record<string, unknown>>;
export type Code = (v: Vars, f: unknown[]) => unknown;

/** The expression uses something the compiler does not compile (bytes, uint, cel.bind, type names…). */
export class Unsupported extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Loose view of the library's AST node (its `args` shape depends on `op`). */
interface Node {
  op: string;
  args: any;
  pos: number;
  start: number;
}

const VAR_TYPES = new Map(CEL_VARIABLES.map((v) => [v.name, v.type]));
const MACROS: Record<string, number[]> = { all: [2], exists: [2], exists_one: [2], map: [2, 3], filter: [2] };

export function isMacroCall(n: { op: string; args: any }): boolean {
  return n.op === 'rcall' && (MACROS[n.args[0]]?.includes(n.args[2].length) ?? false);
}

/** Compiles `root`; `slots` is the frame size the closure needs. */
export function generate(root: ASTNode): { code: Code; slots: number } {
  let slots = 0;

  function gen(n: Node, scope: readonly string[]): Code {
    const at = n.pos;
    switch (n.op) {
      case 'value': {
        const c: unknown = n.args;
        if (typeof c === 'object' && c !== null) throw new Unsupported(at, `literal of type ${typeName(c)}`);
        return () => c;
      }
      case 'id':
        return variable(n.args as string, scope, at);
      case '.': {
        const o = gen(n.args[0], scope);
        const name = n.args[1] as string;
        return (v, f) => {
          const x = o(v, f);
          // Fast path for the common case, a present key of a plain object; the rest in rt.select.
          if (typeof x === 'object' && x !== null && x.constructor === Object) {
            const y = (x as Record<string, unknown>)[name];
            if (y !== undefined && Object.hasOwn(x, name)) return y;
          }
          return rt.select(x, name, at);
        };
      }
      case '[]': {
        const o = gen(n.args[0], scope);
        const k = gen(n.args[1], scope);
        return (v, f) => rt.index(o(v, f), k(v, f), at);
      }
      case 'call': {
        const [name, args] = n.args as [string, Node[]];
        if (name === 'has' && args.length === 1) return has(args[0]!, scope);
        const overloads = FUNCTIONS[`${name}/${args.length}`];
        if (!overloads) throw new Unsupported(at, `function ${name}() with ${args.length} argument(s)`);
        return call(overloads, name, args.map((a) => gen(a, scope)), false, at);
      }
      case 'rcall': {
        const [name, recv, args] = n.args as [string, Node, Node[]];
        if (isMacroCall(n)) return macro(name, recv, args, scope);
        let overloads = METHODS[`${name}/${args.length}`];
        if (!overloads) throw new Unsupported(at, `method .${name}() with ${args.length} argument(s)`);
        if (staticReceiver(recv, args)) {
          // The interpreter binds such a call at check time: `[dyn(x)].join()` reaches join's own
          // element check instead of failing overload resolution on the first element's type.
          overloads = overloads.map((o) => (o.recv === 'list<string>' ? { ...o, recv: 'list' } : o));
        }
        return call(overloads, name, [recv, ...args].map((a) => gen(a, scope)), true, at);
      }
      case 'list': {
        const items = (n.args as Node[]).map((a) => gen(a, scope));
        // The interpreter evaluates elements last to first; so do we, so the same error wins.
        return (v, f) => {
          const out = new Array<unknown>(items.length);
          for (let i = items.length - 1; i >= 0; i--) out[i] = items[i]!(v, f);
          return out;
        };
      }
      case 'map': {
        const entries = (n.args as [Node, Node][]).map(([k, x]) => [gen(k, scope), gen(x, scope)] as const);
        return (v, f) => {
          const kv = entries.map(([k, x]) => [k(v, f), x(v, f)] as const);
          const out: Record<string, unknown> = {};
          for (const [k, x] of kv) if (k !== '__proto__' && k !== 'constructor' && k !== 'prototype') out[k as string] = x;
          return out;
        };
      }
      case '?:': {
        const [c, a, b] = (n.args as Node[]).map((x) => gen(x, scope)) as [Code, Code, Code];
        const cat = n.args[0].pos as number;
        return (v, f) => {
          const x = c(v, f);
          if (x === true) return a(v, f);
          if (x === false) return b(v, f);
          throw rt.conditionError('Ternary condition must be bool', x, cat);
        };
      }
      case '&&':
      case '||':
        return logical(n.op === '&&', gen(n.args[0], scope), gen(n.args[1], scope), n.args[0].pos);
      case '!_': {
        const x = gen(n.args, scope);
        return (v, f) => rt.not(x(v, f), at);
      }
      case '-_': {
        const x = gen(n.args, scope);
        return (v, f) => rt.negate(x(v, f), at);
      }
      default: {
        const op = rt.BINARY[n.op];
        if (!op) throw new Unsupported(at, `operator ${n.op}`);
        const [ln, rn] = n.args as [Node, Node];
        const l = gen(ln, scope);
        const r = gen(rn, scope);
        if ((n.op === '==' || n.op === '!=') && (isScalarLiteral(rn) || isScalarLiteral(ln))) {
          // Against a string/bool/null literal, CEL equality is JavaScript identity (other kinds are unequal).
          const lit = isScalarLiteral(rn) ? rn.args : ln.args;
          const other = isScalarLiteral(rn) ? l : r;
          return n.op === '==' ? (v, f) => other(v, f) === lit : (v, f) => other(v, f) !== lit;
        }
        return (v, f) => op(l(v, f), r(v, f), at);
      }
    }
  }

  function variable(name: string, scope: readonly string[], at: number): Code {
    const slot = scope.lastIndexOf(name); // the innermost iteration variable shadows
    if (slot >= 0) return (_, f) => f[slot];
    const type = VAR_TYPES.get(name);
    if (!type) throw new Unsupported(at, `constant '${name}'`);
    return (v) => {
      const x = v[name];
      if (x === undefined) throw evalError('unknown_variable', `Unknown variable: ${name}`, at);
      if (type === 'map' && !isMapValue(x)) {
        throw evalError('variable_type_mismatch', `Variable '${name}' is not of type 'map<dyn, dyn>', got '${typeName(x)}'`, at);
      }
      return x;
    };
  }

  function has(arg: Node, scope: readonly string[]): Code {
    const names: string[] = [];
    const ats: number[] = [];
    let n = arg;
    for (; n.op === '.'; n = n.args[0]) {
      names.unshift(n.args[1]);
      ats.unshift(n.pos);
    }
    if (names.length === 0 || n.op !== 'id') throw new Unsupported(arg.pos, 'has() of a non-field expression');
    const root = variable(n.args, scope, n.pos);
    return (v, f) => rt.hasPath(root(v, f), names, ats);
  }

  function call(overloads: readonly Overload[], name: string, codes: Code[], isMethod: boolean, at: number): Code {
    return (v, f) => {
      const args = new Array<unknown>(codes.length);
      for (let i = codes.length - 1; i >= 0; i--) args[i] = codes[i]!(v, f); // last to first, as the interpreter
      const impl = dispatch(overloads, name, args, isMethod, at);
      try {
        return impl(...args);
      } catch (e) {
        if (e instanceof CelEvalError && e.offset === undefined) e.offset = at;
        throw e;
      }
    };
  }

  function macro(name: string, recv: Node, args: Node[], scope: readonly string[]): Code {
    const it = gen(recv, scope);
    const slot = scope.length;
    slots = Math.max(slots, slot + 1);
    const inner = [...scope, args[0]!.args as string];
    const body = args.slice(1).map((a) => gen(a, inner));
    const p = body[0]!;
    const pat = args[1]!.pos;
    const rat = recv.pos;
    const label = (desc: string) => (x: unknown) => rt.conditionError(`${name}(${desc}) must return bool`, x, pat);
    switch (name) {
      case 'all':
      case 'exists': {
        // Errors are absorbed when a later element decides the result (CEL's commutative && / ||).
        const decisive = name === 'exists';
        const bad = label('var, predicate) predicate');
        return (v, f) => {
          const items = rt.iterItems(it(v, f), rat);
          let err: unknown;
          for (let i = 0; i < items.length; i++) {
            f[slot] = items[i];
            let r: unknown;
            try {
              r = p(v, f);
            } catch (e) {
              err ??= e;
              continue;
            }
            if (r === decisive) return decisive;
            if (r !== !decisive) err ??= bad(r);
          }
          if (err !== undefined) throw err;
          return !decisive;
        };
      }
      case 'exists_one': {
        const bad = label('var, predicate) predicate');
        return (v, f) => {
          const items = rt.iterItems(it(v, f), rat);
          let count = 0;
          for (let i = 0; i < items.length; i++) {
            f[slot] = items[i];
            const r = p(v, f);
            if (r === true) count++;
            else if (r !== false) throw bad(r);
          }
          return count === 1;
        };
      }
      default: {
        // filter(x, p), map(x, t), map(x, p, t): errors are fatal, as in the interpreter.
        const filter = name === 'filter' || body.length === 2;
        const t = name === 'map' ? body[body.length - 1]! : undefined;
        const bad = label(name === 'filter' ? 'var, predicate) predicate' : 'var, filter, transform) filter predicate');
        return (v, f) => {
          const items = rt.iterItems(it(v, f), rat);
          const out: unknown[] = [];
          for (let i = 0; i < items.length; i++) {
            f[slot] = items[i];
            if (filter) {
              const r = p(v, f);
              if (r === false) continue;
              if (r !== true) throw bad(r);
            }
            out.push(t ? t(v, f) : items[i]);
          }
          return out;
        };
      }
    }
  }

  const code = gen(root as unknown as Node, []);
  return { code, slots };
}

function logical(isAnd: boolean, l: Code, r: Code, at: number): Code {
  // CEL's commutative semantics: an error or non-bool on one side is absorbed when the other side
  // alone decides the result (false for &&, true for ||); the left side's error wins otherwise.
  const decisive = !isAnd;
  return (v, f) => {
    let a: unknown;
    try {
      a = l(v, f);
    } catch (e) {
      a = e instanceof Error ? e : new CelEvalError('internal', String(e));
    }
    if (a === decisive) return decisive;
    const b = r(v, f);
    if (a === !decisive) {
      if (typeof b === 'boolean') return b;
      throw rt.logicalOperandError(b, at);
    }
    if (b === decisive) return decisive;
    if (b === !decisive) throw a instanceof Error ? a : rt.logicalOperandError(a, at);
    throw rt.logicalOperandError(b, at);
  };
}

interface CheckedType {
  kind: string;
  hasDynType: boolean;
  hasPlaceholderType: boolean;
}

/** A receiver whose checked type is concrete (e.g. `list<dyn>`, not `dyn`), with dyn-free arguments. */
function staticReceiver(recv: Node, args: Node[]): boolean {
  const t = (recv as Node & { checkedType?: CheckedType }).checkedType;
  if (!t || t.kind === 'dyn' || t.hasPlaceholderType) return false;
  return args.every((a) => (a as Node & { checkedType?: CheckedType }).checkedType?.hasDynType === false);
}

function isScalarLiteral(n: Node): boolean {
  return n.op === 'value' && (typeof n.args === 'string' || typeof n.args === 'boolean' || n.args === null);
}
