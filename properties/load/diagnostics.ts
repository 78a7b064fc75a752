/**
 * Diagnostics for bad input: `file:line:col: CODE message`, exit code 2, never a stack trace.
 * Codes are stable (tests and users grep for them); CODES is their registry, from which
 * docs/error-codes.md is generated.
 */

export const CODES = {
  SVC001: 'YAML syntax error',
  SVC002: 'value does not match the schema',
  SVC003: 'unknown operation',
  SVC004: 'CEL expression does not compile',
  SVC005: 'file cannot be read',
  SVC006: 'unknown field',
  SVC007: 'required field missing',
  SVC008: 'duplicate id',
  SVC009: 'unknown helper function in CEL',
  SVC010: 'reference to an unknown operation',
  SVC011: 'CEL type error',
  SVC012: 'unknown variable in CEL',
  SVC013: 'reference to an unknown invariant, scope or timing',
  SVC014: 'bad command-line usage',
  SVC015: 'invalid cluster configuration',
  SVC016: 'a step names no operation or more than one',
  SVC017: 'shard reports that do not merge',
} as const;

export type Code = keyof typeof CODES;

export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly code: Code;
  readonly message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col}: ${d.code} ${d.message}`;
}

/** Thrown by loaders; the CLI prints each diagnostic and exits 2. */
export class InputError extends Error {
  constructor(readonly diagnostics: readonly Diagnostic[]) {
    super(diagnostics.map(formatDiagnostic).join('\n'));
    this.name = 'InputError';
  }
}

/** "did you mean" for a misspelt name: the closest candidate within a small edit distance. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const c of candidates) {
    const dist = editDistance(word, c);
    if (dist < bestDist) {
      best = c;
      bestDist = dist;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

export function didYouMean(word: string, candidates: Iterable<string>): string {
  const s = suggest(word, candidates);
  return s ? ` (did you mean "${s}"?)` : '';
}
