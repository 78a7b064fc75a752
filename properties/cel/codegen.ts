/**
 * Compiles a checked CEL AST to one JavaScript function, once at load, as ajv compiles schemas.
 *
 * Why generated source (`new Function`) and not a tree of closures: in a closure tree every call
 * site is megamorphic; ours measured only 1.2-3.5x faster than the interpreter. Straight-line code
 * lets V8 inline field reads, helpers and loops: 6-12x faster than the interpreter, 3-9x slower
 * than hand-written JavaScript (bench/cel.bench.ts).
 * Why it is still safe: no text of the spec is ever pasted into the source. Field names and
 * string literals are emitted through JSON.stringify (a JS string literal), other literals and
 * tables live in the constants array `k`, identifiers are generated (`x0`, `t3`, `L2`), and
 * everything else is fixed template text. Where code generation from strings is disabled,
 * compile.ts keeps the interpreter.
 *
 * Shape of the output: `&&`/`||` and each macro become hoisted functions taking `vars` and the
 * iteration variables in scope (`x0` is the outermost); the rest are expressions. A node outside
 * the compiled subset throws Unsupported.
 *
 * Two paths: the exact one keeps CEL's rules for errors at every `&&`, `||` and quantifier (an
 * error is absorbed where the other side decides, so each operand runs under try/catch); the fast
 * one is plain JavaScript on booleans and gives up (throws) at the first error or non-bool
 * operand. Where the fast path answers, no error was met, and without errors CEL's `&&`, `||`,
 * `all` and `exists` are JavaScript's short-circuit ones: the same value. The function returned
 * tries the fast path and, where it gives up, evaluates the exact one. On the observations of
 * generated runs the fast path answered every time (test/properties/cel/fast-path.test.ts holds
 * it to fewer than one give-up in a thousand), and the spec's invariants took a third less time.
 */
import type { ASTNode } from '@marcbachmann/cel-js';
import { FUNCTIONS, METHODS, invoke, type Overload } from './builtins.ts';
import { CEL_VARIABLES } from './environment.ts';
import * as runtime from './runtime.ts';
import { celEquals, typeName } from './values.ts';

export type Vars = Readonly<Record<string, unknown>>;

/** The expression uses something the compiler does not compile (bytes, uint, cel.bind, type names…). */
export class Unsupported extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

interface Node {
  op: string;
  args: any;
  pos: number;
  checkedType?: { kind: string; hasDynType: boolean; hasPlaceholderType: boolean };
}

/** What generated code calls, as the parameter `rt`. */
const RT = { ...runtime, eq: celEquals, invoke };
const BINARY_NAMES: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'mod', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', in: 'inOp' };
for (const [op, name] of Object.entries(BINARY_NAMES)) (RT as Record<string, unknown>)[name] = runtime.BINARY[op];

/** Property names some JSON value inherits (`length`, `toString`, `keys`…): reading them needs the full check. */
const PROTOTYPE_NAMES = new Set(
  [Object.prototype, Array.prototype, String.prototype, Number.prototype, BigInt.prototype, Boolean.prototype].flatMap((p) =>
    Object.getOwnPropertyNames(p),
  ),
);
const VAR_TYPES = new Map(CEL_VARIABLES.map((v) => [v.name, v.type]));
const MACROS: Record<string, number[]> = { all: [2], exists: [2], exists_one: [2], map: [2, 3], filter: [2] };
const str = (s: string): string => JSON.stringify(s);
/** Operators whose generated code gives a bool or throws. */
const BOOLEAN_OPS = new Set(['&&', '||', '!_', '==', '!=', '<', '<=', '>', '>=', 'in']);

export function isMacroCall(n: { op: string; args: any }): boolean {
  return n.op === 'rcall' && (MACROS[n.args[0]]?.includes(n.args[2].length) ?? false);
}

/** One generated function: its temporaries. */
class Fn {
  temps = 0;
  temp(): string {
    return `t${this.temps++}`;
  }
  decl(): string {
    return this.temps ? `let ${Array.from({ length: this.temps }, (_, i) => `t${i}`).join(', ')};` : '';
  }
}

