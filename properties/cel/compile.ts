/**
 * compileCel: the one way svcspec turns a CEL string into something it can evaluate.
 *
 * loaded string → parsed (syntax errors) → known functions (unknown-function errors, with the
 * name's position) → type-checked against the environment (unknown variables, type errors the
 * checker can see) → compiled to one JavaScript function (codegen.ts, which explains why generated
 * code and why it is safe), or kept interpreted when the expression uses something outside the
 * compiled subset. Both evaluators are returned, so callers can check one against the other, and
 * both throw CelEvalError on evaluation errors.
 */
import type { ASTNode } from '@marcbachmann/cel-js';
import { generate, isMacroCall, Unsupported, type Vars } from './codegen.ts';
import { CEL_VARIABLE_NAMES, celEnvironment, knownFunctionNames } from './environment.ts';
import { compileError, toCelEvalError, type CelCompileError, type CelCompileErrorCode } from './errors.ts';

export type CelVars = Vars;

export interface CompiledCel {
  ok: true;
  source: string;
  /** The fast evaluator: the generated function, or the interpreter when `mode` is 'interpreted'. */
  fn: (vars: CelVars) => unknown;
  /** The reference evaluator: @marcbachmann/cel-js on the same checked AST. */
  interpret: (vars: CelVars) => unknown;
  mode: 'compiled' | 'interpreted';
  /** Why the expression stays interpreted: the first construct outside the compiled subset. */
  fallback?: { offset: number; reason: string };
  /** Type the checker inferred for the whole expression (`bool` for a well-formed invariant; `dyn` when unknown). */
  type: string;
  /**
   * What the expression reads: `var` or `var.field` (e.g. `state.services`, `op.op`), so a
   * checker can skip invariants an operation cannot affect.
   */
  reads: readonly string[];
  /** The generated JavaScript, when compiled (for debugging and reports). */
  js?: string;
  /** The generated code's fast path alone, when compiled: throws wherever it gives up (for tests). */
  fast?: (vars: CelVars) => unknown;
}

export type CelCompileResult = CompiledCel | { ok: false; error: CelCompileError };

interface Node {
  op: string;
  args: any;
  pos: number;
  end: number;
}

const known = knownFunctionNames();
const NO_VARS: CelVars = Object.freeze({});

export function compileCel(source: string): CelCompileResult {
  let parsed: ReturnType<typeof celEnvironment.parse>;
  try {
    parsed = celEnvironment.parse(source);
  } catch (e) {
    return { ok: false, error: fromLibrary(source, e, 'syntax') };
  }
  const unknownFn = findUnknownFunction(source, parsed.ast as unknown as Node);
  if (unknownFn) return { ok: false, error: unknownFn };
  const checked = parsed.check();
  if (!checked.valid) {
    const code = (checked.error as { code?: string } | undefined)?.code === 'unknown_variable' ? 'unknown-variable' : 'type';
    return { ok: false, error: fromLibrary(source, checked.error, code) };
  }

  const interpret = (vars: CelVars): unknown => {
    try {
      return parsed(vars);
    } catch (e) {
      throw toCelEvalError(e);
    }
  };
  const base = { ok: true as const, source, interpret, type: checked.type ?? 'dyn', reads: collectReads(parsed.ast) };

  let generated: ReturnType<typeof generate>;
  try {
    generated = generate(parsed.ast);
  } catch (e) {
    if (e instanceof Unsupported) return { ...base, fn: interpret, mode: 'interpreted', fallback: { offset: e.offset, reason: e.message } };
    if (e instanceof EvalError) {
      // node --disallow-code-generation-from-strings: the interpreter still works.
      return { ...base, fn: interpret, mode: 'interpreted', fallback: { offset: 0, reason: `code generation disabled: ${e.message}` } };
    }
    throw e;
  }
  const code = generated.fn;
  const fn = (vars: CelVars): unknown => {
    try {
      return code(vars ?? NO_VARS);
    } catch (e) {
      throw toCelEvalError(e);
    }
  };
  return { ...base, fn, mode: 'compiled', js: generated.js, fast: generated.fast };
}

function fromLibrary(source: string, err: unknown, code: CelCompileErrorCode): CelCompileError {
  const e = err as { code?: string; summary?: string; message?: string; range?: { start?: number } } | undefined;
  const message = e?.summary ?? e?.message ?? String(err);
  return compileError(source, code, message, e?.range?.start ?? 0, e?.code);
}

function children(n: Node): Node[] {
  switch (n.op) {
    case 'value':
    case 'id':
      return [];
    case '.':
    case '.?':
    case '!_':
    case '-_':
      return [n.op === '.' || n.op === '.?' ? n.args[0] : n.args];
    case 'call':
      return n.args[1];
    case 'rcall':
      return [n.args[1], ...n.args[2]];
    case 'map':
      return (n.args as Node[][]).flat();
    default:
      return Array.isArray(n.args) ? n.args : [];
  }
}

/** A call of a name no overload, macro or helper has: reported at the name, before type checking. */
function findUnknownFunction(source: string, n: Node): CelCompileError | undefined {
  if (n.op === 'call' && !known.functions.has(n.args[0])) {
    return compileError(source, 'unknown-function', `unknown function '${n.args[0]}'`, n.pos);
  }
  if (n.op === 'rcall' && !known.methods.has(n.args[0])) {
    const recvEnd = (n.args[1] as Node).end;
    const at = source.indexOf(n.args[0], recvEnd);
    return compileError(source, 'unknown-function', `unknown method '.${n.args[0]}()'`, at < 0 ? n.pos : at);
  }
  for (const c of children(n)) {
    const e = findUnknownFunction(source, c);
    if (e) return e;
  }
  return undefined;
}

function collectReads(ast: ASTNode): string[] {
  const reads = new Set<string>();
  const walk = (n: Node, scope: readonly string[]): void => {
    const root = n.op === '.' ? (n.args[0] as Node) : n;
    if (root.op === 'id' && CEL_VARIABLE_NAMES.has(root.args) && !scope.includes(root.args)) {
      reads.add(n === root ? root.args : `${root.args}.${n.args[1]}`);
      return;
    }
    if (isMacroCall(n)) {
      const [, recv, args] = n.args as [string, Node, Node[]];
      walk(recv, scope);
      const inner = [...scope, args[0]!.args as string];
      for (const a of args.slice(1)) walk(a, inner);
      return;
    }
    for (const c of children(n)) walk(c, scope);
  };
  walk(ast as unknown as Node, []);
  return [...reads].sort();
}
