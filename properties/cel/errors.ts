/**
 * Errors of the CEL layer, one shape for both evaluation paths.
 *
 * - Compile errors (syntax, unknown function, unknown variable, type) are values, not throws:
 *   the spec loader turns them into `file:line:col: message` diagnostics.
 * - Evaluation errors are thrown as CelEvalError by the generated function and by the interpreter
 *   alike (the interpreter's EvaluationError is converted), so a caller reports an "error"
 *   verdict without caring which path ran.
 */

/** Stable compile-error codes; `celCode` keeps the library's finer code for debugging. */
export type CelCompileErrorCode = 'syntax' | 'unknown-function' | 'unknown-variable' | 'type';

export interface CelCompileError {
  /** 0-based character offset into the expression source. */
  offset: number;
  /** 1-based line and column of `offset` inside the expression. */
  line?: number;
  column?: number;
  code: CelCompileErrorCode;
  message: string;
  /** The code @marcbachmann/cel-js gave (e.g. `no_matching_overload`), when it gave one. */
  celCode?: string;
}

/**
 * Thrown when evaluating an expression fails (no such key, no such overload, division by zero…).
 * `code` uses the interpreter's codes (`no_such_key`, `no_such_overload`, `invalid_logical_operand`…)
 * so the compiled and interpreted paths can be compared; `offset` points into the source when known.
 */
export class CelEvalError extends Error {
  override readonly name = 'CelEvalError';
  constructor(
    readonly code: string,
    message: string,
    public offset?: number,
  ) {
    super(message);
  }
}

/** Shorthand used by the runtime: the offset is the AST node's start, or undefined. */
export function evalError(code: string, message: string, offset?: number): CelEvalError {
  return new CelEvalError(code, message, offset);
}

interface LibraryError {
  code?: unknown;
  summary?: unknown;
  message?: unknown;
  range?: { start?: unknown };
}

/**
 * Any throw during evaluation becomes a CelEvalError. Library errors keep their code and their
 * summary (the message without the source highlight); anything else is an internal error
 * (a bug, or a JavaScript RangeError from a too-deep structure).
 */
export function toCelEvalError(err: unknown): CelEvalError {
  if (err instanceof CelEvalError) return err;
  if (err instanceof Error) {
    const e = err as Error & LibraryError;
    const start = typeof e.range?.start === 'number' ? e.range.start : undefined;
    if (typeof e.code === 'string') {
      return new CelEvalError(e.code, typeof e.summary === 'string' ? e.summary : e.message, start);
    }
    return new CelEvalError('internal', `${e.name}: ${e.message}`, start);
  }
  return new CelEvalError('internal', String(err));
}

/** 1-based line and column of a 0-based offset in `source`. */
export function lineColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

export function compileError(
  source: string,
  code: CelCompileErrorCode,
  message: string,
  offset: number,
  celCode?: string,
): CelCompileError {
  const at = Math.max(0, Math.min(offset, source.length));
  return { offset: at, ...lineColumn(source, at), code, message, ...(celCode ? { celCode } : {}) };
}
