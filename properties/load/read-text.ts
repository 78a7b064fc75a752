/** Reading an input file: a file that cannot be read is a diagnostic with a position, never a stack trace. */
import { readFileSync } from 'node:fs';
import { InputError } from './diagnostics.ts';

/** `from` is where the file was named (a scenario's `file:` reference); else the file itself, at 1:1. */
export function readText(file: string, from?: { file: string; line: number; col: number }): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const where = from ?? { file, line: 1, col: 1 };
    throw new InputError([{ ...where, code: 'SVC005', message: `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
  }
}