export function generate(root: ASTNode): { fn: (vars: Vars) => unknown; fast: (vars: Vars) => unknown; js: string } {
  const consts: unknown[] = [];
  const hoisted: string[] = [];
  const k = (v: unknown): string => `k[${consts.push(v) - 1}]`;
  const params = (depth: number) => ['vars', ...Array.from({ length: depth }, (_, i) => `x${i}`)].join(', ');

  /** Emits a hoisted function for the current scope; returns the expression that calls it. */
  function hoist(prefix: string, depth: number, body: (fn: Fn) => string): string {
    const slot = hoisted.push('') - 1; // reserved first: the body may hoist nested functions
    const name = `${prefix}${slot}`;
    const fn = new Fn();
    const code = body(fn);
    hoisted[slot] = `function ${name}(${params(depth)}) {\n${fn.decl()}\n${code}\n}`;
    return `${name}(${params(depth)})`;
  }

  function gen(n: Node, scope: readonly string[], fn: Fn, fast = false): string {
    const at = n.pos;
    if (fast) {
      const code = fastCode(n, scope, fn);
      if (code !== undefined) return code;
    }
    switch (n.op) {
      case 'value': {
        const c: unknown = n.args;
        if (typeof c === 'string') return str(c);
        if (typeof c === 'boolean' || c === null) return String(c);
        if (typeof c === 'bigint' || typeof c === 'number') return k(c);
        throw new Unsupported(at, `literal of type ${typeName(c)}`);
      }
      case 'id': {
        const depth = scope.lastIndexOf(n.args); // the innermost iteration variable shadows
        if (depth >= 0) return `x${depth}`;
        const type = VAR_TYPES.get(n.args);
        if (!type) throw new Unsupported(at, `constant '${n.args}'`);
        return `rt.variable(vars[${str(n.args)}], ${str(n.args)}, ${str(type)}, ${at})`;
      }
      case '.': {
        const [t, y, name] = [fn.temp(), fn.temp(), n.args[1] as string];
        const key = str(name);
        const obj = gen(n.args[0], scope, fn, fast);
        // A present key of a JSON object is read inline; every other case goes to rt.select.
        // When no prototype of a JSON value has the name, `?.[key] !== undefined` proves an own key
        // (and its absence proves rt.select would throw: the fast path gives up at once).
        const missing = fast ? 'rt.giveUp()' : `rt.select(${t}, ${key}, ${at})`;
        if (!PROTOTYPE_NAMES.has(name)) return `((${y} = (${t} = ${obj})?.[${key}]) !== undefined ? ${y} : ${missing})`;
        return (
          `((${t} = ${obj}), typeof ${t} === "object" && ${t} !== null && !isArray(${t}) && ` +
          `(${y} = ${t}[${key}]) !== undefined && hasOwn(${t}, ${key}) ? ${y} : rt.select(${t}, ${key}, ${at}))`
        );
      }
      case '[]':
        return `rt.index(${gen(n.args[0], scope, fn, fast)}, ${gen(n.args[1], scope, fn, fast)}, ${at})`;
      case 'call': {
        const [name, args] = n.args as [string, Node[]];
        if (name === 'has' && args.length === 1) return has(args[0]!, scope, fn);
        const overloads = FUNCTIONS[`${name}/${args.length}`];
        if (!overloads) throw new Unsupported(at, `function ${name}() with ${args.length} argument(s)`);
        return call(overloads, name, args, false, scope, fn, at, fast);
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
        return call(overloads, name, [recv, ...args], true, scope, fn, at, fast);
      }
      case 'list':
        return `[${reversed(n.args as Node[], scope, fn, fast).join(', ')}]`;
      case 'map': {
        const entries = (n.args as [Node, Node][]).map(([a, b]) => `[${gen(a, scope, fn, fast)}, ${gen(b, scope, fn, fast)}]`);
        return `rt.mapLiteral([${entries.join(', ')}])`;
      }
      case '?:': {
        const [c, a, b] = (n.args as Node[]).map((x) => gen(x, scope, fn));
        return `(rt.condition(${c}, ${n.args[0].pos}) ? ${a} : ${b})`;
      }
      case '&&':
      case '||':
        return logical(n.op === '&&', n.args[0], n.args[1], scope);
      case '!_':
        return `rt.not(${gen(n.args, scope, fn)}, ${at})`;
      case '-_':
        return `rt.negate(${gen(n.args, scope, fn, fast)}, ${at})`;
      case '==':
      case '!=': {
        const [l, r] = n.args as [Node, Node];
        const lit = isScalarLiteral(r) ? r : isScalarLiteral(l) ? l : undefined;
        if (lit) {
          // Against a string/bool/null literal, CEL equality is identity (other kinds are unequal).
          const other = gen(lit === r ? l : r, scope, fn, fast);
          return `(${other} ${n.op === '==' ? '===' : '!=='} ${gen(lit, scope, fn)})`;
        }
        return `${n.op === '!=' ? '!' : ''}rt.eq(${gen(l, scope, fn)}, ${gen(r, scope, fn)})`;
      }
      default: {
        const name = BINARY_NAMES[n.op];
        if (!name) throw new Unsupported(at, `operator ${n.op}`);
        return `rt.${name}(${gen(n.args[0], scope, fn, fast)}, ${gen(n.args[1], scope, fn, fast)}, ${at})`;
      }
    }
  }

  /** Evaluates `nodes` last to first into temporaries (the interpreter's order, so the same error wins). */
  function reversed(nodes: Node[], scope: readonly string[], fn: Fn, fast = false): string[] {
    if (nodes.length <= 1) return nodes.map((a) => gen(a, scope, fn, fast));
    const ts = nodes.map(() => fn.temp());
    const assigns = nodes.map((a, i) => `${ts[i]} = ${gen(a, scope, fn, fast)}`).reverse();
    return [`(${assigns.join(', ')}, ${ts[0]})`, ...ts.slice(1)];
  }

  function call(os: readonly Overload[], name: string, args: Node[], isMethod: boolean, scope: readonly string[], fn: Fn, at: number, fast: boolean): string {
    return `rt.invoke(${k(os)}, ${str(name)}, [${reversed(args, scope, fn, fast).join(', ')}], ${isMethod}, ${at})`;
  }

  function has(arg: Node, scope: readonly string[], fn: Fn): string {
    const names: string[] = [];
    const ats: number[] = [];
    let n = arg;
    for (; n.op === '.'; n = n.args[0]) {
      names.unshift(n.args[1]);
      ats.unshift(n.pos);
    }
    if (names.length === 0 || n.op !== 'id') throw new Unsupported(arg.pos, 'has() of a non-field expression');
    return `rt.hasPath(${gen(n, scope, fn)}, ${k(names)}, ${k(ats)})`;
  }

  /**
   * The fast path's own code for the nodes where CEL's error semantics cost the most: `&&`, `||`,
   * `!`, the ternary, `==`, `all` and `exists` — as plain JavaScript on booleans, giving up
   * (throwing) wherever an operand is an error or not a bool. Any other node: undefined (gen's
   * code, its operands on the fast path too).
   */
  function fastCode(n: Node, scope: readonly string[], fn: Fn): string | undefined {
    switch (n.op) {
      case '&&':
      case '||':
        return `(${bool(n.args[0], scope, fn)} ${n.op} ${bool(n.args[1], scope, fn)})`;
      case '!_':
        return `!${bool(n.args, scope, fn)}`;
      case '?:':
        return `(${bool(n.args[0], scope, fn)} ? ${gen(n.args[1], scope, fn, true)} : ${gen(n.args[2], scope, fn, true)})`;
      case '==':
      case '!=': {
        const [l, r] = n.args as [Node, Node];
        if (isScalarLiteral(l) || isScalarLiteral(r)) return undefined;
        // A string equals only the same string (celEquals' first test); anything else takes celEquals.
        const [a, b] = [fn.temp(), fn.temp()];
        const eq = `((${a} = ${gen(l, scope, fn, true)}), (${b} = ${gen(r, scope, fn, true)}), typeof ${a} === "string" ? ${a} === ${b} : rt.eq(${a}, ${b}))`;
        return n.op === '==' ? eq : `!${eq}`;
      }
      case 'rcall': {
        const [name, recv, args] = n.args as [string, Node, Node[]];
        if (!isMacroCall(n) || (name !== 'all' && name !== 'exists')) return undefined;
        const depth = scope.length;
        const x = `x${depth}`;
        const inner = [...scope, args[0]!.args as string];
        const decided = String(name === 'exists');
        return hoist('F', depth, (f) =>
          [
            `const items = rt.iterItems(${gen(recv, scope, f, true)}, ${recv.pos});`,
            `for (let i = 0; i < items.length; i++) {\nconst ${x} = items[i];`,
            `if (${name === 'exists' ? '' : '!'}${bool(args[1]!, inner, f)}) return ${decided};\n}`,
            `return ${String(name !== 'exists')};`,
          ].join('\n'),
        );
      }
      default:
        return undefined;
    }
  }

  /** Fast-path code that is a bool or throws: the nodes that can only give a bool, else a check. */
  function bool(n: Node, scope: readonly string[], fn: Fn): string {
    const code = gen(n, scope, fn, true);
    if (BOOLEAN_OPS.has(n.op) || (n.op === 'call' && n.args[0] === 'has') || (isMacroCall(n) && n.args[0] !== 'map' && n.args[0] !== 'filter')) return code;
    return `rt.mustBeBool(${code})`;
  }

  function logical(isAnd: boolean, l: Node, r: Node, scope: readonly string[]): string {
    // CEL's commutative semantics: an error or non-bool on one side is absorbed when the other
    // side alone decides (false for &&, true for ||); otherwise the left side's error wins.
    const d = String(!isAnd);
    const nd = String(isAnd);
    const at = l.pos;
    return hoist('L', scope.length, (fn) =>
      [
        `let a; try { a = ${gen(l, scope, fn)}; } catch (e) { a = rt.asError(e); }`,
        `if (a === ${d}) return ${d};`,
        `const b = ${gen(r, scope, fn)};`,
        `if (a === ${nd}) { if (typeof b === "boolean") return b; throw rt.logicalOperandError(b, ${at}); }`,
        `if (b === ${d}) return ${d};`,
        `if (b === ${nd}) throw a instanceof Error ? a : rt.logicalOperandError(a, ${at});`,
        `throw rt.logicalOperandError(b, ${at});`,
      ].join('\n'),
    );
  }

  function macro(name: string, recv: Node, args: Node[], scope: readonly string[]): string {
    const depth = scope.length;
    const x = `x${depth}`;
    const inner = [...scope, args[0]!.args as string];
    const pat = args[1]!.pos;
    const desc = name === 'map' ? 'var, filter, transform) filter predicate' : 'var, predicate) predicate';
    const bad = (r: string) => `rt.conditionError(${str(`${name}(${desc} must return bool`)}, ${r}, ${pat})`;
    return hoist('M', depth, (fn) => {
      const items = `const items = rt.iterItems(${gen(recv, scope, fn)}, ${recv.pos});`;
      const body = args.slice(1).map((a) => gen(a, inner, fn));
      const loop = (stmts: string) => `for (let i = 0; i < items.length; i++) {\nconst ${x} = items[i];\n${stmts}\n}`;
      switch (name) {
        case 'all':
        case 'exists': {
          // Errors are absorbed when a later element decides the result, as in the interpreter.
          const d = String(name === 'exists');
          const nd = String(name !== 'exists');
          return [
            items,
            'let err;',
            loop(`let r; try { r = ${body[0]}; } catch (e) { err ??= e; continue; }\nif (r === ${d}) return ${d};\nif (r !== ${nd}) err ??= ${bad('r')};`),
            `if (err !== undefined) throw err;\nreturn ${nd};`,
          ].join('\n');
        }
        case 'exists_one':
          return [items, 'let count = 0;', loop(`const r = ${body[0]};\nif (r === true) count++;\nelse if (r !== false) throw ${bad('r')};`), 'return count === 1;'].join('\n');
        default: {
          // filter(x, p), map(x, t), map(x, p, t): errors are fatal.
          const filtered = name === 'filter' || body.length === 2;
          const test = filtered ? `const r = ${body[0]};\nif (r === false) continue;\nif (r !== true) throw ${bad('r')};\n` : '';
          const value = name === 'filter' ? x : body[body.length - 1];
          return [items, 'const out = [];', loop(`${test}out.push(${value});`), 'return out;'].join('\n');
        }
      }
    });
  }

  const main = new Fn();
  const expr = gen(root as unknown as Node, [], main);
  const quick = new Fn();
  const fastExpr = gen(root as unknown as Node, [], quick, true);
  const js = [
    '"use strict";',
    'const hasOwn = Object.hasOwn, isArray = Array.isArray;',
    ...hoisted,
    `function exact(vars) {\n${main.decl()}\nreturn ${expr};\n}`,
    `function fast(vars) {\n${quick.decl()}\nreturn ${fastExpr};\n}`,
    // Whatever the fast path gives is CEL's value; where it gives up, CEL's rules decide.
    `return { fast, fn: function cel(vars) {\ntry { return fast(vars); } catch { return exact(vars); }\n} };`,
  ].join('\n');
  type Generated = { fn: (vars: Vars) => unknown; fast: (vars: Vars) => unknown };
  return { ...(new Function('rt', 'k', js)(RT, consts) as Generated), js };
}

/** A receiver whose checked type is concrete (e.g. `list<dyn>`, not `dyn`), with dyn-free arguments. */
function staticReceiver(recv: Node, args: Node[]): boolean {
  const t = recv.checkedType;
  if (!t || t.kind === 'dyn' || t.hasPlaceholderType) return false;
  return args.every((a) => a.checkedType?.hasDynType === false);
}

function isScalarLiteral(n: Node): boolean {
  return n.op === 'value' && (typeof n.args === 'string' || typeof n.args === 'boolean' || n.args === null);
}
