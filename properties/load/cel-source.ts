/** Compiles a CEL expression found in a YAML file; its errors point into the file. */
import { compileCel, type CompiledCel } from '../cel/index.ts';
import type { Code, Diagnostic } from './diagnostics.ts';
import { type Path, type SourceDoc, positionInScalar } from './yaml-source.ts';

const CODE_OF: Record<string, Code> = { syntax: 'SVC004', 'unknown-function': 'SVC009', 'unknown-variable': 'SVC012', type: 'SVC011' };

export function compileCelAt(src: SourceDoc, path: Path, source: string, what: string): CompiledCel | Diagnostic {
  const r = compileCel(source);
  if (r.ok) return r;
  const pos = positionInScalar(src, path, r.error.offset);
  return { file: src.file, line: pos.line, col: pos.col, code: CODE_OF[r.error.code] ?? 'SVC004', message: `${what}: ${r.error.message}` };
}
